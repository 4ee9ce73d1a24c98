/**
 * Prune filters as the docker CLI and the engine apply them: the CLI merges `pruneFilters` from its config into
 * every prune (cli command/utils.go `PruneFilters`), the engine matches `label` / `label!` with
 * `filters.Args.MatchKVList` and `until` with `GetTimestamp`. Pure.
 */
import type { PruneFilter } from '../command-line.js';
import { compareVersions } from './engine-version.js';

/** A filters.Args: key → set of values. */
export type FilterArgs = ReadonlyMap<string, ReadonlySet<string>>;

export function toArgs(filters: readonly PruneFilter[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const f of filters) {
    const set = m.get(f.key) ?? new Set<string>();
    set.add(f.value);
    m.set(f.key, set);
  }
  return m;
}

/**
 * cli `command.PruneFilters`: each `key=value` of the config's `pruneFilters` is added, except a `label` the
 * command line negates with `label!` (and the reverse): the command line wins.
 */
export function mergePruneFilters(cli: readonly PruneFilter[], config: readonly string[]): PruneFilter[] {
  const out = [...cli];
  const has = (key: string, value: string) => cli.some((f) => f.key === key && f.value === value);
  for (const raw of config) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const key = raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    if (key === 'label' && has('label!', value)) continue;
    if (key === 'label!' && has('label', value)) continue;
    if (!out.some((f) => f.key === key && f.value === value)) out.push({ key, value });
  }
  return out;
}

/** `filters.Args.MatchKVList`: every `k` / `k=v` value of `key` is present in `labels` (true when no values). */
export function matchKVList(args: FilterArgs, key: string, labels: Readonly<Record<string, string>>): boolean {
  const values = args.get(key);
  if (!values || values.size === 0) return true;
  if (Object.keys(labels).length === 0) return false;
  for (const value of values) {
    const eq = value.indexOf('=');
    const k = eq < 0 ? value : value.slice(0, eq);
    if (!(k in labels)) return false;
    if (eq >= 0 && labels[k] !== value.slice(eq + 1)) return false;
  }
  return true;
}

/** The engine's label test for prunes: all `label` filters match, and not (all `label!` filters match). */
export function matchLabels(args: FilterArgs, labels: Readonly<Record<string, string>>): boolean {
  if (!matchKVList(args, 'label', labels)) return false;
  if (args.has('label!') && matchKVList(args, 'label!', labels)) return false;
  return true;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's `time.ParseDuration`, in milliseconds; null when Go would refuse it. */
export function parseGoDuration(value: string): number | null {
  const m = /^([-+]?)(.*)$/su.exec(value) as RegExpExecArray;
  let rest = m[2] as string;
  if (rest === '0') return 0;
  if (rest === '') return null;
  let ns = 0;
  while (rest !== '') {
    // µs and μs (micro sign, Greek mu) escaped: one non-ASCII character made Node decode the whole bundle as UTF-16.
    const part = /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/u.exec(rest);
    if (!part || (part[1] === '' && (part[2] ?? '') === '')) return null;
    ns += Number(`${part[1] || '0'}.${part[2] || '0'}`) * (UNIT_NS[part[3] as string] as number);
    rest = rest.slice(part[0].length);
  }
  return ((m[1] === '-' ? -1 : 1) * ns) / 1e6;
}

/**
 * moby `api/types/time.GetTimestamp` + `ParseTimestamps` for `until`: a Go duration (`24h`, `1h30m`; not `0`)
 * before `nowMs`, truncated to whole seconds as the engine does; unix seconds (`1700000000[.5]`); or an RFC 3339
 * date/time (forms without a zone are read in the engine's zone, taken here as UTC). Returns unix milliseconds,
 * or null when the engine would refuse the value.
 */
export function parseUntil(value: string, nowMs: number): number | null {
  const d = value === '0' ? null : parseGoDuration(value);
  if (d !== null) return Math.floor((nowMs - d) / 1000) * 1000;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.floor(Number(value) * 1000);
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(value)) {
    const zoned = /(Z|[+-]\d{2}:\d{2})$/i.test(value);
    const [date, time = '00'] = value.replace(/(Z|[+-]\d{2}:\d{2})$/i, '').split(/T/i) as [string, string?];
    const hms = `${time}:00:00`.split(':').slice(0, 3).join(':');
    const zone = zoned ? (/(Z|[+-]\d{2}:\d{2})$/i.exec(value)?.[1] ?? 'Z') : 'Z';
    const t = Date.parse(`${date}T${hms}${zone.toUpperCase()}`);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** The engine's refusal of a filter set for one prune, or null: its message, as the engine words it. */
export type FilterRefusal = string | null;

/** `filters.Args.Validate`: every key must be accepted ("invalid filter 'k'"; 20.10 capitalises it). */
export function validateKeys(args: FilterArgs, accepted: readonly string[], engineVersion: string): FilterRefusal {
  for (const key of args.keys()) {
    if (!accepted.includes(key)) {
      return `${compareVersions(engineVersion, '23.0.0') < 0 ? 'Invalid' : 'invalid'} filter '${key}'`;
    }
  }
  return null;
}

/**
 * moby `getUntilFromPruneFilters`: at most one `until` value, readable by GetTimestamp. Returns the limit in unix
 * ms (null: no until), or the engine's refusal.
 */
export function untilLimit(args: FilterArgs, nowMs: number): { limit: number | null } | { refusal: string } {
  const values = [...(args.get('until') ?? [])];
  if (values.length === 0) return { limit: null };
  if (values.length > 1) return { refusal: 'more than one until filter specified' };
  const v = values[0] as string;
  const t = parseUntil(v, nowMs);
  return t === null ? { refusal: `failed to parse value as time or duration: "${v}"` } : { limit: t };
}

/** True when an object created at `createdMs` is old enough for `limit` (the engine: `!Created.After(until)`). */
export function olderThan(limit: number | null, createdMs: number): boolean {
  return limit === null || createdMs <= limit;
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(v: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return null;
}

export function describeFilters(filters: readonly PruneFilter[]): string {
  return filters.map((f) => `${f.key}=${f.value}`).join(', ');
}
