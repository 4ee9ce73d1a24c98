/**
 * `lastlook diff CONTAINER PATH` on real engines (28.5.2, 26.1.5, 20.10.24): one container per engine holds every
 * case (an edited config file, an appended log, a replaced binary, a deleted file, a mode-only change, an
 * owner-only change, a file swapped for a symlink, an added file with hostile bytes), read running, paused and
 * exited, with `changes` identical before and after each state; a never-started container (its changes made by
 * `docker cp`) read through the export; the image side from a helper that leaves no container and no volume, also
 * when the read is aborted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pack as tarPack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/index.js';
import { DEFAULT_MAX_BYTES } from '../../src/core/content-diff.js';
import type { Change } from '../../src/core/model.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { readFromImage } from '../../src/docker/file-read.js';
import type { DockerPort } from '../../src/docker/port.js';
import { CONTAINER_SCRIPT, IMAGE_SCRIPT } from './fixtures/content-cases.js';
import { given } from './given.js';
import {
  containerIds,
  docker,
  engineEnv,
  prefix,
  startEngine,
  stopEngine,
  type TestEngine,
  volumeNames,
} from './harness.js';

const sorted = (c: Change[]) => c.map((x) => `${x.kind} ${x.path}`).sort();

async function lastlook(engine: TestEngine, args: string[], signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await main({
    argv: ['--host', engine.host, ...args],
    env: engineEnv(engine) as Record<string, string>,
    stdout,
    stderr,
    stdin: new PassThrough(),
    signal,
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

async function until(fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Json {
  kind: string | null;
  shape: string;
  before: {
    type: string;
    size: number | null;
    sha256: string | null;
    mode: string;
    uid: number;
    gid: number;
    linkTarget: string | null;
  } | null;
  after: Json['before'];
  modeChanged: boolean;
  ownerChanged: boolean;
  hunks: { lines: { op: string; old: number | null; new: number | null; text: string }[] }[];
  children: { path: string; kind: string }[];
  reads: { container: string | null; image: string | null };
}

/** Every case, by `--json` and by text, checked against what the scripts did. */
async function checkCases(
  engine: TestEngine,
  name: string,
  sums: { image: string; container: string },
  via: string,
  withText: boolean,
) {
  const json = async (path: string): Promise<Json> => {
    const r = await lastlook(engine, ['diff', name, path, '--json']);
    // On a refusal, what the engine lists now, beside what lastlook said (a one-off on 20.10 said app.conf was not
    // among the changes right after the script's last write was seen).
    const changes = r.stderr ? await docker(engine, ['diff', name]).catch((e: Error) => e.message) : '';
    expect(r.stderr, `docker diff ${name} now:\n${changes}`).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Json;
  };
  // The text form is checked once (running): it renders the same model.
  const text = async (path: string, check: (out: string) => void) => {
    if (!withText) return;
    const r = await lastlook(engine, ['diff', name, path]);
    expect(r.code).toBe(0);
    check(r.stdout);
  };
  const lines = (j: Json) =>
    j.hunks.flatMap((h) => h.lines.map((l) => `${l.op}${l.old ?? '_'}:${l.new ?? '_'} ${l.text}`));

  const conf = await json('/etc/app/app.conf');
  expect(conf).toMatchObject({ kind: 'modified', shape: 'text', reads: { container: via, image: 'helper' } });
  expect(lines(conf)).toEqual([' 1:1 listen 80', '-2:_ workers 2', '+_:2 workers 8', ' 3:3 name demo']);
  await text('/etc/app/app.conf', (t) => expect(t).toMatch(/\n {2}2 {5}- workers 2\n {6}2 \+ workers 8\n/));

  const tool = await json('/opt/bin/tool');
  expect(tool).toMatchObject({ kind: 'modified', shape: 'binary', hunks: [] });
  expect(tool.before).toMatchObject({ size: 3000, sha256: sums.image });
  expect(tool.after).toMatchObject({ size: 3000, sha256: sums.container });
  await text('/opt/bin/tool', (t) => {
    expect(t).toContain(`image:     regular file  3,000 bytes  sha256 ${sums.image}`);
    expect(t).toContain('binary file: content differs');
  });

  const old = await json('/etc/app/old.conf');
  expect(old).toMatchObject({ kind: 'deleted', after: null, reads: { container: null, image: 'helper' } });
  expect(lines(old)).toEqual(['-1:_ obsolete = true']);

  const added = await json('/etc/app/new.txt');
  expect(added).toMatchObject({ kind: 'added', before: null, reads: { container: via, image: null } });
  await text('/etc/app/new.txt', (t) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control, bidi or invalid byte may pass
    expect(t.replace(/\n/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e\udc80-\udcff]/);
    expect(t).toContain('+ hello \\u001b]0;pwned\\u0007 \\u001b[31mred \\u202eevil \\xff');
  });

  // Paused and exited: the reads above cover every path (archive for A and C, the helper for C and D); the rest
  // of the cases once, running.
  if (!withText) return;
  const log = await json('/var/log/app/app.log');
  expect(lines(log)).toEqual([' 1:1 started', ' 2:2 serving', '+_:3 stopped']);
  expect(log.before?.size).toBe(16);
  expect(log.after?.size).toBe(24);

  const run = await json('/opt/bin/run.sh');
  expect(run).toMatchObject({ kind: 'modified', modeChanged: true, ownerChanged: false, hunks: [] });
  expect([run.before?.mode, run.after?.mode]).toEqual(['0644', '0755']);
  expect(run.before?.sha256).toBe(run.after?.sha256);
  await text('/opt/bin/run.sh', (t) => expect(t).toMatch(/mode: 0644 → 0755\ncontent identical\n/));

  const owned = await json('/opt/bin/owned');
  expect(owned).toMatchObject({ ownerChanged: true, modeChanged: false, hunks: [] });
  await text('/opt/bin/owned', (t) => expect(t).toContain('owner: 0:0 → 1234:5678'));

  const swapped = await json('/etc/app/current');
  expect(swapped).toMatchObject({ kind: 'modified', shape: 'type-change' });
  expect(swapped.before).toMatchObject({ type: 'file', size: 11 });
  expect(swapped.after).toMatchObject({ type: 'symlink', linkTarget: '/etc/app/app.conf' });
  expect(lines(swapped)).toEqual(['-1:_ was a file']);
  await text('/etc/app/current', (t) => expect(t).toContain('type: regular file → symlink'));

  const dir = await json('/etc/app');
  expect(dir.children.map((c) => `${c.kind} ${c.path}`)).toEqual([
    'modified /etc/app/app.conf',
    'modified /etc/app/current',
    'added /etc/app/new.txt',
    'deleted /etc/app/old.conf',
  ]);
  await text('/etc/app', (t) => expect(t).toContain('  D /etc/app/old.conf'));
}

// Own engines, one per kind: the tests compare the engine's whole volume list and its helper containers before and
// after, which other files' runs on the shared engines would change meanwhile.
describe.each(['current', 'modern', 'legacy'] as const)('diff CONTAINER PATH on %s', (kind) => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startEngine(kind);
  }, 300_000);
  afterAll(async () => {
    if (engine) await stopEngine(engine);
  });
  const port = (): DockerPort => connect(resolveConnection({ host: engine.host, env: {} }));
  const p = prefix('cd');
  let image = '';
  const helpers = async () => (await containerIds(engine, { label: ['io.lastlook.helper=image-reader'] })).join('\n');
  const volumes = () => volumeNames(engine);

  test('six cases running, paused and exited; changes identical; helpers and volumes left as they were', {
    timeout: 300_000,
  }, async () => {
    // The image: the base files committed on top of the busybox image that declares VOLUME /data.
    const base = (
      await given(engine, ['create', '--name', `${p}-base`, engine.volumeImage, 'sh', '-c', IMAGE_SCRIPT])
    ).trim();
    await docker(engine, ['start', '-a', base]);
    image = (await docker(engine, ['commit', base, `${p}-img:1`])).trim();
    await given(engine, ['rm', '-v', base]);
    const bind = mkdtempSync(join(engine.dir, 'bind-'));
    writeFileSync(join(bind, 'h.txt'), 'host');
    const volsBefore = await volumes();
    const id = (
      await docker(engine, [
        'run',
        '-d',
        '--name',
        `${p}-c`,
        '-v',
        `${p}-named:/named`,
        '-v',
        '/anon',
        '-v',
        `${bind}:/hostb`,
        '--tmpfs',
        '/scratch',
        `${p}-img:1`,
        'sh',
        '-c',
        CONTAINER_SCRIPT,
      ])
    ).trim();
    try {
      await until(async () => (await docker(engine, ['diff', id])).includes('/ready'));
      const sum = async (ref: string[]) => (await docker(engine, ref)).trim().split(/\s+/)[0] as string;
      const sums = {
        image: await sum(['run', '--rm', '--network', 'none', `${p}-img:1`, 'sha256sum', '/opt/bin/tool']),
        container: await sum(['exec', id, 'sha256sum', '/opt/bin/tool']),
      };
      const volsWithContainer = await volumes();
      for (const state of ['running', 'paused', 'exited'] as const) {
        if (state === 'paused') await given(engine, ['pause', id]);
        if (state === 'exited') {
          await docker(engine, ['unpause', id]);
          await docker(engine, ['stop', '-t', '0', id]);
        }
        expect((await docker(engine, ['inspect', '-f', '{{.State.Status}}', id])).trim()).toBe(state);
        const before = await port().containerChanges(id);
        expect(sorted(before)).toContain('added /named'); // the mountpoints exist since the start
        await checkCases(engine, `${p}-c`, sums, 'archive', state === 'running');
        const after = await port().containerChanges(id);
        expect(sorted(after)).toEqual(sorted(before));
        console.log(
          `${engine.kind} ${engine.version} ${state}: ${before.length} changes before = ${after.length} after`,
        );
      }
      expect(await helpers()).toBe('');
      expect(await volumes()).toEqual(volsWithContainer);
      expect(volsWithContainer.filter((v) => !volsBefore.includes(v))).toHaveLength(3); // named, /anon, /data
    } finally {
      await given(engine, ['rm', '-f', '-v', id]);
      await given(engine, ['volume', 'rm', `${p}-named`]);
    }
  });

  test('never started: no changes, nothing read; after docker cp the export is read and changes stay identical', async () => {
    const q = prefix('cn');
    const id = (
      await docker(engine, [
        'create',
        '--name',
        `${q}-c`,
        '-v',
        `${q}-named:/named`,
        '-v',
        '/anon',
        `${p}-img:1`,
        'true',
      ])
    ).trim();
    try {
      const untouched = await lastlook(engine, ['diff', `${q}-c`, '/etc/app/app.conf']);
      expect(untouched.code).toBe(4);
      expect(untouched.stderr).toContain('/etc/app/app.conf is not among the container');
      expect(await port().containerChanges(id)).toEqual([]);
      await docker(engine, ['cp', '-', `${id}:/etc/app`], { input: await tarOf('copied.txt', 'from docker cp\n') });
      const before = await port().containerChanges(id);
      const r = await lastlook(engine, ['diff', `${q}-c`, '/etc/app/copied.txt', '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as Json;
      expect(j).toMatchObject({ kind: 'added', reads: { container: 'export', image: null } });
      expect(j.hunks[0]?.lines).toEqual([{ op: '+', old: null, new: 1, text: 'from docker cp' }]);
      expect(sorted(await port().containerChanges(id))).toEqual(sorted(before));
      console.log(`${engine.kind} ${engine.version} created: ${sorted(before).join(', ')} unchanged`);
    } finally {
      await given(engine, ['rm', '-f', '-v', id]);
      await given(engine, ['volume', 'rm', `${q}-named`]);
    }
  });

  test('bad input: unknown container, unchanged path, a mount, ".."; --max-bytes cuts the read', async () => {
    const q = prefix('cb');
    const id = (
      await docker(engine, [
        'run',
        '-d',
        '--name',
        `${q}-c`,
        '-v',
        `${q}-v:/named`,
        `${p}-img:1`,
        'sh',
        '-c',
        CONTAINER_SCRIPT,
      ])
    ).trim();
    try {
      await until(async () => (await docker(engine, ['diff', id])).includes('/ready'));
      const missing = await lastlook(engine, ['diff', `${q}-nope`, '/etc']);
      expect(missing.code).toBe(4);
      const unchanged = await lastlook(engine, ['diff', `${q}-c`, '/etc/hostname-not-here']);
      expect([unchanged.code, unchanged.stderr]).toEqual([4, expect.stringContaining(`lastlook diff ${q}-c lists`)]);
      const mount = await lastlook(engine, ['diff', `${q}-c`, '/named/x']);
      expect(mount.code).toBe(4);
      expect(mount.stderr).toContain(`/named/x is inside a mount (volume at /named)`);
      const dots = await lastlook(engine, ['diff', `${q}-c`, '/etc/../etc/app/app.conf']);
      expect(dots.code).toBe(2);
      const cut = JSON.parse(
        (await lastlook(engine, ['diff', `${q}-c`, '/var/log/app/app.log', '--json', '--max-bytes', '10'])).stdout,
      ) as Json & { truncated: boolean };
      expect(cut.truncated).toBe(true);
      expect(cut.after).toMatchObject({ size: 24, truncated: true });
      expect(DEFAULT_MAX_BYTES).toBeGreaterThan(24);
    } finally {
      await given(engine, ['rm', '-f', '-v', id]);
      await given(engine, ['volume', 'rm', `${q}-v`]);
    }
  });

  test('an aborted read (Ctrl+C, SIGTERM) still removes the image helper', async () => {
    const ac = new AbortController();
    const real = port();
    const created: string[] = [];
    const watched: DockerPort = Object.assign(Object.create(real) as DockerPort, {
      createImageReader: async (img: string, o?: { signal?: AbortSignal }) => {
        const hid = await real.createImageReader(img, o);
        created.push(hid);
        ac.abort(new Error('interrupted by SIGTERM'));
        return hid;
      },
    });
    await expect(
      readFromImage(watched, image, '/etc/app/app.conf', { maxBytes: 1024, signal: ac.signal }),
    ).rejects.toThrow(/cancelled/);
    expect(created).toHaveLength(1);
    expect(await helpers()).toBe('');
    await docker(engine, ['rmi', `${p}-img:1`]);
  });
});

/** A one-file tar for `docker cp -`. */
async function tarOf(name: string, body: string): Promise<Buffer> {
  const pack = tarPack();
  pack.entry({ name, mode: 0o644 }, body);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const b of pack as AsyncIterable<Buffer>) parts.push(b);
  return Buffer.concat(parts);
}
