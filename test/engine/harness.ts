/**
 * Private real Docker engines for tests (../shared/ENGINE.md). Every engine this module hands out was started by
 * it, in a fresh folder under the run directory; nothing here ever reads DOCKER_HOST, DOCKER_CONTEXT or the
 * user's docker config, and `assertPrivateHost` refuses any host that is not one of those sockets.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const enginesSh = join(repoRoot, 'scripts/engines.sh');

/**
 * `current`: Docker 28.5.2 (Debian sid, API 1.51, Compose 2.40.3); `modern`: 26.1.5 (trixie, API 1.45, Compose
 * 2.26.1); `legacy`: 20.10.24 (bookworm, API 1.41); `podman`: Podman 4.3.1 (bookworm, compat API 1.41), driven
 * with the modern docker CLI and Compose 2.26.1.
 */
export type EngineKind = 'current' | 'modern' | 'legacy' | 'podman';

/** A private engine, as handed to tests (plain data: it crosses vitest's provide/inject). */
export interface TestEngine {
  readonly kind: EngineKind;
  /** e.g. `26.1.5+dfsg1` */
  readonly version: string;
  readonly apiVersion: string;
  /** `unix://<dir>/docker.sock` */
  readonly host: string;
  readonly dir: string;
  /** DOCKER_CONFIG for the docker CLI against this engine (compose plugin linked in). */
  readonly configDir: string;
  /** busybox image with `CMD ["/bin/sh"]` */
  readonly image: string;
  /** the same plus `VOLUME /data` */
  readonly volumeImage: string;
}

/** Folder under which every engine of this run lives; short, so socket paths stay under 108 bytes. */
export const RUN_ROOT_ENV = 'LASTLOOK_TEST_RUN_ROOT';

export function runRoot(): string {
  const root = process.env[RUN_ROOT_ENV];
  if (!root) throw new Error(`${RUN_ROOT_ENV} is not set: engine tests must run under test/engine/global-setup.ts`);
  return root;
}

export function makeRunRoot(): string {
  return mkdtempSync(join(tmpdir(), 'llt-'));
}

/**
 * The refusal: a host is acceptable only if it is the socket of an engine this run started.
 * Throws for `/var/run/docker.sock`, tcp hosts, inherited DOCKER_HOST values and anything else.
 */
export function assertPrivateHost(host: string, root: string = runRoot()): void {
  const m = /^unix:\/\/(\/.+)$/.exec(host);
  const path = m?.[1];
  if (!path || !resolve(path).startsWith(`${resolve(root)}/`) || !path.endsWith('/docker.sock')) {
    throw new Error(
      `refusing to use Docker host ${host}: tests only talk to the private engines they started under ${root}`,
    );
  }
}

/**
 * Refuses to start a test run whose environment points at another engine. An inherited DOCKER_HOST or
 * DOCKER_CONTEXT would be what a careless `docker` call reaches, so the run stops and says how to proceed.
 */
export function assertCleanEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT'] as const) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      throw new Error(
        `refusing to run engine tests with ${name}=${value} inherited: they must never reach a real Docker. ` +
          `Unset it (env -u ${name} npm test); the tests start their own private engines.`,
      );
    }
  }
}

/** Environment for a child process (docker CLI, compose, lastlook) that can reach only `engine`. */
export function engineEnv(engine: TestEngine, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  assertPrivateHost(engine.host, dirname(engine.dir));
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'USER', 'LOGNAME']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return {
    ...env,
    // The engine's own docker CLI comes first on PATH: `lastlook plan` asks the user's `docker` what a command
    // sends (src/docker/intent.ts), and the oracle runs that same CLI.
    PATH: [dirname(cliPath(engine.kind)), env.PATH].filter(Boolean).join(':'),
    HOME: engine.configDir,
    DOCKER_HOST: engine.host,
    DOCKER_CONFIG: engine.configDir,
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * The docker CLI used against an engine of `kind`: the engine's own CLI for `current` (28.5.2), trixie's 26.1.5
 * for `modern` and `legacy` (bookworm's 20.10 CLI lacks what the suites need, e.g. the Compose plugin).
 */
export function cliPath(kind: EngineKind = 'modern'): string {
  return join(repoRoot, `.cache/engines/${kind === 'current' ? 'current' : 'modern'}/usr/bin/docker`);
}

/** The Compose plugin that belongs with `cliPath(kind)`: 2.40.3 for `current`, 2.26.1 otherwise. */
export function composePath(kind: EngineKind = 'modern'): string {
  return join(
    repoRoot,
    `.cache/engines/${kind === 'current' ? 'current' : 'modern'}/usr/libexec/docker/cli-plugins/docker-compose`,
  );
}

/** A unique name prefix for one test's resources. */
export function prefix(tag = 't'): string {
  return `ll${tag}-${randomBytes(3).toString('hex')}`;
}

function busyboxRootfsTar(): string {
  const r = spawnSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/busybox-rootfs.sh failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The engine's API in-process, for a test's own setup and reads (emptying an engine, comparing states): a docker CLI
 * process costs ~50 ms of CPU each, thousands of times per run. The commands under test still run through the CLI.
 */
export function engineApi(engine: TestEngine): Docker {
  assertPrivateHost(engine.host, dirname(engine.dir));
  return new Docker({ socketPath: engine.host.slice('unix://'.length) });
}

/**
 * What `docker volume ls -q [--filter K=V]…` lists, read through the API (the engine applies the filters either way):
 * a test's own checks, without a CLI process each.
 */
export async function volumeNames(engine: TestEngine, filters: Record<string, string[]> = {}): Promise<string[]> {
  const r = await engineApi(engine).listVolumes({ filters: JSON.stringify(filters) });
  return (r.Volumes ?? []).map((v) => v.Name).sort();
}

/** What `docker ps -aq --no-trunc [--filter K=V]…` lists (full IDs), read through the API. */
export async function containerIds(engine: TestEngine, filters: Record<string, string[]> = {}): Promise<string[]> {
  const r = await engineApi(engine).listContainers({ all: true, filters: JSON.stringify(filters) });
  return r.map((c) => c.Id);
}

/**
 * With LASTLOOK_TEST_PROFILE=FILE, appends one JSON line per docker CLI call or lastlook run of the engine tests
 * (engine kind, the first words of the command, duration): where the suite's time goes.
 */
export function recordProfile(
  engine: TestEngine,
  what: readonly string[],
  started: number,
  extra: Record<string, unknown> = {},
): void {
  const file = process.env.LASTLOOK_TEST_PROFILE;
  if (!file) return;
  const line = {
    test: process.env.VITEST_WORKER_ID,
    // The test file (vitest's worker state; absent outside a test worker).
    file: (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__?.filepath?.replace(
      `${repoRoot}/`,
      '',
    ),
    kind: engine.kind,
    args: what,
    ...extra,
    ms: Date.now() - started,
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** Runs the docker CLI against `engine`; rejects with stderr on failure. */
export function docker(
  engine: TestEngine,
  args: readonly string[],
  opts: { input?: Buffer | string; cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return runTool(cliPath(engine.kind), 'docker', engine, args, opts);
}

/**
 * Compose for a test's own setup (`up`, `stop`, `run`, a down that only clears): the engine's Compose binary run
 * standalone, with the environment `docker compose` hands it. `docker compose X` is three Go processes (the CLI,
 * the plugin asked for its metadata, the plugin): ~0.45 s of CPU against ~0.15 s for the binary alone, hundreds of
 * times per run. A command under test is always the user's `docker compose …` (docker()).
 */
export function compose(
  engine: TestEngine,
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return runTool(composePath(engine.kind), 'compose', engine, args, opts);
}

function runTool(
  path: string,
  name: string,
  engine: TestEngine,
  args: readonly string[],
  opts: { input?: Buffer | string; cwd?: string; env?: Record<string, string> },
): Promise<string> {
  const started = Date.now();
  const profile = (ok: boolean) =>
    recordProfile(engine, name === 'docker' ? args.slice(0, 3) : [name, ...args.slice(0, 2)], started, { ok });
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      path,
      args as string[],
      { env: engineEnv(engine, opts.env), cwd: opts.cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        profile(!err);
        if (err) reject(new Error(`${name} ${args.join(' ')}: ${stderr || err.message}`));
        else resolvePromise(stdout);
      },
    );
    // A CLI that exits before reading its input (it refused the arguments) must fail with its stderr, not EPIPE.
    child.stdin?.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * The test images' config. `STOPSIGNAL SIGKILL`: their containers run `sleep` as PID 1, which ignores SIGTERM, so
 * every `docker stop`, Compose recreate or `compose down` waited the 10 s stop timeout. No rule about what a command
 * destroys depends on the stop signal. Docker 20.10 refuses STOPSIGNAL as an import change ("not a valid change
 * command"); its images keep the default (no Compose scenario runs on it).
 */
export function testImageChanges(kind: EngineKind): string[] {
  return kind === 'legacy' ? ['-c', 'CMD ["/bin/sh"]'] : ['-c', 'CMD ["/bin/sh"]', '-c', 'STOPSIGNAL SIGKILL'];
}

/** Starts a private engine of `kind` in a new folder under the run root and imports the test images. */
export async function startEngine(kind: EngineKind, root: string = runRoot()): Promise<TestEngine> {
  const dir = mkdtempSync(join(root, kind[0] ?? 'e'));
  await run('bash', [enginesSh, 'start', kind, dir]);
  const configDir = join(dir, 'config');
  mkdirSync(join(configDir, 'cli-plugins'), { recursive: true });
  if (!existsSync(join(configDir, 'cli-plugins/docker-compose'))) {
    symlinkSync(composePath(kind), join(configDir, 'cli-plugins/docker-compose'));
  }
  writeFileSync(join(configDir, 'config.json'), '{}\n');
  const host = `unix://${dir}/docker.sock`;
  const partial = { kind, host, dir, configDir, version: '', apiVersion: '', image: '', volumeImage: '' };
  // What `docker version --format '{{json .Server}}'` reads (`GET /version`), without a CLI process.
  const ver = (await engineApi(partial).version()) as { Version: string; ApiVersion: string };
  // Podman resolves a short name through registries: its images are named with `localhost/` (ENGINE.md).
  const repo = kind === 'podman' ? 'localhost/lltest' : 'lltest';
  const engine: TestEngine = {
    ...partial,
    version: ver.Version,
    apiVersion: ver.ApiVersion,
    image: `${repo}/busybox:1`,
    volumeImage: `${repo}/busybox-vol:1`,
  };
  const tar = readFileSync(busyboxRootfsTar());
  await docker(engine, ['import', ...testImageChanges(kind), '-', engine.image], { input: tar });
  await docker(engine, ['import', ...testImageChanges(kind), '-c', 'VOLUME /data', '-', engine.volumeImage], {
    input: tar,
  });
  return engine;
}

export async function stopEngine(engine: TestEngine): Promise<void> {
  await run('bash', [enginesSh, 'stop', engine.dir]);
  rmSync(engine.dir, { recursive: true, force: true });
}
