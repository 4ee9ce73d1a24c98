/**
 * The launcher's early reads (src/docker/early-reads.ts): for each prune plan it reads early, on Docker 28.5.2
 * (disk usage prefetched) and 20.10.24 (never: a second disk-usage request is refused there), the built binary
 * sends exactly the requests the plan then makes, and the plan takes every one of them (a request read early and
 * not taken would be engine work for nothing; one the plan makes and the table lacks is simply not read early).
 * Command lines it must not read early for, and an engine that is not there, behave as without early reads.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { given } from './given.js';
import { engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

const engines = inject('allEngines');
const work = mkdtempSync(join(tmpdir(), 'lastlook-early-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: { sent: string[]; taken: string[]; version?: string } | null;
}

let runs = 0;
function lastlook(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<Run> {
  const reportFile = join(work, `report-${runs++}.json`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin/lastlook.js'), ...args],
      { env: { ...env, LASTLOOK_EARLY_REPORT: reportFile }, maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) => {
        const code = e ? (typeof e.code === 'number' ? e.code : -1) : 0;
        const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
        resolve({ code, stdout, stderr, report });
      },
    );
  });
}

const COMMANDS: readonly (readonly string[])[] = [
  ['system', 'prune', '--volumes'],
  ['system', 'prune', '-a', '-f'],
  ['container', 'prune'],
  ['volume', 'prune', '-a'],
  ['image', 'prune', '-a'],
  ['network', 'prune'],
];

describe.each(['current', 'legacy'] as const)('early reads on the %s engine', (kind) => {
  const engine = engines.find((e) => e.kind === kind) as TestEngine;

  test.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    'plan -- docker %s: every early read is taken',
    async (_, cmd) => {
      const r = await lastlook(engineEnv(engine), ['plan', '--json', '--', 'docker', ...cmd]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).engine.version).toMatch(kind === 'current' ? /^28\./ : /^20\.10\./);
      expect(r.report).not.toBeNull();
      const { sent, taken } = r.report as { sent: string[]; taken: string[] };
      expect([...taken].sort()).toEqual([...sent].sort());
      expect(sent).toContain('GET /version?');
      // Disk usage is read early only where the plan prefetches it: 23.0+ and the prunes that measure.
      const df = sent.some((k) => k.includes('/system/df'));
      const measures = ['system', 'container', 'volume'].includes(cmd[0] ?? '');
      expect(df).toBe(kind === 'current' && measures);
      // Where it measures containers (system and container prune), its summaries are the container list.
      const listFromDf = df && ['system', 'container'].includes(cmd[0] ?? '');
      expect(sent.some((k) => k.startsWith('GET /v') && k.includes('/containers/json?all=1'))).toBe(!listFromDf);
    },
  );

  /**
   * A system prune plan of this test's own container and volume (a label only they carry: the other test files
   * change the shared engine meanwhile, so a whole-engine plan differs from one run to the next).
   */
  async function ownPrune(
    tag: string,
  ): Promise<{ container: string; plan: string[]; cleanup: () => Promise<unknown> }> {
    const mark = prefix(tag);
    const label = `lastlook.test=${mark}`;
    await given(engine, ['volume', 'create', '--label', label, `${mark}-v`]);
    await given(engine, ['create', '--name', `${mark}-c`, '--label', label, engine.image, 'true']);
    return {
      container: `${mark}-c`,
      plan: ['plan', '--json', '--', 'docker', 'system', 'prune', '--volumes', '--filter', `label=${label}`],
      cleanup: () =>
        given(engine, ['rm', '-f', `${mark}-c`]).then(() => given(engine, ['volume', 'rm', '-f', `${mark}-v`])),
    };
  }
  const destroyOf = (r: Run) => (JSON.parse(r.stdout) as { destroy: { containers: { name: string }[] } }).destroy;

  test('the version cache: the next run sends its reads beside /version, takes every one, and plans the same', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const env = { ...engineEnv(engine), HOME: home };
    const own = await ownPrune('vc');
    const first = await lastlook(env, own.plan);
    const second = await lastlook(env, own.plan);
    await own.cleanup();
    expect(first.report?.version).toBe('engine');
    expect(second.report?.version).toBe('cache');
    for (const r of [first, second]) {
      expect(r.code).toBe(0);
      expect([...(r.report?.taken ?? [])].sort()).toEqual([...(r.report?.sent ?? [])].sort());
    }
    expect(second.report?.sent).toEqual(first.report?.sent);
    expect(destroyOf(first).containers.map((c) => c.name)).toEqual([own.container]);
    expect(destroyOf(second)).toEqual(destroyOf(first));
    const cache = JSON.parse(readFileSync(join(home, '.cache/lastlook/engine-versions.json'), 'utf8'));
    expect(cache[engine.host]).toMatchObject({ version: JSON.parse(first.stdout).engine.version });
  });

  test('a stale cache entry (another version behind the same socket): read again at the right one, the stale reads left to finish untaken, the same plan', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const env = { ...engineEnv(engine), HOME: home };
    const own = await ownPrune('vs');
    const fresh = await lastlook(env, own.plan);
    const st = lstatSync(engine.host.slice('unix://'.length));
    // The other engine's version: on 20.10 one that prefetches disk usage (which 20.10 refuses twice at once).
    const other =
      kind === 'legacy' ? { version: '28.5.2', apiVersion: '1.51' } : { version: '20.10.24', apiVersion: '1.41' };
    const file = join(home, '.cache/lastlook/engine-versions.json');
    mkdirSync(join(home, '.cache/lastlook'), { recursive: true });
    writeFileSync(file, JSON.stringify({ [engine.host]: { socket: `${st.dev}:${st.ino}:${st.ctimeMs}`, ...other } }));
    const stale = await lastlook(env, own.plan);
    await own.cleanup();
    expect(stale.stderr).toBe('');
    expect(stale.code).toBe(0);
    expect(stale.report?.version).toBe('cache, then engine');
    expect(stale.report?.sent.length).toBeGreaterThan(fresh.report?.sent.length ?? 0);
    // On 20.10 the stale version sent a disk usage there: the plan's own, later, was not refused.
    expect(stale.report?.sent.some((k) => k.includes('/system/df'))).toBe(true);
    expect([...(stale.report?.taken ?? [])].sort()).toEqual([...(fresh.report?.taken ?? [])].sort());
    expect(destroyOf(fresh).containers.map((c) => c.name)).toEqual([own.container]);
    expect(destroyOf(stale)).toEqual(destroyOf(fresh));
    expect(JSON.parse(readFileSync(file, 'utf8'))[engine.host]).toMatchObject({
      version: JSON.parse(fresh.stdout).engine.version,
    });
  });

  test('no early reads for a plan with --host, another command, or explore', async () => {
    const env = engineEnv(engine);
    for (const args of [
      ['--host', engine.host, 'plan', '--json', '--', 'docker', 'volume', 'prune'],
      ['plan', '--json', '--', 'docker', 'rm', 'nothing-here'],
      ['mounts'],
      ['--read-only'],
    ]) {
      const r = await lastlook(env, args);
      expect(r.report, args.join(' ')).toBeNull();
    }
  });
});

test('an engine that is not there: the same error and exit code as without early reads', async () => {
  const engine = engines.find((e) => e.kind === 'current') as TestEngine;
  const missing = `unix://${join(work, 'no-engine.sock')}`;
  const env = { ...engineEnv(engine), DOCKER_HOST: missing };
  const plan = ['plan', '--json', '--', 'docker', 'system', 'prune'];
  const early = await lastlook(env, plan);
  // --host: the same engine, named on the command line, so nothing is read early.
  const plain = await lastlook(env, ['--host', missing, ...plan]);
  expect(early.report?.taken).toEqual(['GET /version?']);
  expect(plain.report).toBeNull();
  expect(early.code).toBe(3);
  expect(early.code).toBe(plain.code);
  expect(early.stderr).toBe(plain.stderr);
  expect(early.stdout).toBe('');
});

test('the explorer takes its early reads (/version, the container list, the volumes) for its first frame', async () => {
  const engine = engines.find((e) => e.kind === 'current') as TestEngine;
  const name = prefix('early');
  await given(engine, ['create', '--name', name, engine.image, 'true']);
  const reportFile = join(work, 'explorer.json');
  // A real terminal (util-linux `script`): q once the first frame names the container.
  const child = spawn('script', ['-qfec', `${process.execPath} ${join(repoRoot, 'bin/lastlook.js')}`, '/dev/null'], {
    env: engineEnv(engine, { TERM: 'xterm-256color', LASTLOOK_EARLY_REPORT: reportFile }),
  });
  let screen = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The first frame with containers: a group's header with its count ("▾ standalone · 12"; on a shared engine the
  // new container may be below the screen's last row).
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no container list within 60 s:\n${screen.slice(-3000)}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString('utf8');
      if (/\u25be [^\n]* \u00b7 \d+/.test(screen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`the explorer exited before its first frame:\n${screen}`)));
  });
  child.stdin.write('q');
  expect(await exited).toBe(0);
  const { sent, taken } = JSON.parse(readFileSync(reportFile, 'utf8')) as { sent: string[]; taken: string[] };
  expect(sent.map((k) => k.replace(/\/v1\.\d+\//, '/vX/'))).toEqual([
    'GET /version?',
    'GET /vX/containers/json?all=1',
    'GET /vX/volumes?',
  ]);
  expect([...taken].sort()).toEqual([...sent].sort());
  await given(engine, ['rm', name]);
});
