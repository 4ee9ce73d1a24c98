/**
 * The launcher's head start (bin/lastlook.js loads this as dist/early.cjs, node builtins only, before it compiles
 * the bundle): for a command line that certainly connects to its engine first thing, the first engine reads
 * (src/docker/early-reads.ts: unix sockets) or the ssh session (src/docker/early-ssh.ts: ssh:// hosts) start now
 * and are taken by the command's own connection once the bundle has loaded.
 */
import { writeFileSync } from 'node:fs';
import { EARLY_READS, type EarlyReads, startEarlyReads } from '../docker/early-reads.js';
import { EARLY_SSH, type EarlySsh, startEarlySsh } from '../docker/early-ssh.js';
import { splitArgv } from './options.js';

const PLAN_FLAGS = new Set(['--json']);

/**
 * Where this command line certainly connects first thing, as lastlook's own argv parser reads it (its global
 * flags --host/-H and --context): the explorer (no subcommand) and `plan [--json] -- docker …`, on one engine. Null
 * for anything else (help, version, other subcommands, several contexts).
 */
export function connectsFirst(argv: readonly string[]): { host?: string; context?: string } | null {
  let split: ReturnType<typeof splitArgv>;
  try {
    split = splitArgv(argv);
  } catch {
    return null;
  }
  const g = split.global;
  if (g.help || g.version || g.allContexts || g.contexts.length > 1) return null;
  const where = {
    ...(g.host !== undefined ? { host: g.host } : {}),
    ...(g.context !== undefined ? { context: g.context } : {}),
  };
  if (split.command === null) return split.rest.length === 0 ? where : null;
  const dash = split.rest.indexOf('--');
  const plan =
    split.command === 'plan' &&
    dash >= 0 &&
    split.rest.slice(0, dash).every((a) => PLAN_FLAGS.has(a)) &&
    split.rest[dash + 1] === 'docker' &&
    split.rest.length > dash + 2;
  return plan ? where : null;
}

/**
 * The launcher's call: start what this command line allows and leave it where the adapter looks.
 * `LASTLOOK_EARLY_REPORT=FILE` writes at exit what was sent and taken (test/engine/early-reads.test.ts) and whether
 * an early ssh session was adopted (test/engine/remote-ssh.test.ts).
 */
export function launch(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): void {
  const file = env.LASTLOOK_EARLY_REPORT;
  const reads = startEarlyReads(argv, env);
  if (reads) {
    (globalThis as { [EARLY_READS]?: EarlyReads })[EARLY_READS] = reads;
    if (file) process.on('exit', () => writeReport(file, { ...reads.report(), ssh: null }));
    return;
  }
  const where = connectsFirst(argv);
  const ssh = where ? startEarlySsh(where, env) : null;
  if (!ssh) return;
  (globalThis as { [EARLY_SSH]?: EarlySsh })[EARLY_SSH] = ssh;
  if (file)
    process.on('exit', () => writeReport(file, { sent: [], taken: [], ssh: ssh.adopted ? 'adopted' : 'unused' }));
}

function writeReport(file: string, report: object): void {
  writeFileSync(file, JSON.stringify(report));
}
