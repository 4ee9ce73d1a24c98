/**
 * The single executable (scripts/build-binary.mjs, from the dist/lastlook.cjs that `npm test` builds first) on a
 * PATH without `node`, and the image made from it (scripts/build-image.sh, `docker import`, no registry) run on a
 * private engine with that engine's socket mounted, as a user would run it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { KEYS, TmuxSession } from '../e2e/tmux.js';
import { given } from './given.js';
import { cliPath, docker, engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const P = prefix('bin');
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const socket = engine.host.replace(/^unix:\/\//, '');
const image = `${P}/lastlook:test`;
let work: string;
let exe: string;
/** A PATH with no `node` on it (an empty folder). */
let noNodePath: string;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/lastlook.cjs')))
    throw new Error('dist/lastlook.cjs is missing: run npm run build');
  work = mkdtempSync(join(tmpdir(), 'llbin-'));
  noNodePath = join(work, 'empty-bin');
  mkdirSync(noNodePath);
  exe = join(work, 'lastlook');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-binary.mjs'), '--out', exe], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Stopped, with an anonymous volume, labelled: what `rm -v` and a filtered container prune would destroy.
  await given(engine, ['create', '--name', `${P}-c`, '--label', `${P}=1`, '-v', '/anon', engine.image, 'true']);
}, 300_000);

afterAll(async () => {
  for (const s of sessions) s.kill();
  await given(engine, ['rm', '-fv', `${P}-c`, `${P}-ui`]).catch(() => undefined);
  await docker(engine, ['rmi', image]).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The executable with only `env`: no PATH entry holds node. */
function runExe(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(exe, args, { env: { PATH: noNodePath, ...env }, encoding: 'utf8', input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Engine environment for the executable, with the PATH replaced by one without node. */
function exeEngineEnv(): Record<string, string> {
  const env = engineEnv(engine, { PATH: noNodePath, LANG: 'C.UTF-8' });
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Waits for the explorer's first frame, narrows it to this file's containers (other test files share the engine,
 * and theirs could push ours off the screen), and returns the screen once `${P}-c` is listed.
 */
async function listsOurs(t: TmuxSession, timeoutMs: number): Promise<string> {
  await t.waitForText('Containers', timeoutMs);
  t.send('/');
  t.type(P);
  t.send(KEYS.enter);
  return t.waitForText(`${P}-c`);
}

/** Waits for the program in `t` to exit and returns its status. */
async function exited(t: TmuxSession): Promise<number | null> {
  await t.waitFor(() => t.exitStatus() !== null, 20_000, 'the program to exit');
  return t.exitStatus();
}

describe('the single executable, with no node on PATH', () => {
  test('has no node to lean on: the PATH it runs with finds none', () => {
    const r = spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: noNodePath }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  test('--version and --help', () => {
    const v = runExe(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    const h = runExe(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('lastlook plan');
    expect(h.stderr).toBe('');
  });

  test('plan previews rm -v on the engine', () => {
    const r = spawnSync(exe, ['plan', '--', 'docker', 'rm', '-v', `${P}-c`], {
      env: exeEngineEnv(),
      encoding: 'utf8',
      input: '',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Destroy:');
    expect(r.stdout).toContain(`${P}-c`);
  });

  test('an unreachable engine exits 3 and says what to do', () => {
    const r = runExe(['--host', `unix://${join(work, 'no-engine.sock')}`, 'plan', 'docker', 'volume', 'prune']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot reach the Docker engine');
  });

  test('the explorer lists the containers and quits with q', async () => {
    const t = new TmuxSession(100, 30);
    sessions.push(t);
    t.start([exe, '--host', engine.host], exeEngineEnv());
    expect(await listsOurs(t, 20_000)).toContain(`${P}-c`);
    t.send('q');
    expect(await exited(t)).toBe(0);
    t.kill();
  });
});

describe('the image, on a private engine with its socket mounted', () => {
  beforeAll(() => {
    execFileSync('bash', [join(repoRoot, 'scripts/build-image.sh'), image], {
      env: { ...engineEnv(engine), DOCKER: cliPath(), LASTLOOK_EXE: exe },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }, 120_000);

  test('previews a container prune of the engine it is given', async () => {
    const out = await docker(engine, [
      'run',
      '--rm',
      '-v',
      `${socket}:/var/run/docker.sock`,
      image,
      'plan',
      '--',
      'docker',
      'container',
      'prune',
      '--filter',
      `label=${P}`,
    ]);
    expect(out).toContain('Destroy:');
    expect(out).toContain(`${P}-c`);
    expect(out).toContain('Nothing was changed');
    // A preview: the container is still there.
    expect((await docker(engine, ['ps', '-a', '-q', '--filter', `name=^${P}-c$`])).trim()).not.toBe('');
  });

  test('without the socket it exits 3 and says what to do', async () => {
    const r = spawnSync(cliPath(), ['run', '--rm', image, 'plan', 'docker', 'volume', 'prune'], {
      env: engineEnv(engine),
      encoding: 'utf8',
      input: '',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('cannot reach the Docker engine at unix:///var/run/docker.sock');
  });

  test('docker run -it opens the explorer listing the engine’s containers', async () => {
    const t = new TmuxSession(100, 30);
    sessions.push(t);
    const env = Object.fromEntries(
      Object.entries(engineEnv(engine)).filter((e): e is [string, string] => e[1] !== undefined),
    );
    t.start([cliPath(), 'run', '--rm', '-it', '--name', `${P}-ui`, '-v', `${socket}:/var/run/docker.sock`, image], env);
    expect(await listsOurs(t, 60_000)).toContain(`${P}-c`);
    t.send('q');
    expect(await exited(t)).toBe(0);
    t.kill();
  });
});
