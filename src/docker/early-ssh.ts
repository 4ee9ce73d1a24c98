/**
 * The early ssh: for an ssh:// host, the launcher (bin/lastlook.js, through dist/early.cjs) starts the user's
 * `ssh … docker system dial-stdio` before Node compiles the bundle, so the handshake and the remote `docker` start
 * run while the rest of lastlook loads (~0.1–0.2 s of a plan that costs one handshake more than on a socket). The
 * process is exactly the first session ssh-transport.ts would start (same argv, same ControlPath, same
 * environment); the SshAgent for that host adopts it as its ControlMaster instead of spawning one. Nothing is
 * written to it before that, so a run that never connects (a usage error) only ends it at exit.
 *
 * Only for what certainly connects to that host: the explorer started without arguments and
 * `lastlook plan [--json] -- docker …`, on the host that the command's own connection resolves to (no --host or
 * --context on the command line).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConnection } from './connection.js';
import { parseSshUrl, type SshSpec, sshArgv } from './ssh.js';

/** Where the launcher leaves the started session for the bundle (one process; taken once). */
export const EARLY_SSH = Symbol.for('lastlook.early-ssh');

/** How a session's process ended before anyone listened: its spawn error, or its close code. */
export type Ended = { readonly error: Error } | { readonly code: number | null } | null;

export interface Adopted {
  readonly child: ChildProcessWithoutNullStreams;
  /** What ssh wrote to stderr so far. */
  readonly stderr: string;
  /** Set when the process already failed to start or ended. */
  readonly ended: Ended;
}

export interface EarlySsh {
  /** The connection's host (`ssh://…`): only the agent for this host may adopt the session. */
  readonly host: string;
  readonly controlDir: string;
  /** The session's argv after `ssh`. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Hands the process over, once (null the second time). */
  adopt(): Adopted | null;
  /** For the launcher's report: whether an agent took it. */
  readonly adopted: boolean;
}

/** A private folder for the ControlPath (short: a unix socket path has ~100 bytes). */
export function makeControlDir(): string {
  const base = tmpdir().length < 60 ? tmpdir() : '/tmp';
  return mkdtempSync(join(base, 'lastlook-ssh-'));
}

/** The argv (after `ssh`) of every session to `spec`: docker's, plus lastlook's private connection sharing. */
export function sessionArgv(spec: SshSpec, controlDir: string): string[] {
  return sshArgv(spec, [
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${join(controlDir, 'mux')}`,
    // The master is lastlook's own child: the agent's close() ends it; if lastlook is killed, its stdin closes,
    // the remote `docker system dial-stdio` ends, and so does the master.
    '-o',
    'ControlPersist=no',
  ]);
}

/** Starts one session's ssh process the way docker/cli's commandconn does. */
export function spawnSession(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ChildProcessWithoutNullStreams {
  return spawn('ssh', argv, {
    env,
    // A session of its own: ssh has no terminal to prompt on, and the TUI's Ctrl+C is not delivered to it.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

const PLAN_FLAGS = new Set(['--json']);

/** Whether this command line certainly connects to its engine first thing (the only ones started early). */
export function connectsFirst(argv: readonly string[]): boolean {
  if (argv.length === 0) return true;
  const dash = argv.indexOf('--');
  return (
    argv[0] === 'plan' &&
    dash > 0 &&
    argv.slice(1, dash).every((a) => PLAN_FLAGS.has(a)) &&
    argv[dash + 1] === 'docker' &&
    argv.length > dash + 2
  );
}

/** Starts the first session for this command line when it will connect to an ssh:// host; otherwise null. */
export function startEarlySsh(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): EarlySsh | null {
  if (!connectsFirst(argv)) return null;
  let host: string;
  let spec: SshSpec;
  try {
    host = resolveConnection({ env }).host;
    if (!host.startsWith('ssh://')) return null;
    spec = parseSshUrl(host);
  } catch {
    // The command reports a bad host itself.
    return null;
  }
  const controlDir = makeControlDir();
  const args = sessionArgv(spec, controlDir);
  const child = spawnSession(args, env);
  let stderr = '';
  let ended: Ended = null;
  let adopted = false;
  const onStderr = (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192);
  };
  const onError = (error: Error) => {
    ended ??= { error };
  };
  const onClose = (code: number | null) => {
    ended ??= { code };
  };
  child.stderr.on('data', onStderr);
  child.on('error', onError);
  child.on('close', onClose);
  // Until adopted it must not keep lastlook running (a run that never connects exits at once).
  for (const h of [child, child.stdin, child.stdout, child.stderr]) (h as { unref?: () => void }).unref?.();
  child.stdin.on('error', () => undefined);
  process.on('exit', () => {
    if (adopted) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(controlDir, { recursive: true, force: true });
  });
  return {
    host,
    controlDir,
    argv: args,
    env,
    get adopted() {
      return adopted;
    },
    adopt() {
      if (adopted) return null;
      adopted = true;
      child.stderr.removeListener('data', onStderr);
      child.removeListener('error', onError);
      child.removeListener('close', onClose);
      for (const h of [child, child.stdin, child.stdout, child.stderr]) (h as { ref?: () => void }).ref?.();
      return { child, stderr, ended };
    },
  };
}

/** The agent's side: the early session for `host`, once, if it was started with this environment. */
export function takeEarlySsh(host: string, env: Readonly<Record<string, string | undefined>>): EarlySsh | null {
  const store = globalThis as { [EARLY_SSH]?: EarlySsh };
  const early = store[EARLY_SSH];
  if (!early || early.host !== host || !sameEnv(early.env, env)) return null;
  delete store[EARLY_SSH];
  return early;
}

function sameEnv(a: Readonly<Record<string, string | undefined>>, b: Readonly<Record<string, string | undefined>>) {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
