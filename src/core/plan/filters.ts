/**
 * Prune filters as the docker CLI and the engine apply them: the CLI merges `pruneFilters` from its config into
 * every prune (cli command/utils.go `PruneFilters`), the engine matches `label` / `label!` with
 * `filters.Args.MatchKVList` and `until` with `GetTimestamp`. Pure.
 */
import type { PruneFilter } from '../command-line.js';

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

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * moby `pkg/timestamp.GetTimestamp` for `until`: a Go duration (`24h`, `1h30m`) relative to `nowMs`, unix seconds
 * (`1700000000[.5]`), or an RFC 3339 date/time (local forms are read as UTC). Returns unix milliseconds, or null
 * when the value cannot be read (the engine answers 400 then).
 */
export function parseUntil(value: string, nowMs: number): number | null {
  const dur = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(value);
  if (dur) {
    let ms = 0;
    for (const part of (dur[2] as string).matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
      ms += Number(part[1]) * (UNIT_MS[part[2] as string] as number);
    }
    return nowMs - (dur[1] === '-' ? -ms : ms);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes('T');
    const t = Date.parse(hasZone ? value : `${value.includes('T') ? value : `${value}T00:00:00`}Z`);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** True when an object created at `createdMs` is old enough for the `until` filters (all must hold). */
export function matchUntil(args: FilterArgs, createdMs: number, nowMs: number): boolean | null {
  const values = args.get('until');
  if (!values || values.size === 0) return true;
  for (const v of values) {
    const t = parseUntil(v, nowMs);
    if (t === null) return null;
    if (createdMs > t) return false;
  }
  return true;
}

export function describeFilters(filters: readonly PruneFilter[]): string {
  return filters.map((f) => `${f.key}=${f.value}`).join(', ');
}
