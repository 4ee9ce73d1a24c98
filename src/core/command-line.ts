/**
 * The docker command lines lastlook can preview, parsed with docker's own flag syntax (cobra/pflag): combined
 * short flags (`-fv`), `--flag=value`, `--volumes=true`, flags before or after positionals, `--` ending the
 * flags, `--filter k=v` repeated. Pure: no I/O. See shared/DESIGN.md ("Command line").
 */

/** A `--filter` value as the docker CLI splits it (`opts.FilterOpt.Set`): key lower-cased, at the first `=`. */
export interface PruneFilter {
  /** e.g. `label`, `label!`, `until`, `all` */
  readonly key: string;
  readonly value: string;
}

interface Base {
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

/** `docker rm [-f] [-v] [-l] CONTAINER...` and `docker container rm|remove …`. */
export interface RmCommand extends Base {
  readonly kind: 'rm';
  readonly force: boolean;
  readonly volumes: boolean;
  /** `-l/--link`: only a link name is removed, the container stays. */
  readonly link: boolean;
  /**
   * What the engine receives for each argument (names, full IDs or ID prefixes), in order, duplicates kept: the
   * docker CLI trims every `/` around a name, and its client cleans the request path (see `engineRef`).
   */
  readonly containers: string[];
  /** The arguments as typed, parallel to `containers`. */
  readonly typed?: readonly string[];
  /** Arguments the docker CLI refuses before asking the engine. */
  readonly rejected?: readonly RejectedRef[];
}

/** `docker volume rm|remove [-f] VOLUME...`. */
export interface VolumeRmCommand extends Base {
  readonly kind: 'volume-rm';
  readonly force: boolean;
  /** What the engine receives for each argument (see `engineRef`), in order. */
  readonly volumes: string[];
  /** The arguments as typed, parallel to `volumes`. */
  readonly typed?: readonly string[];
  readonly rejected?: readonly RejectedRef[];
}

/** `docker volume prune [-a] [--filter …]... [-f]`. */
export interface VolumePruneCommand extends Base {
  readonly kind: 'volume-prune';
  readonly all: boolean;
  readonly filters: PruneFilter[];
}

/** `docker container prune [--filter …]... [-f]`. */
export interface ContainerPruneCommand extends Base {
  readonly kind: 'container-prune';
  readonly filters: PruneFilter[];
}

/** `docker system prune [-a] [--volumes] [--filter …]... [-f]`. */
export interface SystemPruneCommand extends Base {
  readonly kind: 'system-prune';
  /** `-a`: images not used by any container (and all build cache); volumes are unaffected. */
  readonly all: boolean;
  readonly volumes: boolean;
  readonly filters: PruneFilter[];
}

/**
 * `docker compose [-p NAME] [-f FILE]... [--project-directory DIR] [--profile P]... [--env-file F] down [-v]
 * [--remove-orphans] [--rmi local|all] [-t N] [SERVICE...]`, or the same with `docker-compose`.
 * Environment (`COMPOSE_PROJECT_NAME`, `COMPOSE_FILE`, …) is not resolved here.
 */
export interface ComposeDownCommand {
  kind: 'compose-down';
  tool: 'docker compose' | 'docker-compose';
  /** `-p/--project-name`, verbatim (Compose lower-cases it later). */
  projectName: string | null;
  /** `-f/--file`, in order. */
  files: string[];
  projectDirectory: string | null;
  profiles: string[];
  envFiles: string[];
  volumes: boolean;
  removeOrphans: boolean;
  rmi: 'local' | 'all' | null;
  services: string[];
  argv: string[];
}

export type ParsedCommand =
  | RmCommand
  | VolumeRmCommand
  | VolumePruneCommand
  | ContainerPruneCommand
  | SystemPruneCommand
  | ComposeDownCommand;

/** What lastlook can preview, for error messages. */
export const SUPPORTED_COMMANDS = [
  'docker rm [-f] [-v] [-l] CONTAINER...',
  'docker container rm …',
  'docker compose [-p NAME] [-f FILE]... down [-v] [--remove-orphans] [--rmi local|all] [SERVICE...]',
  'docker volume rm [-f] VOLUME...',
  'docker volume prune [-a] [--filter label=…|label!=…]... [-f]',
  'docker container prune [--filter …]',
  'docker system prune [-a] [--volumes] [--filter …]',
] as const;

/** The command line cannot be previewed: bad usage (the CLI maps it to exit 2). */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

/** `"docker volume ls"`, leaving out a missing subcommand. */
function quoted(...words: (string | undefined)[]): string {
  return `"${words.filter((w) => w !== undefined && w !== '').join(' ')}"`;
}

function unsupported(what: string): CommandLineError {
  return new CommandLineError(
    `lastlook cannot preview ${what}. It previews:\n${SUPPORTED_COMMANDS.map((c) => `  ${c}`).join('\n')}`,
  );
}

// ---- a small pflag ----

type FlagType = 'bool' | 'string' | 'array';
interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly type: FlagType;
}
type FlagValues = Map<string, boolean | string | string[]>;

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

interface ParseOptions {
  /** Stop at the first positional (used for `docker compose` global flags before the subcommand). */
  readonly stopAtPositional?: boolean;
}

/**
 * Parses `args` against `specs` the way pflag does with interspersed flags. Returns flag values and positionals
 * (and, with `stopAtPositional`, the arguments from the first positional on).
 */
function parseFlags(
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

const bool = (v: FlagValues, k: string) => v.get(k) === true;
const str = (v: FlagValues, k: string) => (v.get(k) as string | undefined) ?? null;
const arr = (v: FlagValues, k: string) => (v.get(k) as string[] | undefined) ?? [];

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
function filterValues(values: FlagValues): PruneFilter[] {
  return arr(values, 'filter')
    .filter((raw) => raw !== '')
    .map(parseFilter);
}

const filterFlag: FlagSpec = { long: 'filter', type: 'array' };
const forceFlag: FlagSpec = { long: 'force', short: 'f', type: 'bool' };

function noArgs(positionals: readonly string[], what: string): void {
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
const trimSpace = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');

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
function engineRefs(
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

function parseRm(args: readonly string[], argv: string[], where: string): RmCommand {
  const { values, positionals } = parseFlags(
    args,
    [forceFlag, { long: 'volumes', short: 'v', type: 'bool' }, { long: 'link', short: 'l', type: 'bool' }],
    where,
  );
  if (positionals.length === 0) throw new CommandLineError(`"${where}" requires at least 1 argument (a container)`);
  const link = bool(values, 'link');
  // -l removes a link name (`parent/alias`); the CLI trims and sends it the same way.
  const r = engineRefs('containers', positionals);
  return {
    kind: 'rm',
    force: bool(values, 'force'),
    volumes: bool(values, 'volumes'),
    link,
    containers: r.refs,
    typed: r.typed,
    rejected: r.rejected,
    ...(r.notes.length ? { notes: r.notes } : {}),
    argv,
  };
}

function parseVolume(args: readonly string[], argv: string[]): ParsedCommand {
  const [sub, ...rest] = args;
  if (sub === 'rm' || sub === 'remove') {
    const { values, positionals } = parseFlags(rest, [forceFlag], 'docker volume rm');
    if (positionals.length === 0) throw new CommandLineError('"docker volume rm" requires at least 1 argument');
    const r = engineRefs('volumes', positionals);
    return {
      kind: 'volume-rm',
      force: bool(values, 'force'),
      volumes: r.refs,
      typed: r.typed,
      rejected: r.rejected,
      ...(r.notes.length ? { notes: r.notes } : {}),
      argv,
    };
  }
  if (sub === 'prune') {
    const { values, positionals } = parseFlags(
      rest,
      [forceFlag, { long: 'all', short: 'a', type: 'bool' }, filterFlag],
      'docker volume prune',
    );
    noArgs(positionals, 'docker volume prune');
    // Filter keys and values are the engine's to refuse (the planner blocks with its message); `--all` against
    // `--filter all` is the CLI's, after it merges the config's pruneFilters (planner).
    const filters = filterValues(values);
    return { kind: 'volume-prune', all: bool(values, 'all'), filters, argv };
  }
  throw unsupported(quoted('docker volume', sub));
}

function parseContainerPrune(args: readonly string[], argv: string[]): ContainerPruneCommand {
  const { values, positionals } = parseFlags(args, [forceFlag, filterFlag], 'docker container prune');
  noArgs(positionals, 'docker container prune');
  return { kind: 'container-prune', filters: filterValues(values), argv };
}

function parseSystemPrune(args: readonly string[], argv: string[]): SystemPruneCommand {
  const { values, positionals } = parseFlags(
    args,
    [forceFlag, filterFlag, { long: 'all', short: 'a', type: 'bool' }, { long: 'volumes', type: 'bool' }],
    'docker system prune',
  );
  noArgs(positionals, 'docker system prune');
  const filters = filterValues(values);
  const volumes = bool(values, 'volumes');
  if (volumes && filters.some((f) => f.key === 'until')) {
    // cli system/prune.go: the volume step has no `until`.
    throw new CommandLineError('"until" filter is not supported with "--volumes"');
  }
  return { kind: 'system-prune', all: bool(values, 'all'), volumes, filters, argv };
}

/** Compose's persistent (global) flags; accepted before or after `down`. */
const COMPOSE_GLOBAL: readonly FlagSpec[] = [
  { long: 'project-name', short: 'p', type: 'string' },
  { long: 'file', short: 'f', type: 'array' },
  { long: 'project-directory', type: 'string' },
  { long: 'profile', type: 'array' },
  { long: 'env-file', type: 'array' },
  // Output-only flags: harmless for a preview.
  { long: 'ansi', type: 'string' },
  { long: 'progress', type: 'string' },
  { long: 'parallel', type: 'string' },
  { long: 'compatibility', type: 'bool' },
  { long: 'dry-run', type: 'bool' },
];

function parseCompose(args: readonly string[], tool: ComposeDownCommand['tool'], argv: string[]): ComposeDownCommand {
  const pre = parseFlags(args, COMPOSE_GLOBAL, tool, { stopAtPositional: true });
  const [sub, ...rest] = pre.positionals;
  if (sub !== 'down') throw unsupported(quoted(tool, sub));
  const post = parseFlags(
    rest,
    [
      ...COMPOSE_GLOBAL,
      { long: 'volumes', short: 'v', type: 'bool' },
      { long: 'remove-orphans', type: 'bool' },
      { long: 'rmi', type: 'string' },
      { long: 'timeout', short: 't', type: 'string' },
    ],
    `${tool} down`,
  );
  const v = new Map([...pre.values]);
  for (const [k, val] of post.values) {
    const prev = v.get(k);
    v.set(k, Array.isArray(prev) && Array.isArray(val) ? [...prev, ...val] : val);
  }
  if (bool(v, 'dry-run')) {
    throw new CommandLineError(`"${tool} --dry-run down" changes nothing; preview the command without --dry-run`);
  }
  const rmi = str(v, 'rmi');
  if (rmi !== null && rmi !== 'local' && rmi !== 'all') {
    throw new CommandLineError(`invalid value for --rmi: "${rmi}" (expected local or all)`);
  }
  const timeout = str(v, 'timeout');
  if (timeout !== null && !/^-?\d+$/.test(timeout)) {
    throw new CommandLineError(`invalid argument "${timeout}" for "-t, --timeout": expected a number of seconds`);
  }
  return {
    kind: 'compose-down',
    tool,
    projectName: str(v, 'project-name'),
    files: arr(v, 'file'),
    projectDirectory: str(v, 'project-directory'),
    profiles: arr(v, 'profile'),
    envFiles: arr(v, 'env-file'),
    volumes: bool(v, 'volumes'),
    removeOrphans: bool(v, 'remove-orphans'),
    rmi,
    services: post.positionals,
    argv,
  };
}

/**
 * Parses a docker command line (with or without the leading `docker`; `docker-compose` accepted).
 * @throws CommandLineError for anything lastlook cannot preview or that docker itself would reject as usage.
 */
export function parseDockerCommand(
  input: readonly string[],
  _env: Readonly<Record<string, string | undefined>> = {},
): ParsedCommand {
  if (input.length === 0) throw unsupported('an empty command line');
  const first = (input[0] as string).split('/').pop();
  if (first === 'docker-compose') {
    return parseCompose(input.slice(1), 'docker-compose', ['docker-compose', ...input.slice(1)]);
  }
  const args = first === 'docker' ? input.slice(1) : [...input];
  const argv = ['docker', ...args];
  const [cmd, ...rest] = args;
  if (cmd === undefined) throw unsupported('"docker" without a command');
  if (cmd.startsWith('-')) {
    throw new CommandLineError(
      `docker's global flag ${cmd} is not taken here: give lastlook --host or --context instead, then the command`,
    );
  }
  switch (cmd) {
    case 'rm':
      return parseRm(rest, argv, 'docker rm');
    case 'container': {
      const [sub, ...more] = rest;
      if (sub === 'rm' || sub === 'remove') return parseRm(more, argv, 'docker container rm');
      if (sub === 'prune') return parseContainerPrune(more, argv);
      throw unsupported(quoted('docker container', sub));
    }
    case 'volume':
      return parseVolume(rest, argv);
    case 'system': {
      const [sub, ...more] = rest;
      if (sub === 'prune') return parseSystemPrune(more, argv);
      throw unsupported(quoted('docker system', sub));
    }
    case 'compose':
      return parseCompose(rest, 'docker compose', argv);
    default:
      throw unsupported(`"docker ${cmd}"`);
  }
}
