/**
 * Runs the user's own `docker …` command line against a recording endpoint (./intent-recorder.ts) and returns what
 * it would have sent to the engine. The child gets the user's environment, DOCKER_CONFIG and working folder, with
 * DOCKER_HOST pointing at the endpoint and every other way to an engine removed; it runs in its own session (no
 * controlling terminal), with a pipe for stdin that answers prompts with "y", under a time limit, and is killed
 * (its whole process group, by its pid) on timeout or abort.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { TlsFiles } from './connection.js';
import { type EndpointLog, type RecordedWrite, startRecordingEndpoint, upstreamFor } from './intent-recorder.js';

export interface ClientRunRequest {
  /** The docker command line, with its leading `docker` or `docker-compose`. */
  readonly argv: readonly string[];
  /** The engine that reads are forwarded to. */
  readonly host: string;
  readonly tls: TlsFiles | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly signal?: AbortSignal;
  /** @default 20000 */
  readonly timeoutMs?: number;
}

export type ClientRun =
  | {
      readonly kind: 'ran';
      /** Path of the executable that ran. */
      readonly binary: string;
      /** From the User-Agent (`Docker-Client/28.5.2 (linux)` → `28.5.2`), or null. */
      readonly cliVersion: string | null;
      readonly exitCode: number | null;
      readonly stderr: string;
      readonly writes: readonly RecordedWrite[];
      readonly reads: readonly string[];
      /** Milliseconds from spawn to exit. */
      readonly ms: number;
    }
  /** No client could be asked; `reason` says why (no executable on PATH, an engine the endpoint cannot reach…). */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Variables that could lead the child to another engine than the endpoint (or to TLS it cannot speak there). */
const ENGINE_VARIABLES = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS'];

/** `command` looked up on `PATH` like a shell does; null when not found. */
export function findExecutable(command: string, env: Readonly<Record<string, string | undefined>>, cwd: string) {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(isAbsolute(d) ? d : resolve(cwd, d), command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not there, or not executable: the next one
    }
  }
  return null;
}

/** The version in a docker or compose User-Agent: `Docker-Client/28.5.2 (linux)`, `compose/v2.40.3`. */
export function clientVersion(userAgents: Iterable<string>): string | null {
  for (const ua of userAgents) {
    const m = /^Docker-Client\/([^\s]+)/.exec(ua);
    if (m) return (m[1] as string).replace(/\+.*$/, '');
  }
  return null;
}

function childEnv(env: ClientRunRequest['env'], socketPath: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !ENGINE_VARIABLES.includes(k)) out[k] = v;
  out.DOCKER_HOST = `unix://${socketPath}`;
  // No "What's next" hints, no colour: the output is not shown, and nothing should be looked up.
  out.DOCKER_CLI_HINTS = 'false';
  out.NO_COLOR = '1';
  return out;
}

/** Runs the child to its end (or kills it); resolves with its exit code (null when killed) and stderr. */
function runChild(
  binary: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ exitCode: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolvePromise, reject) => {
    // detached: a new session (setsid), so no controlling terminal is inherited, and one process group to kill.
    const child = spawn(binary, args, { cwd, env, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    const kill = () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    // Prompts ("Are you sure you want to continue? [y/N]") read one line: answer yes, so the write is recorded.
    child.stdin.on('error', () => undefined);
    child.stdin.end('y\n');
    child.on('error', (e) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      // Plugins (compose) share the group: make sure nothing of it outlives the run.
      kill();
      resolvePromise({ exitCode: code, stderr, timedOut });
    });
  });
}

/**
 * Asks the user's own client: runs `argv` with the user's environment against a fresh recording endpoint in
 * front of `host`, and returns every write it sent (none of which reached the engine).
 */
export async function askClient(req: ClientRunRequest): Promise<ClientRun> {
  const [command, ...args] = req.argv;
  if (!command) return { kind: 'unavailable', reason: 'empty command line' };
  const binary = findExecutable(command, req.env, req.cwd);
  if (!binary) return { kind: 'unavailable', reason: `no ${command} executable on PATH` };
  const upstream = upstreamFor(req.host, req.tls);
  if (!upstream)
    return { kind: 'unavailable', reason: `cannot record against ${req.host} (unix and tcp engines only)` };
  if (req.signal?.aborted) throw req.signal.reason;
  const endpoint = await startRecordingEndpoint(upstream);
  const started = performance.now();
  try {
    const r = await runChild(
      binary,
      args,
      childEnv(req.env, endpoint.socketPath),
      req.cwd,
      req.timeoutMs ?? 20_000,
      req.signal,
    );
    if (req.signal?.aborted) throw req.signal.reason;
    if (r.timedOut) {
      return { kind: 'unavailable', reason: `${command} did not finish within ${(req.timeoutMs ?? 20_000) / 1000} s` };
    }
    return ran(binary, r, endpoint.log, performance.now() - started);
  } finally {
    await endpoint.close();
  }
}

function ran(binary: string, r: { exitCode: number | null; stderr: string }, log: EndpointLog, ms: number): ClientRun {
  return {
    kind: 'ran',
    binary,
    cliVersion: clientVersion([...log.userAgents, ...log.writes.map((w) => w.userAgent ?? '')]),
    exitCode: r.exitCode,
    stderr: r.stderr,
    writes: [...log.writes],
    reads: [...log.reads],
    ms: Math.round(ms),
  };
}
