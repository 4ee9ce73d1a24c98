/**
 * The launcher's head start (bin/lastlook.js loads this as dist/early.cjs, node builtins only, before it compiles
 * the bundle): for a command line that certainly connects to its engine first thing, the first engine reads
 * (src/docker/early-reads.ts: unix sockets) or the ssh session (src/docker/early-ssh.ts: ssh:// hosts) start now
 * and are taken by the command's own connection once the bundle has loaded.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { EARLY_READS, type EarlyReads, PLAN_FLAGS, startEarlyReads } from '../docker/early-reads.js';
import { EARLY_SSH, type EarlySsh, startEarlySsh } from '../docker/early-ssh.js';
import { splitArgv } from './options.js';

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
 * an early ssh session was adopted (test/engine/remote-ssh.test.ts). Returns the early reads, if it sent any.
 */
export function launch(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): EarlyReads | null {
  const file = env.LASTLOOK_EARLY_REPORT;
  const reads = startEarlyReads(argv, env);
  if (reads) {
    (globalThis as { [EARLY_READS]?: EarlyReads })[EARLY_READS] = reads;
    if (file) process.on('exit', () => writeReport(file, { ...reads.report(), ssh: null }));
    return reads;
  }
  const where = connectsFirst(argv);
  const ssh = where ? startEarlySsh(where, env) : null;
  if (!ssh) return null;
  (globalThis as { [EARLY_SSH]?: EarlySsh })[EARLY_SSH] = ssh;
  if (file)
    process.on('exit', () => writeReport(file, { sent: [], taken: [], ssh: ssh.adopted ? 'adopted' : 'unused' }));
  return null;
}

/**
 * bin/lastlook.js: `launch`, then the bundle. A request leaves only when the event loop turns, and compiling and
 * running the bundle hold the thread (~60-100 ms), so with early reads the order is: `/version` written, the bundle
 * compiled (the engine answers `/version` meanwhile), one turn of the loop in which the reads it allows are sent
 * and written (20 ms at most: a slow engine does not hold the start back), then the bundle run.
 */
export function start(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  bundle: string,
): void {
  const reads = launch(argv, env);
  if (!reads) {
    runBundle(bundle);
    return;
  }
  void reads.versionWritten.then(() => {
    const compiled = compileWithCache(bundle);
    const cap = new Promise<void>((resolve) => setTimeout(resolve, 20));
    void Promise.race([reads.readsWritten, cap]).then(() => runCompiled(compiled.script, bundle));
  });
}

function writeReport(file: string, report: object): void {
  writeFileSync(file, JSON.stringify(report));
}

/** The SHA-1 of the bundle the cache was made from, then V8's code cache (dist/lastlook.cjs.cache). */
const HASH_BYTES = 20;

/** What became of the code cache: used, none beside the bundle, made from other bytes, or refused by this V8. */
export type CodeCache = 'used' | 'none' | 'other-bytes' | 'rejected';

interface Compiled {
  readonly script: Script;
  readonly cache: CodeCache;
  /** The bundle's bytes as compiled. */
  readonly source: Buffer;
}

function compileBundle(bundle: string, cache: Buffer | null): Compiled {
  const source = readFileSync(bundle);
  // V8 checks a cache against the source's length only: a cache of other bytes of the same length would run code
  // that is not in the file (test/cli/code-cache.test.ts). Used only when it was made from these very bytes.
  const usable =
    cache !== null &&
    cache.length > HASH_BYTES &&
    cache.subarray(0, HASH_BYTES).equals(createHash('sha1').update(source).digest());
  const script = new Script(Module.wrap(source.toString('latin1')), {
    filename: bundle,
    ...(usable ? { cachedData: cache.subarray(HASH_BYTES) } : {}),
  });
  const status: CodeCache =
    cache === null ? 'none' : !usable ? 'other-bytes' : script.cachedDataRejected ? 'rejected' : 'used';
  return { script, cache: status, source };
}

function runCompiled(script: Script, bundle: string): void {
  const mod = new Module(bundle);
  mod.filename = bundle;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
}

/**
 * Runs the bundle as `require(bundle)` would, with the code cache the build made beside it (a missing, stale or
 * foreign cache, say from another Node version, is passed over and Node compiles as without it). Compiling the
 * 1.7 MB bundle is ~50 ms of every start here (BENCHMARKS.md, "start-up").
 */
export function runBundle(bundle: string): CodeCache {
  const compiled = compileWithCache(bundle);
  runCompiled(compiled.script, bundle);
  return compiled.cache;
}

/** The bundle compiled with the cache beside it, not run (runBundle; test/cli/bin.test.ts checks the build's). */
export function compileWithCache(bundle: string): Compiled {
  let cache: Buffer | null = null;
  try {
    cache = readFileSync(`${bundle}.cache`);
  } catch {
    // No cache (a build without one): compile from source.
  }
  return compileBundle(bundle, cache);
}

/**
 * The build's step (scripts/build.mjs): runs the bundle as `lastlook ARGS` (`--version` by default) and writes, at
 * exit, the code V8 compiled for it (the module's whole top level and what that run ran).
 */
export function writeCodeCache(bundle: string, args: readonly string[] = ['--version']): void {
  const { script, source } = compileBundle(bundle, null);
  const hash = createHash('sha1').update(source).digest();
  process.on('exit', () => writeFileSync(`${bundle}.cache`, Buffer.concat([hash, script.createCachedData()])));
  process.argv = [process.execPath, bundle, ...args];
  runCompiled(script, bundle);
}
