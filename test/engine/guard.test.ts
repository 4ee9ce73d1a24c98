/**
 * `lastlook guard` on real engines: it removes exactly what the plan listed, asks before doing so, refuses
 * without a terminal unless --yes, takes a verified backup first when asked (and destroys nothing if the backup
 * fails), stops with exit 5, touching nothing, when the engine changed between preview and confirmation (a volume
 * recreated under the same name included), and stops with exit 6 when interrupted, saying what went and what stays.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { main } from '../../src/cli/index.js';
import { given } from './given.js';
import { docker, engineEnv, prefix, type TestEngine } from './harness.js';
import { type EngineState, readState } from './oracle/oracle.js';

const engines = inject('engines');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'llguard-'));
  dirs.push(d);
  return d;
}

interface Run {
  readonly code: Promise<number>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Types a line into guard's prompt (only with `tty`). */
  readonly answer: (line: string) => void;
}

/** Runs `lastlook --host <engine> guard …` in-process; `tty` gives it a terminal-like stdin to answer on. */
function guard(engine: TestEngine, args: string[], tty = false, signal = new AbortController().signal): Run {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  const code = main({
    argv: ['--host', engine.host, 'guard', ...args],
    env: engineEnv(engine),
    stdout: sink(out) as never,
    stderr: sink(err),
    stdin,
    signal,
  });
  return {
    code,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    answer: (line) => stdin.write(`${line}\n`),
  };
}

/**
 * What a test owns, in a comparable form: its `p…` containers (id, name, state) and volumes named `p…` or mounted
 * by them. The engine is shared with other test files, so nothing else is compared.
 */
async function mine(engine: TestEngine, p: string, extra: readonly string[] = []): Promise<unknown> {
  const state: EngineState = await readState(engine);
  const containers = state.containers.filter((c) => c.name.startsWith(p));
  const mounted = new Set(containers.flatMap((c) => c.mounts.flatMap((m) => (m.name ? [m.name] : []))));
  return {
    containers: containers.map((c) => `${c.id} ${c.name} ${c.state}`).sort(),
    volumes: state.volumes.filter((v) => v.startsWith(p) || mounted.has(v) || extra.includes(v)).sort(),
  };
}

function anonymousOf(state: EngineState, name: string): string[] {
  const c = state.containers.find((x) => x.name === name);
  return (c?.mounts ?? []).flatMap((m) =>
    m.type === 'volume' && m.name && /^[0-9a-f]{64}$/.test(m.name) ? [m.name] : [],
  );
}

async function until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(engines.map((e) => [e.kind, e] as const))('guard on the %s engine', (_kind, engine) => {
  test('--yes removes exactly the planned container and its anonymous volume, and reports it', async () => {
    const p = prefix('g');
    await given(engine, ['volume', 'create', `${p}-named`]);
    await given(engine, ['create', '--name', `${p}-c`, '-v', '/anon', '-v', `${p}-named:/n`, engine.image, 'true']);
    const before = await readState(engine);
    const [anon] = anonymousOf(before, `${p}-c`);
    expect(anon).toBeDefined();
    const r = guard(engine, ['--yes', '--', 'docker', 'rm', '-v', `${p}-c`]);
    expect(await r.code).toBe(0);
    expect(r.stdout()).toMatch(new RegExp(`Containers \\(1\\)\\n\\s+${p}-c `));
    expect(r.stdout()).toMatch(/Removed 2 objects/);
    const after = await readState(engine);
    expect(after.containers.map((c) => c.name)).not.toContain(`${p}-c`);
    expect(after.volumes).not.toContain(anon);
    expect(after.volumes).toContain(`${p}-named`);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test('without a terminal and without --yes it asks no one and removes nothing (exit 1)', async () => {
    const p = prefix('g');
    await given(engine, ['create', '--name', `${p}-c`, engine.image, 'true']);
    const before = await mine(engine, p);
    const r = guard(engine, ['--', 'docker', 'rm', `${p}-c`]);
    expect(await r.code).toBe(1);
    expect(r.stderr()).toContain('--yes');
    expect(await mine(engine, p)).toEqual(before);
    await given(engine, ['rm', `${p}-c`]);
  });

  test('a running container without -f is blocked: exit 3, nothing removed', async () => {
    const p = prefix('g');
    await given(engine, ['run', '-d', '--name', `${p}-c`, engine.image, 'sleep', '600']);
    const before = await mine(engine, p);
    const r = guard(engine, ['--yes', '--', 'docker', 'rm', `${p}-c`]);
    expect(await r.code).toBe(3);
    expect(r.stdout()).toContain('BLOCKED');
    expect(await mine(engine, p)).toEqual(before);
    await given(engine, ['rm', '-f', `${p}-c`]);
  });

  test('at the prompt, anything but the volume name declines (exit 1) and nothing is removed', async () => {
    const p = prefix('g');
    await given(engine, ['create', '--name', `${p}-c`, '-v', '/anon', engine.image, 'true']);
    const before = await mine(engine, p);
    const r = guard(engine, ['--', 'docker', 'rm', '-v', `${p}-c`], true);
    await until(() => r.stderr().includes(`Type ${p}-c to confirm`), 'the prompt');
    r.answer('y');
    expect(await r.code).toBe(1);
    expect(r.stderr()).toContain('nothing was removed');
    expect(await mine(engine, p)).toEqual(before);
    await given(engine, ['rm', '-v', `${p}-c`]);
  });

  test('drift between the preview and the answer: exit 5 and nothing removed', async () => {
    const p = prefix('g');
    await given(engine, ['create', '--name', `${p}-a`, '-v', '/anon', engine.image, 'true']);
    const r = guard(engine, ['--', 'docker', 'rm', '-v', `${p}-a`], true);
    await until(() => r.stderr().includes(`Type ${p}-a to confirm`), 'the prompt');
    // Someone mounts the anonymous volume into another container: rm -v would now keep it.
    const [anon] = anonymousOf(await readState(engine), `${p}-a`);
    if (!anon) throw new Error('no anonymous volume');
    await given(engine, ['create', '--name', `${p}-b`, '-v', `${anon}:/x`, engine.image, 'true']);
    const before = await mine(engine, p);
    r.answer(`${p}-a`);
    expect(await r.code).toBe(5);
    expect(r.stderr()).toContain('NOTHING was removed');
    expect(r.stderr()).toContain(`volume ${anon}`);
    expect(await mine(engine, p)).toEqual(before);
    await given(engine, ['rm', `${p}-b`]);
    await given(engine, ['rm', '-v', `${p}-a`]);
  });

  test('a volume removed and recreated under its name before the answer is drift: exit 5, the new one stays', async () => {
    const p = prefix('g');
    await given(engine, ['volume', 'create', `${p}-v`]);
    const created = (await docker(engine, ['volume', 'inspect', '--format', '{{.CreatedAt}}', `${p}-v`])).trim();
    const r = guard(engine, ['--', 'docker', 'volume', 'rm', `${p}-v`], true);
    await until(() => r.stderr().includes(`Type ${p}-v to confirm`), 'the prompt');
    // CreatedAt has a resolution of one second: recreate once the clock shows another second.
    await until(
      () => new Date().toISOString().slice(0, 19) !== new Date(created).toISOString().slice(0, 19),
      'a new second',
    );
    await given(engine, ['volume', 'rm', `${p}-v`]);
    await given(engine, ['volume', 'create', `${p}-v`]);
    await given(engine, ['run', '--rm', '-v', `${p}-v:/d`, engine.image, 'sh', '-c', 'echo new > /d/marker']);
    r.answer(`${p}-v`);
    expect(await r.code).toBe(5);
    expect(r.stderr()).toContain('NOTHING was removed');
    expect(r.stderr()).toMatch(new RegExp(`volume ${p}-v: was destroy .*now destroy a different volume`));
    const marker = await given(engine, ['run', '--rm', '-v', `${p}-v:/d`, engine.image, 'cat', '/d/marker']);
    expect(marker.trim()).toBe('new');
    await given(engine, ['volume', 'rm', `${p}-v`]);
  });

  test('interrupted while removing: it stops, reads the engine back, lists what went and what stays (exit 6)', async () => {
    const p = prefix('g');
    const names = Array.from({ length: 12 }, (_, i) => `${p}-c${String(i).padStart(2, '0')}`);
    for (const n of names) await given(engine, ['create', '--name', n, engine.image, 'true']);
    const controller = new AbortController();
    const r = guard(engine, ['--yes', '--', 'docker', 'rm', ...names], false, controller.signal);
    await until(() => r.stderr().includes('removed container'), 'the first removal');
    controller.abort(new Error('interrupted by SIGINT'));
    expect(await r.code).toBe(6);
    expect(r.stderr()).toContain('interrupted (interrupted by SIGINT)');
    expect(r.stderr()).not.toContain('unexpected error');
    const left = (await readState(engine)).containers.map((c) => c.name).filter((n) => n.startsWith(p));
    const gone = names.filter((n) => !left.includes(n));
    // What the report says went and stayed is what the engine holds.
    expect(gone.length).toBeGreaterThan(0);
    for (const n of gone) expect(r.stdout()).toContain(`gone: container ${n}\n`);
    for (const n of left) expect(r.stdout()).toContain(`still present: container ${n}\n`);
    expect(r.stdout()).toContain(`Removed ${gone.length === 1 ? '1 object' : `${gone.length} objects`}`);
    if (left.length > 0) await given(engine, ['rm', ...left]);
  });

  test('--backup-to: the volume is backed up and verified first, then removed', async () => {
    const p = prefix('g');
    await given(engine, ['volume', 'create', `${p}-v`]);
    await given(engine, ['run', '--rm', '-v', `${p}-v:/d`, engine.image, 'sh', '-c', 'echo hello > /d/a; mkdir /d/b']);
    const dir = tempDir();
    const r = guard(engine, ['--backup-to', dir, '--yes', '--', 'docker', 'volume', 'rm', `${p}-v`]);
    expect(await r.code).toBe(0);
    expect(r.stderr()).toMatch(/Backup verified/);
    const files = readdirSync(dir);
    expect(files.some((f) => f.endsWith('.tar.gz'))).toBe(true);
    expect((await readState(engine)).volumes).not.toContain(`${p}-v`);
  });

  test('a backup that cannot be written destroys nothing', async () => {
    const p = prefix('g');
    await given(engine, ['volume', 'create', `${p}-v`]);
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const before = await mine(engine, p);
    const r = guard(engine, ['--backup-to', join(file, 'sub'), '--yes', '--', 'docker', 'volume', 'rm', `${p}-v`]);
    expect(await r.code).not.toBe(0);
    expect(existsSync(join(file, 'sub'))).toBe(false);
    expect(await mine(engine, p)).toEqual(before);
    await given(engine, ['volume', 'rm', `${p}-v`]);
  });
});

describe('the explorer without a terminal', () => {
  test('refuses with exit 2 and points to plan --json', async () => {
    const engine = engines[0] as TestEngine;
    const { spawnSync } = await import('node:child_process');
    const { repoRoot } = await import('./harness.js');
    const r = spawnSync('node', [join(repoRoot, 'bin/lastlook.js'), '--host', engine.host], {
      encoding: 'utf8',
      env: engineEnv(engine),
      input: '',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('lastlook plan --json');
  });
});
