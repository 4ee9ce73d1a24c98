import { UsageError } from './context.js';

/** Global flags and where argv splits into them, the subcommand and its own arguments. */
export interface SplitArgv {
  readonly global: {
    host?: string;
    /** The last `--context` (the one a single-engine command uses, as the docker CLI takes the last). */
    context?: string;
    /** Every `--context`, in order (`plan` previews on each). */
    contexts: string[];
    /** `--all-contexts`: `plan` previews on every docker context. */
    allContexts: boolean;
    /** `--timeout SECONDS`, unparsed. */
    timeout?: string;
    /** `--backup-dir DIR`: where the explorer's `b` writes. */
    backupDir?: string;
    readOnly: boolean;
    noColor: boolean;
    help: boolean;
    version: boolean;
  };
  readonly command: string | null;
  readonly rest: string[];
}

const VALUE_FLAGS: Record<string, 'host' | 'context' | 'timeout' | 'backupDir'> = {
  '--backup-dir': 'backupDir',
  '--host': 'host',
  '-H': 'host',
  '--context': 'context',
  '--timeout': 'timeout',
};
/** Subcommands whose arguments, after their own flags, are a docker command line that lastlook must not parse. */
const PASSTHROUGH = new Set(['plan', 'guard']);

/**
 * Pulls lastlook's global flags out of argv. They may stand before or after the subcommand, but never inside a
 * docker command line (after `--`, or from the first positional argument of `plan` / `guard`).
 */
export function splitArgv(argv: readonly string[]): SplitArgv {
  const global: SplitArgv['global'] = {
    contexts: [],
    allContexts: false,
    readOnly: false,
    noColor: false,
    help: false,
    version: false,
  };
  let command: string | null = null;
  const rest: string[] = [];
  let passthrough = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (passthrough) {
      rest.push(arg);
      continue;
    }
    if (arg === '--') {
      if (command === null) throw new UsageError('`--` must follow a subcommand (lastlook plan -- docker …)');
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[name];
    if (key) {
      const value = name === arg ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      global[key] = value;
      if (key === 'context') global.contexts.push(value);
      continue;
    }
    if (arg === '--all-contexts') global.allContexts = true;
    else if (arg === '--read-only') global.readOnly = true;
    else if (arg === '--no-color') global.noColor = true;
    else if (arg === '--help' || arg === '-h') global.help = true;
    else if (arg === '--version' && command === null) global.version = true;
    else if (command === null && !arg.startsWith('-')) command = arg;
    else {
      rest.push(arg);
      if (command !== null && PASSTHROUGH.has(command) && !arg.startsWith('-')) passthrough = true;
    }
  }
  return { global, command, rest };
}

/**
 * How long one request may wait for the engine, in ms: `--timeout SECONDS`, else `LASTLOOK_TIMEOUT`, else the
 * adapter's default (undefined). 0 waits forever.
 */
export function requestTimeoutMs(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const [name, raw] = flag !== undefined ? ['--timeout', flag] : ['LASTLOOK_TIMEOUT', env.LASTLOOK_TIMEOUT];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) {
    throw new UsageError(`${name} takes seconds (a number, 0 to wait forever), not "${raw}"`);
  }
  return Math.round(Number(raw) * 1000);
}
