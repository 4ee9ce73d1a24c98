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
}

/** `docker rm [-f] [-v] [-l] CONTAINER...` and `docker container rm|remove …`. */
export interface RmCommand extends Base {
  readonly kind: 'rm';
  readonly force: boolean;
  readonly volumes: boolean;
  /** `-l/--link`: only a link name is removed, the container stays. */
  readonly link: boolean;
  /** As given (names, full IDs or ID prefixes), in order, duplicates kept. */
  readonly containers: string[];
}

/** `docker volume rm|remove [-f] VOLUME...`. */
export interface VolumeRmCommand extends Base {
  readonly kind: 'volume-rm';
  readonly force: boolean;
  readonly volumes: string[];
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

/** The docker CLI's `opts.FilterOpt.Set`: `name=value`, name trimmed and lower-cased, split at the first `=`. */
export function parseFilter(raw: string): PruneFilter {
  const eq = raw.indexOf('=');
  if (eq < 0) throw new CommandLineError(`bad format of filter "${raw}" (expected name=value)`);
  return { key: raw.slice(0, eq).trim().toLowerCase(), value: raw.slice(eq + 1).trim() };
}

function checkFilterKeys(filters: readonly PruneFilter[], accepted: readonly string[], what: string): void {
  for (const f of filters) {
    if (!accepted.includes(f.key)) {
      throw new CommandLineError(
        `invalid filter '${f.key}' for ${what}: the engine accepts only ${accepted.map((a) => `${a}=…`).join(', ')}`,
      );
    }
  }
}

/** `docker container prune` accepts these filter keys (moby daemon/prune.go containersAcceptedFilters). */
export const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'] as const;
/** `docker volume prune` accepts these filter keys (moby volume/service/service.go). */
export const VOLUME_PRUNE_FILTERS = ['label', 'label!', 'all'] as const;

const filterFlag: FlagSpec = { long: 'filter', type: 'array' };
const forceFlag: FlagSpec = { long: 'force', short: 'f', type: 'bool' };

function noArgs(positionals: readonly string[], what: string): void {
  if (positionals.length > 0) {
    throw new CommandLineError(`"${what}" accepts no arguments (got ${positionals.join(' ')})`);
  }
}

function parseRm(args: readonly string[], argv: string[], where: string): RmCommand {
  const { values, positionals } = parseFlags(
    args,
    [forceFlag, { long: 'volumes', short: 'v', type: 'bool' }, { long: 'link', short: 'l', type: 'bool' }],
    where,
  );
  if (positionals.length === 0) throw new CommandLineError(`"${where}" requires at least 1 argument (a container)`);
  return {
    kind: 'rm',
    force: bool(values, 'force'),
    volumes: bool(values, 'volumes'),
    link: bool(values, 'link'),
    containers: positionals,
    argv,
  };
}

function parseVolume(args: readonly string[], argv: string[]): ParsedCommand {
  const [sub, ...rest] = args;
  if (sub === 'rm' || sub === 'remove') {
    const { values, positionals } = parseFlags(rest, [forceFlag], 'docker volume rm');
    if (positionals.length === 0) throw new CommandLineError('"docker volume rm" requires at least 1 argument');
    return { kind: 'volume-rm', force: bool(values, 'force'), volumes: positionals, argv };
  }
  if (sub === 'prune') {
    const { values, positionals } = parseFlags(
      rest,
      [forceFlag, { long: 'all', short: 'a', type: 'bool' }, filterFlag],
      'docker volume prune',
    );
    noArgs(positionals, 'docker volume prune');
    const filters = arr(values, 'filter').map(parseFilter);
    checkFilterKeys(filters, VOLUME_PRUNE_FILTERS, 'docker volume prune');
    const all = bool(values, 'all');
    if (all && filters.some((f) => f.key === 'all')) {
      throw new CommandLineError('conflicting options: cannot specify both --all and --filter all=1');
    }
    return { kind: 'volume-prune', all, filters, argv };
  }
  throw unsupported(quoted('docker volume', sub));
}

function parseContainerPrune(args: readonly string[], argv: string[]): ContainerPruneCommand {
  const { values, positionals } = parseFlags(args, [forceFlag, filterFlag], 'docker container prune');
  noArgs(positionals, 'docker container prune');
  const filters = arr(values, 'filter').map(parseFilter);
  checkFilterKeys(filters, CONTAINER_PRUNE_FILTERS, 'docker container prune');
  return { kind: 'container-prune', filters, argv };
}

function parseSystemPrune(args: readonly string[], argv: string[]): SystemPruneCommand {
  const { values, positionals } = parseFlags(
    args,
    [forceFlag, filterFlag, { long: 'all', short: 'a', type: 'bool' }, { long: 'volumes', type: 'bool' }],
    'docker system prune',
  );
  noArgs(positionals, 'docker system prune');
  const filters = arr(values, 'filter').map(parseFilter);
  const volumes = bool(values, 'volumes');
  // The same filters go to every step; container prune accepts the narrowest set.
  checkFilterKeys(filters, CONTAINER_PRUNE_FILTERS, 'docker system prune');
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
