/**
 * Early reads: the first requests of a prune plan or of the explorer, sent by the launcher (bin/lastlook.js)
 * before the bundle is compiled and its modules evaluated (~100 ms of a plan that `docker system df -v` finishes
 * in ~150 ms). The engine answers, and measures disk usage, while Node loads the rest; the adapter then takes each
 * answer once, in place of the same request (src/docker/dockerode-adapter.ts `dial`). Built on its own
 * (dist/early.cjs, node builtins only).
 *
 * Only what is certain: `lastlook plan [--json] -- docker <system|container|volume|image|network> prune …`, and the
 * explorer started without arguments, on a unix socket that resolves exactly as the command's own connection will
 * (no --host, --context or pinned API version), and only the requests that command is known to send first (below,
 * kept equal to what they send by test/engine/early-reads.test.ts). Anything else reads nothing early. An answer
 * that is not a 200 is never used: the adapter sends its own request and reports its own error. The adapter takes
 * the reads only for the host they were sent to; a read it does not take cost the engine a request and nothing else.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent, type RequestOptions, request } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareVersions } from '../core/plan/engine-version.js';
import { CLIENT_MAX_API } from './api-version.js';
import { resolveConnection } from './connection.js';

/** Where the launcher leaves the reads for the bundle (both run in one process; the bundle takes them once). */
export const EARLY_READS = Symbol.for('lastlook.early-reads');

export interface EarlyResponse {
  readonly status: number;
  readonly body: Buffer;
}

export interface EarlyReads {
  /** The connection's host, `unix:///…`: the adapter takes the reads only for this host. */
  readonly host: string;
  /**
   * Settles once `/version` is written to its socket (or failed, or after 25 ms): a request leaves only when the
   * event loop turns, so the launcher compiles the bundle after this (src/cli/early.ts `start`).
   */
  readonly versionWritten: Promise<void>;
  /** Settles once `/version` has answered and the reads it allows are written (or there were none). */
  readonly readsWritten: Promise<void>;
  /**
   * The answer to a request (as {@link requestKey} spells it) when it was sent early, once; undefined (or null, once
   * settled) when it was not: the caller then sends it itself.
   */
  take(key: string): Promise<EarlyResponse | null> | undefined;
  /**
   * What was sent and what was taken (for the test that keeps the table below equal to the plans' requests), and
   * where the reads' API version came from: the engine's `/version`, or the version cache before it answered.
   */
  report(): {
    readonly sent: readonly string[];
    readonly taken: readonly string[];
    readonly version: 'engine' | 'cache' | 'cache, then engine';
  };
}

/** One spelling of a request for both sides: path, then the query's pairs in order (arrays repeated). */
export function requestKey(
  method: string,
  path: string,
  query: Readonly<Record<string, string | number | boolean | readonly (string | number)[] | undefined>> = {},
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
  }
  return `${method} ${path}?${q.toString()}`;
}

interface Reads {
  /** `/system/df` types, when the plan prefetches disk usage (engines 23.0+ only, as src/docker/snapshot.ts). */
  readonly df: readonly string[] | null;
  /** `GET /info` (the data root, for log sizes): plans that measure containers on a local engine. */
  readonly info: boolean;
  readonly networks: boolean;
  readonly images: boolean;
}

/** The families' `needs` (src/core/families) for the commands read early. */
const READS: Readonly<Record<string, Reads>> = {
  'system prune': { df: ['container', 'volume', 'build-cache'], info: true, networks: true, images: true },
  'container prune': { df: ['container', 'volume'], info: true, networks: false, images: false },
  'volume prune': { df: ['volume'], info: false, networks: false, images: false },
  'image prune': { df: null, info: false, networks: false, images: true },
  'network prune': { df: null, info: false, networks: true, images: false },
};

/** Lastlook's own flags allowed before `--` (any other, e.g. --context or --host, means no early reads). */
export const PLAN_FLAGS = new Set(['--json']);

/** The explorer (`lastlook` alone): its first frame waits for the container list (src/cli/commands/explore.tsx). */
const EXPLORER: Reads = { df: null, info: false, networks: false, images: false };

function readsFor(argv: readonly string[]): Reads | null {
  if (argv.length === 0) return EXPLORER;
  const dash = argv.indexOf('--');
  if (argv[0] !== 'plan' || dash < 0 || !argv.slice(1, dash).every((a) => PLAN_FLAGS.has(a))) return null;
  const [docker, object, verb] = argv.slice(dash + 1);
  if (docker !== 'docker' || verb !== 'prune') return null;
  return READS[`${object} ${verb}`] ?? null;
}

function get(
  socketPath: string,
  agent: Agent,
  path: string,
): { answer: Promise<EarlyResponse | null>; written: Promise<void> } {
  let wrote = () => {};
  const written = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const answer = new Promise<EarlyResponse | null>((resolve) => {
    // `servername: ''`: no TLS name to work out for a unix socket (Node would compile its IPv6 expression, ~5 ms,
    // before the bundle is compiled).
    const options: RequestOptions & { servername: string } = { socketPath, path, agent, method: 'GET', servername: '' };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve(null));
    });
    req.on('finish', wrote);
    // Any failure: the adapter sends the request itself and reports what it gets.
    req.on('error', () => {
      wrote();
      resolve(null);
    });
    req.end();
  });
  return { answer, written };
}

/** An engine's version as `/version` gives it: what the reads' paths and the disk-usage rule depend on. */
interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+~_-]{0,127}$/;
const API_VERSION = /^[0-9]{1,2}\.[0-9]{1,3}$/;

/**
 * The version cache: the last `/version` of each engine socket, with the socket's identity (device, inode and
 * change time: an engine that creates its socket anew at each start, as dockerd does, is asked again). With it the
 * reads leave beside `/version` instead of after its answer (~15-25 ms sooner: the answer is read only once the
 * bundle is compiled). A stale entry (an engine upgraded behind a socket kept by systemd) is found when `/version`
 * answers: what was read at the wrong version is left untaken, the engine is let finish it (a disk usage before
 * 23.0 refuses a second one), and the reads are sent again. The file is lastlook's own, read as untrusted.
 */
function versionCacheFile(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'lastlook', 'engine-versions.json');
}

function socketIdentity(socketPath: string): string | null {
  try {
    const st = lstatSync(socketPath);
    return st.isSocket() ? `${st.dev}:${st.ino}:${st.ctimeMs}` : null;
  } catch {
    return null;
  }
}

type VersionCache = Record<string, { readonly socket: string } & EngineVersion>;

function readVersionCache(file: string): VersionCache {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as VersionCache) : {};
  } catch {
    return {};
  }
}

function cachedVersion(cache: VersionCache, host: string, socket: string): EngineVersion | null {
  const e = cache[host];
  if (!e || typeof e !== 'object' || e.socket !== socket) return null;
  if (typeof e.version !== 'string' || !VERSION.test(e.version)) return null;
  if (typeof e.apiVersion !== 'string' || !API_VERSION.test(e.apiVersion)) return null;
  return { version: e.version, apiVersion: e.apiVersion };
}

/** Records `v` for `host` (written whole to a temporary file, then renamed over the cache); failures are ignored. */
function writeVersionCache(file: string, cache: VersionCache, host: string, socket: string, v: EngineVersion): void {
  try {
    const entries = Object.entries(cache)
      .filter(([h]) => h !== host)
      .slice(-31);
    const next = Object.fromEntries([...entries, [host, { socket, version: v.version, apiVersion: v.apiVersion }]]);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(next), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // A read-only home, a full disk: the next run asks /version first, as without the cache.
  }
}

function engineVersion(body: Buffer): EngineVersion | null {
  let v: { Version?: unknown; ApiVersion?: unknown };
  try {
    v = JSON.parse(body.toString('utf8')) as typeof v;
  } catch {
    return null;
  }
  if (typeof v.Version !== 'string' || typeof v.ApiVersion !== 'string') return null;
  if (!VERSION.test(v.Version) || !API_VERSION.test(v.ApiVersion)) return null;
  return { version: v.Version, apiVersion: v.ApiVersion };
}

/** Starts the early reads for this command line, or returns null when it reads nothing early. */
export function startEarlyReads(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): EarlyReads | null {
  const reads = readsFor(argv);
  if (!reads) return null;
  let host: string;
  try {
    const c = resolveConnection({ env });
    if (c.pinnedApiVersion || !c.host.startsWith('unix://')) return null;
    host = c.host;
  } catch {
    return null;
  }
  const socketPath = host.slice('unix://'.length);
  const agent = new Agent({ keepAlive: true });
  const pending = new Map<string, Promise<EarlyResponse | null>>();
  const sent: string[] = [];
  const taken: string[] = [];
  const writes: Promise<void>[] = [];
  const send = (path: string, query: Parameters<typeof requestKey>[2] = {}) => {
    const key = requestKey('GET', path, query);
    const request = get(socketPath, agent, key.slice('GET '.length));
    writes.push(request.written);
    pending.set(key, request.answer);
    sent.push(key);
  };
  send('/version');
  const versionKey = requestKey('GET', '/version');
  const version = pending.get(versionKey) as Promise<EarlyResponse | null>;
  // A connection the engine neither accepts nor refuses must not hold the command back: 25 ms at most.
  const versionWritten = Promise.race([
    writes[0] as Promise<void>,
    new Promise<void>((resolve) => setTimeout(resolve, 25).unref()),
  ]);
  // The negotiated API version prefixes every path, as the adapter's do.
  const sendReads = (v: EngineVersion): string[] => {
    const first = sent.length;
    const api = compareVersions(v.apiVersion, CLIENT_MAX_API) < 0 ? v.apiVersion : CLIENT_MAX_API;
    // Engines before 23.0 refuse a second disk-usage request while one runs: never prefetched there.
    const df = reads.df && compareVersions(v.version, '23.0.0') >= 0 ? reads.df : null;
    // A disk usage that measures containers lists them too: it is the snapshot's container list then
    // (src/docker/snapshot.ts), and the list is not asked for.
    if (!df?.includes('container')) send(`/v${api}/containers/json`, { all: 1 });
    send(`/v${api}/volumes`);
    if (reads.networks) send(`/v${api}/networks`);
    if (reads.images) send(`/v${api}/images/json`, { all: 1 });
    if (df) {
      send(`/v${api}/system/df`, compareVersions(api, '1.42') >= 0 ? { type: df } : {});
      if (reads.info) send(`/v${api}/info`);
    }
    return sent.slice(first);
  };
  // With the version this socket gave last time, the reads leave now; else once /version answers.
  const cacheFile = versionCacheFile(env);
  const socket = socketIdentity(socketPath);
  const cache = socket ? readVersionCache(cacheFile) : {};
  const guess = socket ? cachedVersion(cache, host, socket) : null;
  const guessed = guess ? sendReads(guess) : [];
  let versionFrom: 'engine' | 'cache' | 'cache, then engine' = guess ? 'cache' : 'engine';
  let registered = false;
  const ready = version.then(async (r) => {
    const v = r?.status === 200 ? engineVersion(r.body) : null;
    const asGuessed = v !== null && v.version === guess?.version && v.apiVersion === guess.apiVersion;
    if (v && socket && !asGuessed) writeVersionCache(cacheFile, cache, host, socket, v);
    if (guess && !asGuessed) {
      // Read at a version the engine does not give (or no answer): left untaken. Their answers are awaited before
      // anything else is sent, by us or by the adapter (which waits for this): a disk usage before 23.0 refuses a
      // second one while the first runs.
      versionFrom = 'cache, then engine';
      await Promise.all(guessed.map((k) => pending.get(k)));
      for (const k of guessed) pending.delete(k);
      if (v) sendReads(v);
    } else if (!guess && v) {
      sendReads(v);
    }
    registered = true;
  });
  const readsWritten = ready.then(() => Promise.all(writes.slice(1))).then(() => undefined);
  const takeNow = (key: string) => {
    const answer = pending.get(key);
    if (!answer) return null;
    pending.delete(key);
    taken.push(key);
    return answer;
  };
  return {
    host,
    versionWritten,
    readsWritten,
    take(k) {
      if (k === versionKey || registered) return takeNow(k) ?? undefined;
      // Before /version answered the other keys are not known yet: wait for it (the adapter itself waits for
      // /version before any other request), then take the read if there is one; null sends the request instead.
      return ready.then(() => takeNow(k));
    },
    report: () => ({ sent: [...sent], taken: [...taken], version: versionFrom }),
  };
}
