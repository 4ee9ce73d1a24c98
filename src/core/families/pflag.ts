/**
 * The docker CLI's flag syntax (cobra/pflag), shared by every family's parser: combined short flags (`-fv`),
 * `--flag=value`, `--volumes=true`, flags before or after positionals, `--` ending the flags, `--filter k=v`
 * repeated; and how the CLI and its client turn object arguments into what the engine receives. Pure.
 */

/** A `--filter` value as the docker CLI splits it (`opts.FilterOpt.Set`): key lower-cased, at the first `=`. */
export interface PruneFilter {
  /** e.g. `label`, `label!`, `until`, `all` */
  readonly key: string;
  readonly value: string;
}

/** Fields every parsed command has. */
export interface CommandBase {
  /** The user's command line, normalised with a leading `docker` (or `docker-compose`). */
  readonly argv: string[];
  /** What the docker CLI does with the arguments that the plan should say (e.g. names it rewrites). */
  readonly notes?: readonly string[];
}

/** An argument the docker CLI itself refuses (e.g. `/`, an empty name): it removes the others and exits 1. */
export interface RejectedRef {
  readonly typed: string;
  readonly reason: string;
}

/** The command line cannot be previewed: bad usage (the CLI maps it to exit 2). */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

// ---- a small pflag ----

export type FlagType = 'bool' | 'string' | 'array';
export interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly type: FlagType;
}
export type FlagValues = Map<string, boolean | string | string[]>;

/** strconv.ParseBool, which pflag uses for `--flag=value` on bool flags. */
function parseBool(flag: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new CommandLineError(`invalid argument "${v}" for "${flag}": expected true or false`);
}

function setFlag(values: FlagValues, spec: FlagSpec, name: string, value: string | boolean): void {
  if (spec.type === 'bool') {
    values.set(spec.long, typeof value === 'boolean' ? value : parseBool(name, value));
  } else if (spec.type === 'array') {
    const prev = (values.get(spec.long) as string[] | undefined) ?? [];
    values.set(spec.long, [...prev, String(value)]);
  } else {
    values.set(spec.long, String(value));
  }
}

export interface ParseOptions {
  /** Stop at the first positional (used for `docker compose` global flags before the subcommand). */
  readonly stopAtPositional?: boolean;
}

/**
 * Parses `args` against `specs` the way pflag does with interspersed flags. Returns flag values and positionals
 * (and, with `stopAtPositional`, the arguments from the first positional on).
 */
export function parseFlags(
  args: readonly string[],
  specs: readonly FlagSpec[],
  where: string,
  opts: ParseOptions = {},
): { values: FlagValues; positionals: string[] } {
  const values: FlagValues = new Map();
  const positionals: string[] = [];
  const byLong = new Map(specs.map((s) => [s.long, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = byLong.get(name);
      if (!spec) throw new CommandLineError(`unknown flag: --${name} (in ${where})`);
      if (eq > 0) setFlag(values, spec, `--${name}`, arg.slice(eq + 1));
      else if (spec.type === 'bool') setFlag(values, spec, `--${name}`, true);
      else {
        const next = args[++i];
        if (next === undefined) throw new CommandLineError(`flag needs an argument: --${name} (in ${where})`);
        setFlag(values, spec, `--${name}`, next);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Combined shorthands: -fv, -t10, -v=false, -p name
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const spec = byShort.get(c);
        if (!spec) throw new CommandLineError(`unknown shorthand flag: '${c}' in ${arg} (in ${where})`);
        const rest = arg.slice(j + 1);
        if (spec.type === 'bool') {
          if (rest.startsWith('=')) {
            setFlag(values, spec, `-${c}`, rest.slice(1));
            break;
          }
          setFlag(values, spec, `-${c}`, true);
          continue;
        }
        if (rest !== '') {
          setFlag(values, spec, `-${c}`, rest.startsWith('=') ? rest.slice(1) : rest);
        } else {
          const next = args[++i];
          if (next === undefined) throw new CommandLineError(`flag needs an argument: '${c}' in -${c} (in ${where})`);
          setFlag(values, spec, `-${c}`, next);
        }
        break;
      }
      continue;
    }
    if (opts.stopAtPositional) {
      positionals.push(...args.slice(i));
      break;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

export const bool = (v: FlagValues, k: string) => v.get(k) === true;
export const str = (v: FlagValues, k: string) => (v.get(k) as string | undefined) ?? null;
export const arr = (v: FlagValues, k: string) => (v.get(k) as string[] | undefined) ?? [];

/**
 * The docker CLI's `opts.FilterOpt.Set`: `name=value`, name trimmed and lower-cased, value trimmed, split at the
 * first `=`. Which keys and values a prune accepts is the engine's to say (core/plan/filters.ts).
 */
export function parseFilter(raw: string): PruneFilter {
  const eq = raw.indexOf('=');
  if (eq < 0) throw new CommandLineError(`bad format of filter "${raw}" (expected name=value)`);
  return { key: trimSpace(raw.slice(0, eq)).toLowerCase(), value: trimSpace(raw.slice(eq + 1)) };
}

/** Every `--filter`; an empty one is ignored, as by the CLI. */
export function filterValues(values: FlagValues): PruneFilter[] {
  return arr(values, 'filter')
    .filter((raw) => raw !== '')
    .map(parseFilter);
}

export const filterFlag: FlagSpec = { long: 'filter', type: 'array' };
export const forceFlag: FlagSpec = { long: 'force', short: 'f', type: 'bool' };

export function noArgs(positionals: readonly string[], what: string): void {
  if (positionals.length > 0) {
    throw new CommandLineError(`"${what}" accepts no arguments (got ${positionals.join(' ')})`);
  }
}

/** Go's `path.Clean` for the absolute paths the docker client builds (`path.Join`): `.`, `..`, `//`, trailing `/`. */
export function cleanUrlPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Go's `strings.TrimSpace` (Unicode white space). */
export const trimSpace = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');

export type RefResult =
  | { readonly kind: 'ref'; readonly ref: string; readonly note: string | null }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * What the engine receives for one object argument, read as the docker CLI and its client do:
 * - `docker rm` trims every `/` around a name (cli `container/rm.go`: `strings.Trim(id, "/")`; `/` alone is
 *   refused, "container name cannot be empty"); `docker volume rm` does not;
 * - the client of CLI 28+ trims white space (`trimID`); older ones send it, and the engine then finds nothing;
 * - the client builds the request path with `path.Join`, which cleans it: `web/`, `./web`, `x/../web` all reach
 *   `/containers/web`, and `../volumes/v` reaches `/volumes/v` (verified on 20.10.24 and 26.1.5: `docker rm
 *   ../volumes/v` removes the volume). An argument whose path leaves its collection is refused here.
 */
export function engineRef(collection: 'containers' | 'volumes', typed: string): RefResult {
  let s = collection === 'containers' ? typed.replace(/^\/+|\/+$/g, '') : typed;
  if (collection === 'containers' && s === '') return { kind: 'rejected', reason: 'container name cannot be empty' };
  const spaced = trimSpace(s);
  const note =
    spaced !== s
      ? `"${typed}": the docker CLI 28+ trims the spaces around it; CLI 27 and older send them and the engine finds no such ${collection === 'containers' ? 'container' : 'volume'}`
      : null;
  s = spaced;
  if (s === '')
    return { kind: 'rejected', reason: `${collection === 'containers' ? 'container' : 'volume'} name cannot be empty` };
  const base = `/v/${collection}`;
  const path = cleanUrlPath(`${base}/${s}`);
  const one = collection.slice(0, -1);
  if (path === base)
    return { kind: 'rejected', reason: `"${typed}" names no ${one} (the engine answers "page not found")` };
  if (!path.startsWith(`${base}/`)) throw new CommandLineError(leavesCollection(typed, one, path));
  return { kind: 'ref', ref: path.slice(base.length + 1), note };
}

function leavesCollection(typed: string, one: string, path: string): string {
  const other = /^\/v\/(container|volume)s\/(.+)$/.exec(path);
  if (other) {
    const [, kind, name] = other as unknown as [string, string, string];
    return `"${typed}" reaches /${kind}s/${name} once the docker CLI cleans the request path, so the command would remove the ${kind} "${name}", not a ${one}. lastlook does not preview that: name it with docker ${kind === 'volume' ? 'volume rm' : 'rm'}`;
  }
  const sent = path.startsWith('/v/') ? `/v<api>${path.slice(2)}` : path;
  return `"${typed}" leaves /${one}s/ once the docker CLI cleans the request path (it would send DELETE ${sent}); lastlook does not preview that`;
}

/** `engineRef` for every argument: engine refs, the typed text beside them, refused arguments and notes. */
export function engineRefs(
  collection: 'containers' | 'volumes',
  args: readonly string[],
): { refs: string[]; typed: string[]; rejected: RejectedRef[]; notes: string[] } {
  const out = { refs: [] as string[], typed: [] as string[], rejected: [] as RejectedRef[], notes: [] as string[] };
  for (const a of args) {
    const r = engineRef(collection, a);
    if (r.kind === 'rejected') {
      out.rejected.push({ typed: a, reason: r.reason });
      continue;
    }
    out.refs.push(r.ref);
    out.typed.push(a);
    if (r.note) out.notes.push(r.note);
  }
  return out;
}
