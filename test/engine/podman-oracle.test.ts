/**
 * The Podman oracle (issue 13): Debian's Podman 4.3.1, a private service started by the harness, driven through
 * its Docker-compatible API with the real docker CLI (26.1.5) and Compose 2.26.1. Each scenario plans with
 * lastlook, runs the real command, reads the engine back and compares exactly (./oracle/oracle.ts). Then a volume
 * backup taken on Podman is restored. This file owns the Podman engine (its prunes are global), and its tests run
 * one after another.
 * Run: npx vitest run --project engine test/engine/podman-oracle.test.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { formatPlan } from '../../src/core/plan/format.js';
import { portFor, runCli } from '../backup/helpers.js';
import { compose, docker, engineApi, prefix, type TestEngine } from './harness.js';
import { projectDir } from './oracle/compose-helpers.js';
import { oracle, prefixScope, readState } from './oracle/oracle.js';

const podman = inject('podman');
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The exit code of a detached container once it has exited. Not `docker wait`: Podman 4.3.1's wait endpoints (the
 * compat one and libpod's) answer only after ~20 s for a container that has already exited; its inspect says at once.
 */
async function exitCode(engine: TestEngine, name: string): Promise<number> {
  const api = engineApi(engine).getContainer(name);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = (await api.inspect()).State;
    if (state.Status === 'exited' || state.Status === 'stopped') return state.ExitCode;
    if (Date.now() > deadline) throw new Error(`${name} still ${state.Status} after 120 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Podman's attached `docker run` (and so `--rm`) hangs on 4.3.1: run detached, wait for its exit, remove. */
async function runToEnd(engine: TestEngine, name: string, args: readonly string[]): Promise<void> {
  await docker(engine, ['run', '-d', '--name', name, ...args]);
  expect(await exitCode(engine, name)).toBe(0);
  await docker(engine, ['rm', name]);
}

async function volumeAt(engine: TestEngine, container: string, dst: string): Promise<string> {
  const out = await docker(engine, [
    'inspect',
    '--format',
    `{{range .Mounts}}{{if eq .Destination "${dst}"}}{{.Name}}{{end}}{{end}}`,
    container,
  ]);
  return out.trim();
}

/** Removes every container, volume and user network (this file owns the engine). */
async function reset(engine: TestEngine): Promise<void> {
  const ids = (await docker(engine, ['ps', '-aq'])).split('\n').filter(Boolean);
  if (ids.length > 0) await docker(engine, ['rm', '-f', ...ids]);
  const vols = (await docker(engine, ['volume', 'ls', '-q'])).split('\n').filter(Boolean);
  if (vols.length > 0) await docker(engine, ['volume', 'rm', '-f', ...vols]);
  const nets = (await docker(engine, ['network', 'ls', '--format', '{{.Name}}'])).split('\n');
  for (const n of nets.filter((x) => x && x !== 'bridge' && x !== 'podman')) await docker(engine, ['network', 'rm', n]);
}

// Each scenario is a plan, a docker command and three reads of the engine: minutes on a loaded 2-core machine.
describe('Podman 4.3.1 oracle', { timeout: 300_000 }, () => {
  beforeAll(() => reset(podman));

  test('detected as Podman: the plan names "Podman 4.3.1" and its rules, not an old Docker', async () => {
    const info = await portFor(podman).engineInfo();
    expect(info.kind).toBe('podman');
    expect(info.version).toMatch(/^4\.3\./);
    const p = prefix('pd');
    await docker(podman, ['volume', 'create', `${p}-v`]);
    const r = await runCli(podman, ['plan', '--json', '--', 'docker', 'volume', 'prune', '-f']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.engine).toMatchObject({ kind: 'podman', name: `Podman ${info.version}`, apiVersion: '1.41' });
    expect(plan.warnings.join('\n')).toContain(`Podman ${info.version} prunes every unused local volume`);
    expect(plan.warnings.join('\n')).not.toContain('predates');
    expect(formatPlan(plan)).toContain(`Podman ${info.version} (compat API 1.41)`);
    await docker(podman, ['volume', 'rm', `${p}-v`]);
  });

  test('rm -v destroys -v /p, --mount and image VOLUME volumes (libpod Anonymous), keeps a named one', async () => {
    const p = prefix('pr');
    await docker(podman, ['volume', 'create', `${p}-named`]);
    await docker(podman, [
      'create',
      '--name',
      `${p}-c`,
      '-v',
      '/anon',
      '--mount',
      'type=volume,dst=/m',
      '-v',
      `${p}-named:/named`,
      podman.volumeImage,
      'true',
    ]);
    // What the compat API shows: the anonymous volumes as binds by their 64-hex name, no anonymous label.
    const binds = JSON.parse(await docker(podman, ['inspect', '-f', '{{json .HostConfig.Binds}}', `${p}-c`]));
    expect(binds.filter((b: string) => HEX64.test(b.split(':')[0] as string))).toHaveLength(3);
    const r = await oracle(podman, { argv: ['docker', 'rm', '-v', `${p}-c`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toHaveLength(3);
    expect(r.orphaned).toEqual([`${p}-named`]);
    expect(r.plan.destroy.volumes.every((v) => v.anonymous)).toBe(true);
    await docker(podman, ['volume', 'rm', `${p}-named`]);
  });

  test('rm -v of a container that mounts an anonymous volume by its name destroys it (Docker keeps it)', async () => {
    // docker-semantics.md §0: on Docker the removed container's mount spec decides (named → kept). On Podman the
    // volume's own Anonymous flag does.
    const p = prefix('pn');
    await docker(podman, ['create', '--name', `${p}-a`, '-v', '/anon', podman.image, 'true']);
    const anon = await volumeAt(podman, `${p}-a`, '/anon');
    await docker(podman, ['create', '--name', `${p}-b`, '-v', `${anon}:/x`, podman.image, 'true']);
    await docker(podman, ['rm', `${p}-a`]);
    const r = await oracle(podman, { argv: ['docker', 'rm', '-v', `${p}-b`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([anon]);
  });

  test('rm -fv of a running container destroys its anonymous volumes; a shared one stays', async () => {
    const p = prefix('pf');
    await docker(podman, ['run', '-d', '--name', `${p}-run`, '-v', '/anon', podman.volumeImage, 'sleep', '600']);
    const data = await volumeAt(podman, `${p}-run`, '/data');
    await docker(podman, ['create', '--name', `${p}-keeper`, '-v', `${data}:/d`, podman.image, 'true']);
    const r = await oracle(podman, { argv: ['docker', 'rm', '-fv', `${p}-run`], scope: prefixScope(p) });
    expect(r.destroyed.containers).toHaveLength(1);
    expect(r.destroyed.volumes).toHaveLength(1);
    expect(r.plan.keep.volumes.map((v) => v.name)).toEqual([data]);
    await docker(podman, ['rm', '-v', `${p}-keeper`]);
  });

  test('volume prune removes every unused volume, named ones too; in-use ones stay', async () => {
    await reset(podman);
    const p = prefix('pv');
    await docker(podman, ['volume', 'create', `${p}-named`]);
    await docker(podman, ['volume', 'create', '--label', 'keep=1', `${p}-labelled`]);
    await docker(podman, ['create', '--name', `${p}-gone`, '-v', '/anon', podman.image, 'true']);
    await docker(podman, ['rm', `${p}-gone`]);
    await docker(podman, ['create', '--name', `${p}-user`, '-v', `${p}-used:/u`, podman.image, 'true']);
    const r = await oracle(podman, { argv: ['docker', 'volume', 'prune', '-f', '--filter', 'label=keep=1'] });
    expect(r.destroyed.volumes).toEqual([`${p}-labelled`]);
    const all = await oracle(podman, { argv: ['docker', 'volume', 'prune', '-f'] });
    expect(all.destroyed.volumes).toHaveLength(2);
    expect(all.destroyed.volumes).toContain(`${p}-named`);
    expect(all.plan.keep.volumes.map((v) => v.name)).toEqual([`${p}-used`]);
  });

  test.each([
    [['--filter', 'label!=keep=1'], '"label!" is an invalid volume filter'],
    [['--filter', 'all=true'], '"all" is an invalid volume filter'],
    [['-a'], '"--all" requires API version 1.42'],
  ])('volume prune %j is refused by Podman: a blocked plan, and nothing goes', async (flags, reason) => {
    await reset(podman);
    const p = prefix('pb');
    await docker(podman, ['volume', 'create', `${p}-named`]);
    const r = await oracle(podman, { argv: ['docker', 'volume', 'prune', '-f', ...flags] });
    expect(r.commandOk).toBe(false);
    expect(r.commandError).toContain(reason);
    expect(r.plan.blocked?.reason).toContain(reason);
    expect(r.destroyed.volumes).toEqual([]);
  });

  test('system prune --volumes: its default network stays, no build cache (the CLI fails last, after removing)', async () => {
    await reset(podman);
    const p = prefix('ps');
    await docker(podman, ['network', 'create', `${p}-idle`]);
    await docker(podman, ['network', 'create', `${p}-busy`]);
    await docker(podman, [
      'create',
      '--name',
      `${p}-stopped`,
      '--network',
      `${p}-idle`,
      '-v',
      '/a',
      podman.image,
      'true',
    ]);
    await docker(podman, ['run', '-d', '--name', `${p}-up`, '--network', `${p}-busy`, podman.image, 'sleep', '600']);
    await docker(podman, ['volume', 'create', `${p}-named`]);
    const before = await readState(podman);
    // Listed as `bridge` by the compat API (inspected as `podman`): a predefined network, which the adapter does
    // not inspect and the planner must never remove.
    const defaultNet = before.networks.find((n) => n.name === 'bridge');
    expect(defaultNet).toBeDefined();
    const r = await oracle(podman, { argv: ['docker', 'system', 'prune', '-f', '--volumes'] });
    expect(r.commandOk).toBe(false);
    expect(r.commandError).toContain('Not Found');
    expect(r.destroyed.containers).toHaveLength(1);
    expect(r.destroyed.networks).toHaveLength(1);
    expect(r.destroyed.volumes).toHaveLength(2);
    expect(r.plan.warnings.join('\n')).toContain('no build-cache endpoint');
    expect(r.after.networks.map((n) => n.id)).toContain(defaultNet?.id);
  });

  test('builder prune: Podman has no build-cache endpoint, a blocked plan', async () => {
    const r = await oracle(podman, { argv: ['docker', 'builder', 'prune', '-f'] });
    expect(r.commandOk).toBe(false);
    expect(r.commandError).toContain('Not Found');
    expect(r.plan.blocked?.reason).toContain('no build-cache endpoint');
  });

  test('system prune --volumes --filter label!=…: containers and networks go, the volume step is refused', async () => {
    await reset(podman);
    const p = prefix('pl');
    await docker(podman, ['network', 'create', `${p}-idle`]);
    await docker(podman, ['create', '--name', `${p}-stopped`, '-v', '/a', podman.image, 'true']);
    await docker(podman, ['volume', 'create', `${p}-named`]);
    const r = await oracle(podman, {
      argv: ['docker', 'system', 'prune', '-f', '--volumes', '--filter', 'label!=keep'],
    });
    expect(r.commandOk).toBe(false);
    expect(r.commandError).toContain('"label!" is an invalid volume filter');
    expect(r.destroyed.containers).toHaveLength(1);
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.plan.warnings.join('\n')).toContain('refuses the volume prune step');
  });

  test('compose down -v: the service anonymous volume, image VOLUME and the named volume go', async () => {
    await reset(podman);
    const p = prefix('pc');
    const cwd = projectDir({
      'compose.yaml': `name: ${p}
services:
  db:
    image: ${podman.volumeImage}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    volumes:
      - /scratch
      - dbdata:/var/db
volumes:
  dbdata:
`,
    });
    try {
      await compose(podman, ['up', '-d'], { cwd });
      const r = await oracle(podman, { argv: ['docker', 'compose', 'down', '-v'], cwd, scope: prefixScope(p) });
      expect(r.commandError).toBeNull();
      expect(r.destroyed.containers).toHaveLength(1);
      // /scratch and /data anonymous (64-hex), dbdata by name.
      expect(r.destroyed.volumes.filter((v) => HEX64.test(v))).toHaveLength(2);
      expect(r.destroyed.volumes).toContain(`${p}_dbdata`);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('a volume backup taken on Podman restores', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llpb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Names, contents, hard link count and modes; owners apart (see below).
  const LIST = 'cd /d && find . | sort && find . -type f | sort | xargs md5sum && ls -l hard1 owned | cut -c1-14';
  const OWNERS = "stat -c '%n %u:%g' /d/owned /d/sub/f";

  test('backup, verify, remove, restore: the same files, contents and link; no helper, no dangling image', async () => {
    const p = prefix('pk');
    const vol = `${p}-data`;
    await docker(podman, ['volume', 'create', '--label', 'app=test', vol]);
    await runToEnd(podman, `${p}-fill`, [
      '-v',
      `${vol}:/d`,
      podman.image,
      'sh',
      '-c',
      `set -e; cd /d; mkdir -p sub/deeper "${'x'.repeat(120)}"; echo one > sub/f; echo two > sub/deeper/g;
       echo owned > owned; chown 12:34 owned; ln owned hard1; ln -s sub/f link; echo long > "${'x'.repeat(120)}/${'y'.repeat(90)}"`,
    ]);
    const listing = async (script = LIST) => {
      const name = prefix('pl');
      await docker(podman, ['run', '-d', '--name', name, '-v', `${vol}:/d`, podman.image, 'sh', '-c', script]);
      expect(await exitCode(podman, name)).toBe(0);
      const out = await docker(podman, ['logs', name]);
      await docker(podman, ['rm', name]);
      return out;
    };
    const owners = () => listing(OWNERS);
    expect(await owners()).toBe('/d/owned 12:34\n/d/sub/f 0:0\n');
    const before = await listing();
    expect(before).toContain('./sub/deeper/g');

    const b = await runCli(podman, ['backup', vol, '--to', dir, '--json']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const archive = (JSON.parse(b.stdout) as { items: { archive: string }[] }).items[0]?.archive as string;
    const manifest = JSON.parse(await readFile(`${archive}.manifest.json`, 'utf8')) as { warnings: string[] };
    expect(manifest.warnings.join('\n')).toContain("the files' owners are not kept");
    expect((await docker(podman, ['ps', '-aq', '--filter', 'label=io.lastlook.helper'])).trim()).toBe('');
    // Podman 4.3.1 ignores `tag` on import: a second backup would otherwise import again and leave one dangling.
    const again = await runCli(podman, ['backup', vol, '--to', join(dir, 'second'), '--json']);
    expect(again.code).toBe(0);
    expect((await docker(podman, ['images', '-q', '--filter', 'dangling=true'])).trim()).toBe('');

    const v = await runCli(podman, ['verify', archive]);
    expect(v.code).toBe(0);
    await docker(podman, ['volume', 'rm', vol]);
    const r = await runCli(podman, ['restore', archive]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(await docker(podman, ['volume', 'inspect', '-f', '{{json .Labels}}', vol]))).toEqual({
      app: 'test',
    });
    expect(await listing()).toBe(before);
    // Podman 4.3.1's archive endpoint reports every entry as owned by the helper's user (copier ChownFiles), so a
    // backup taken on Podman cannot carry owners: `owned` (12:34 in the volume) comes back as root's.
    expect(await owners()).toBe('/d/owned 0:0\n/d/sub/f 0:0\n');
    await docker(podman, ['volume', 'rm', vol]);
  }, 300_000);
});
