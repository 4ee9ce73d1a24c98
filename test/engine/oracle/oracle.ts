/**
 * The oracle: does `lastlook plan` say exactly what the real docker command does?
 *
 * For one scenario (state already built on a private engine by the caller):
 *   1. read the engine (containers with their mounts, volumes, networks, images) — `before`;
 *   2. run `lastlook plan --json -- <argv>` in-process (main() from src/cli/index.tsx), against that engine only;
 *   3. run the real command with the engine's docker CLI (harness `docker()`), same env and cwd;
 *   4. read the engine again — `after` — and compare:
 *      - destroyed containers / volumes / networks / images (in `before`, not in `after`) are EXACTLY
 *        plan.destroy.{containers,volumes,networks,images};
 *      - orphaned volumes are EXACTLY plan.orphan.volumes, where a volume is orphaned when it exists before and
 *        after, at least one container referenced it before (its mount table names it, any state), and no
 *        container references it after.
 *   Only objects in `scope` are compared (default: everything). On a shared engine pass a scope limited to the
 *   scenario's own objects (`prefixScope(p)`), since other test files run on it at the same time.
 *
 * Compose scenarios: pass `cwd` (a folder with compose.yaml) and `argv` like ['docker','compose','down','-v'].
 * While lastlook plans, the process cwd is `cwd` (each vitest worker is a forked process running one file, one test
 * at a time), so Compose's file lookup sees the same folder as the docker CLI.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { main } from '../../../src/cli/index.js';
import type { ContainerInfo } from '../../../src/core/model.js';
import type { Plan } from '../../../src/core/plan/types.js';
import { resolveConnection } from '../../../src/docker/connection.js';
import { connect } from '../../../src/docker/dockerode-adapter.js';
import { composePath, docker, engineEnv, recordProfile, type TestEngine } from '../harness.js';

export interface EngineState {
  readonly containers: readonly ContainerInfo[];
  readonly volumes: readonly string[];
  readonly networks: readonly { readonly id: string; readonly name: string }[];
  readonly images: readonly string[];
}

const ports = new Map<string, ReturnType<typeof connect>>();

/**
 * The real adapter for a test's own reads of `engine`, one per engine for the calling file: it reads `/version` once
 * (on Docker 26 and 28 each `/version` runs `runc --version` and `docker-init --version`; the oracle reads every
 * scenario three times). The adapter keeps engine facts only, never a list.
 */
export function sharedPort(engine: TestEngine): ReturnType<typeof connect> {
  let port = ports.get(engine.host);
  if (!port) {
    port = connect(resolveConnection({ host: engine.host, env: {} }));
    ports.set(engine.host, port);
  }
  return port;
}

/** Reads the engine through the real adapter (sharedPort): the lists are read anew each time. */
export async function readState(engine: TestEngine): Promise<EngineState> {
  const port = sharedPort(engine);
  const [containers, volumes, networks, images] = await Promise.all([
    port.listContainers(),
    port.listVolumes(),
    port.listNetworks(),
    port.listImages(),
  ]);
  return {
    containers,
    volumes: volumes.map((v) => v.name),
    networks: networks.map((n) => ({ id: n.id, name: n.name })),
    images: images.map((i) => i.id),
  };
}

function referenced(state: EngineState): Set<string> {
  const s = new Set<string>();
  for (const c of state.containers) for (const m of c.mounts) if (m.type === 'volume' && m.name) s.add(m.name);
  return s;
}

/** Which objects of a state the comparison looks at. */
export interface Scope {
  container(c: ContainerInfo): boolean;
  volume(name: string, before: EngineState): boolean;
  network(name: string): boolean;
  image(id: string): boolean;
}

export const everything: Scope = { container: () => true, volume: () => true, network: () => true, image: () => true };

/** Objects named with `p`, plus every volume a `p…` container mounted before. For shared engines. */
export function prefixScope(p: string): Scope {
  return {
    container: (c) => c.name.startsWith(p),
    volume: (name, before) =>
      name.startsWith(p) ||
      before.containers.some((c) => c.name.startsWith(p) && c.mounts.some((m) => m.name === name)),
    network: (name) => name.startsWith(p),
    image: () => false,
  };
}

export interface RunPlanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `lastlook <args>` in-process against `engine` only. */
export async function runLastlook(
  engine: TestEngine,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunPlanResult> {
  const started = Date.now();
  const out = sink();
  const err = sink();
  const prev = process.cwd();
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await main({
      argv: args,
      env: engineEnv(engine, opts.env),
      stdout: out.stream as never,
      stderr: err.stream,
      stdin: process.stdin,
      signal: new AbortController().signal,
    });
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    recordProfile(engine, ['lastlook', ...args.slice(0, 4)], started);
    if (opts.cwd) process.chdir(prev);
  }
}

export interface OracleOptions {
  /** The docker command line, with the leading `docker` (or `docker-compose`). */
  readonly argv: readonly string[];
  readonly cwd?: string;
  /** Extra environment for both lastlook and docker (e.g. DOCKER_API_VERSION, DOCKER_CONFIG). */
  readonly env?: Record<string, string>;
  readonly scope?: Scope;
  /**
   * Volumes whose fate the real command decides unpredictably (e.g. label-mode volumes sharing a Compose key: the
   * engine's list order varies). Left out of the destroy/orphan comparison on both sides; the caller asserts on them.
   */
  readonly unpredictable?: readonly string[];
}

export interface OracleResult {
  readonly plan: Plan;
  readonly before: EngineState;
  readonly after: EngineState;
  /** Did the real docker command exit 0? (docker rm exits 1 when one of several containers is refused.) */
  readonly commandOk: boolean;
  readonly commandError: string | null;
  readonly destroyed: {
    readonly containers: string[];
    readonly volumes: string[];
    readonly networks: string[];
    readonly images: string[];
  };
  readonly orphaned: string[];
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Runs one scenario: plan, real command, read back. Asserts the plan matched exactly (see the file comment). */
export async function oracle(engine: TestEngine, opts: OracleOptions): Promise<OracleResult> {
  const scope = opts.scope ?? everything;
  const before = await readState(engine);
  const planned = await runLastlook(engine, ['plan', '--json', '--', ...opts.argv], {
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  expect(planned.stderr, `lastlook plan failed (exit ${planned.code})`).toBe('');
  expect(planned.code).toBe(0);
  const plan = JSON.parse(planned.stdout) as Plan;
  // The plan itself changes nothing (within the scope: other test files work on a shared engine at the same time).
  const afterPlan = await readState(engine);
  const ids = (st: EngineState) => sorted(st.containers.filter((c) => scope.container(c)).map((c) => c.id));
  const vols = (st: EngineState) => sorted(st.volumes.filter((v) => scope.volume(v, before)));
  expect(ids(afterPlan)).toEqual(ids(before));
  expect(vols(afterPlan)).toEqual(vols(before));

  const args = opts.argv[0] === 'docker' ? opts.argv.slice(1) : opts.argv;
  let commandOk = true;
  let commandError: string | null = null;
  try {
    // `docker-compose …`: Compose v2's own binary, run standalone under that name (not through the docker CLI).
    const run = opts.argv[0] === 'docker-compose' ? dockerCompose : docker;
    await run(engine, opts.argv[0] === 'docker-compose' ? opts.argv.slice(1) : args, {
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(args.includes('prune') && !args.includes('-f') && !args.includes('--force') ? { input: 'y\n' } : {}),
    });
  } catch (e) {
    commandOk = false;
    commandError = (e as Error).message;
  }
  const after = await readState(engine);

  const afterIds = new Set(after.containers.map((c) => c.id));
  const afterVolumes = new Set(after.volumes);
  const afterNetworks = new Set(after.networks.map((n) => n.id));
  const afterImages = new Set(after.images);
  const refsBefore = referenced(before);
  const refsAfter = referenced(after);
  const destroyed = {
    containers: sorted(before.containers.filter((c) => scope.container(c) && !afterIds.has(c.id)).map((c) => c.id)),
    volumes: sorted(before.volumes.filter((v) => scope.volume(v, before) && !afterVolumes.has(v))),
    networks: sorted(before.networks.filter((n) => scope.network(n.name) && !afterNetworks.has(n.id)).map((n) => n.id)),
    images: sorted(before.images.filter((i) => scope.image(i) && !afterImages.has(i))),
  };
  const orphaned = sorted(
    before.volumes.filter(
      (v) => scope.volume(v, before) && afterVolumes.has(v) && refsBefore.has(v) && !refsAfter.has(v),
    ),
  );
  const detail = `plan:\n${planned.stdout}\ncommand ${commandOk ? 'ok' : `failed: ${commandError}`}`;
  expect(sorted(plan.destroy.containers.map((c) => c.id)), `containers\n${detail}`).toEqual(destroyed.containers);
  const predictable = (v: string) => !opts.unpredictable?.includes(v);
  expect(sorted(plan.destroy.volumes.map((v) => v.name).filter(predictable)), `volumes\n${detail}`).toEqual(
    destroyed.volumes.filter(predictable),
  );
  expect(sorted(plan.destroy.networks.map((n) => n.id)), `networks\n${detail}`).toEqual(destroyed.networks);
  const planImages = sorted(plan.destroy.images.map((i) => i.id).filter((id) => scope.image(id)));
  expect(planImages, `images\n${detail}`).toEqual(destroyed.images);
  expect(sorted(plan.orphan.volumes.map((v) => v.name).filter(predictable)), `orphans\n${detail}`).toEqual(
    orphaned.filter(predictable),
  );
  return { plan, before, after, commandOk, commandError, destroyed, orphaned };
}

/** Runs the engine's Compose binary (2.26.1, or 2.40.3 on current) standalone as `docker-compose`, against `engine` only. */
export function dockerCompose(
  engine: TestEngine,
  args: readonly string[],
  opts: { input?: Buffer | string; cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const bin = composePath(engine.kind);
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      bin,
      args as string[],
      { env: engineEnv(engine, opts.env), cwd: opts.cwd, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`docker-compose ${args.join(' ')}: ${stderr || err.message}`));
        else resolvePromise(stdout);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Polls `fn` until it returns true, at most `timeoutMs`. */
export async function waitFor(fn: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
