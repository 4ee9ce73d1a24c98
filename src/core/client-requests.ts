/**
 * The requests a docker client sent to the recording endpoint, read the way the engine reads them: the pieces each
 * command family's client reader (core/families, `fromClient`) is made of. Pure: no I/O.
 */
import type { PruneFilter } from './families/pflag.js';

/** One recorded write (the parts this module reads). */
export interface IntentWrite {
  readonly method: string;
  readonly url: string;
}

export interface ClientRequest {
  readonly method: string;
  readonly apiVersion: string | null;
  /** Path without the version prefix, still percent-encoded, e.g. `/containers/web`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseRequest(w: IntentWrite): ClientRequest {
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
export function flag(query: URLSearchParams, name: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(query.get(name) ?? '');
}

export function sameVersion(requests: readonly ClientRequest[]): string | null | undefined {
  const versions = new Set(requests.map((r) => r.apiVersion));
  return versions.size === 1 ? [...versions][0] : undefined;
}

export function sameFilters(a: readonly PruneFilter[], b: readonly PruneFilter[]): boolean {
  const key = (fs: readonly PruneFilter[]) =>
    fs
      .map((f) => `${f.key}=${f.value}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

/** A prune's one POST and the filters it sent, or why the recording does not fit. */
export function onePrune(requests: readonly ClientRequest[], what: string): PruneFilter[] | string {
  if (requests.length !== 1 || requests[0]?.method !== 'POST' || requests[0].path !== `/${what}/prune`) {
    return `expected one POST /${what}/prune, got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}`;
  }
  return decodeFilters(requests[0].query.get('filters')) ?? 'unreadable filters';
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
export function removals(requests: readonly ClientRequest[], prefix: string, flags: readonly string[]) {
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
