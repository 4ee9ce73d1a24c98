/**
 * What the user's own docker CLI would send, read back as a command for the planner. The requests were recorded by
 * src/docker/intent-recorder.ts (the user's `docker` ran against a local endpoint that answers writes itself); here
 * they become a ParsedCommand of the same kind whose names, flags and filters are exactly what that CLI sent, plus
 * the API version it spoke. Pure: no I/O.
 *
 * Compose down is not read from here: its model comes from Compose itself (src/compose); a recorded compose down is
 * only compared with it (test/engine/intent-measure.test.ts).
 */
import type { ParsedCommand, PruneFilter } from './command-line.js';

/** One recorded write (the parts this module reads). */
export interface IntentWrite {
  readonly method: string;
  readonly url: string;
}

/** A run of the user's client against the recording endpoint. */
export interface ClientRecording {
  readonly cliVersion: string | null;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly writes: readonly IntentWrite[];
}

export type ClientIntent =
  /** The command as the client sends it; `apiVersion` null when the client sent no `/vX.Y/` prefix. */
  | { readonly kind: 'command'; readonly parsed: ParsedCommand; readonly apiVersion: string | null }
  /** The client refused the command before sending anything (exit code non-zero, no write): `reason` is its word. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The recording does not fit the parsed command (an unexpected request): the parser serves, saying why. */
  | { readonly kind: 'unusable'; readonly reason: string };

interface Request {
  readonly method: string;
  readonly apiVersion: string | null;
  /** Path without the version prefix, still percent-encoded, e.g. `/containers/web`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseRequest(w: IntentWrite): Request {
  const q = w.url.indexOf('?');
  const rawPath = q < 0 ? w.url : w.url.slice(0, q);
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(rawPath);
  return {
    method: w.method,
    apiVersion: m ? (m[1] as string) : null,
    path: m ? (m[2] as string) : rawPath,
    query: new URLSearchParams(q < 0 ? '' : w.url.slice(q + 1)),
  };
}

/**
 * The `filters` query parameter as the engine reads it (`filters.FromJSON`): `{"key":{"value":true}}`, or the
 * legacy `{"key":["value"]}`. Keys in the order sent; values in the order sent.
 */
export function decodeFilters(raw: string | null): PruneFilter[] | null {
  if (raw === null || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const out: PruneFilter[] = [];
  for (const [key, values] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(values)) for (const v of values) out.push({ key, value: String(v) });
    else if (typeof values === 'object' && values !== null) {
      for (const [v, on] of Object.entries(values)) if (on === true) out.push({ key, value: v });
    } else return null;
  }
  return out;
}

/** Go's strconv.ParseBool truth, which the engine uses for `v`, `force` and `link`. */
function flag(query: URLSearchParams, name: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(query.get(name) ?? '');
}

function sameVersion(requests: readonly Request[]): string | null | undefined {
  const versions = new Set(requests.map((r) => r.apiVersion));
  return versions.size === 1 ? [...versions][0] : undefined;
}

function sameFilters(a: readonly PruneFilter[], b: readonly PruneFilter[]): boolean {
  const key = (fs: readonly PruneFilter[]) =>
    fs
      .map((f) => `${f.key}=${f.value}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

const unusable = (reason: string): ClientIntent => ({ kind: 'unusable', reason });

function onePrune(requests: readonly Request[], what: string): PruneFilter[] | string {
  if (requests.length !== 1 || requests[0]?.method !== 'POST' || requests[0].path !== `/${what}/prune`) {
    return `expected one POST /${what}/prune, got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}`;
  }
  return decodeFilters(requests[0].query.get('filters')) ?? 'unreadable filters';
}

/** System prune: the same filters on every step (the planner applies one set); `-a` from the images step. */
function systemPrune(parsed: Extract<ParsedCommand, { kind: 'system-prune' }>, requests: readonly Request[]) {
  const by = new Map(requests.map((r) => [r.path, r]));
  const steps = ['/containers/prune', '/networks/prune', '/volumes/prune', '/images/prune', '/build/prune'];
  if (requests.some((r) => r.method !== 'POST' || !steps.includes(r.path)) || !by.has('/containers/prune')) {
    return `unexpected requests for system prune: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`;
  }
  const filters = decodeFilters(by.get('/containers/prune')?.query.get('filters') ?? null);
  if (!filters) return 'unreadable filters';
  for (const path of ['/networks/prune', '/volumes/prune']) {
    const r = by.get(path);
    const f = r ? decodeFilters(r.query.get('filters')) : filters;
    if (!f || !sameFilters(f, filters)) return `the client sends other filters to ${path} than to /containers/prune`;
  }
  const images = by.get('/images/prune');
  const dangling = decodeFilters(images?.query.get('filters') ?? null)?.find((f) => f.key === 'dangling');
  const all = dangling ? dangling.value === 'false' : parsed.all;
  return { ...parsed, filters, volumes: by.has('/volumes/prune'), all };
}

function decodedName(path: string, prefix: string): string | null {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  if (rest === '' || rest.includes('/')) return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

/** rm / volume rm: one DELETE per name, all with the same flags. */
function removals(requests: readonly Request[], prefix: string, flags: readonly string[]) {
  const names: string[] = [];
  const set = new Set<string>();
  for (const r of requests) {
    const name = r.method === 'DELETE' ? decodedName(r.path, prefix) : null;
    if (name === null) return `unexpected request ${r.method} ${r.path}`;
    names.push(name);
    set.add(flags.map((f) => `${f}=${flag(r.query, f)}`).join('&'));
  }
  if (set.size > 1) return 'the client sent different flags for different objects';
  const one = requests[0];
  return { names, on: (f: string) => (one ? flag(one.query, f) : false) };
}

/** The command `recording` shows, of the same kind as `parsed` (the parser's reading of the same command line). */
export function intentOf(parsed: ParsedCommand, recording: ClientRecording): ClientIntent {
  const requests = recording.writes.map(parseRequest);
  if (requests.length === 0) {
    const said = recording.stderr.trim().split('\n')[0] ?? '';
    if (recording.exitCode !== 0) return { kind: 'refused', reason: said || `exit code ${recording.exitCode}` };
  }
  const apiVersion = sameVersion(requests);
  if (apiVersion === undefined) return unusable('the client spoke several API versions');
  const command = (p: ParsedCommand): ClientIntent => ({ kind: 'command', parsed: p, apiVersion });
  switch (parsed.kind) {
    case 'volume-prune': {
      const f = onePrune(requests, 'volumes');
      return typeof f === 'string' ? unusable(f) : command({ ...parsed, all: false, filters: f });
    }
    case 'container-prune': {
      const f = onePrune(requests, 'containers');
      return typeof f === 'string' ? unusable(f) : command({ ...parsed, filters: f });
    }
    case 'system-prune': {
      const p = systemPrune(parsed, requests);
      return typeof p === 'string' ? unusable(p) : command(p);
    }
    case 'rm': {
      const r = removals(requests, '/containers/', ['force', 'v', 'link']);
      if (typeof r === 'string') return unusable(r);
      if (r.names.length === 0) return unusable('the client removed no container');
      return command({ ...parsed, containers: r.names, force: r.on('force'), volumes: r.on('v'), link: r.on('link') });
    }
    case 'volume-rm': {
      const r = removals(requests, '/volumes/', ['force']);
      if (typeof r === 'string') return unusable(r);
      if (r.names.length === 0) return unusable('the client removed no volume');
      return command({ ...parsed, volumes: r.names, force: r.on('force') });
    }
    case 'compose-down':
      return unusable('compose down is read through Compose itself');
  }
}

/** `label!=keep, until=24h` */
export function describeSent(filters: readonly PruneFilter[]): string {
  return filters.length === 0 ? 'no filters' : `filters ${filters.map((f) => `${f.key}=${f.value}`).join(', ')}`;
}
