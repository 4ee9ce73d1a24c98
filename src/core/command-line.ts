/**
 * The docker command lines lastlook can preview, parsed with docker's own flag syntax (cobra/pflag, see
 * ./families/pflag.ts). The router: the first words pick a command family from the registry (./families/index.ts),
 * whose parser reads the rest. Pure: no I/O. See shared/DESIGN.md ("Command line").
 */
import { COMPOSE_GLOBAL } from './families/compose-common.js';
import type { CommandFamily, ParseAt } from './families/family.js';
import { type ParsedCommand, REGISTRY, SUPPORTED_COMMANDS } from './families/index.js';
import { CommandLineError, parseFlags } from './families/pflag.js';

export type { ComposeDownCommand } from './families/compose-down.js';
export type { ContainerPruneCommand } from './families/container-prune.js';
export type { ParsedCommand } from './families/index.js';
export { SUPPORTED_COMMANDS } from './families/index.js';
export {
  CommandLineError,
  cleanUrlPath,
  engineRef,
  type PruneFilter,
  parseFilter,
  type RefResult,
  type RejectedRef,
} from './families/pflag.js';
export type { RmCommand } from './families/rm.js';
export type { SystemPruneCommand } from './families/system-prune.js';
export type { VolumePruneCommand } from './families/volume-prune.js';
export type { VolumeRmCommand } from './families/volume-rm.js';

/** `"docker volume ls"`, leaving out a missing subcommand. */
function quoted(...words: (string | undefined)[]): string {
  return `"${words.filter((w) => w !== undefined && w !== '').join(' ')}"`;
}

function unsupported(what: string): CommandLineError {
  return new CommandLineError(
    `lastlook cannot preview ${what}. It previews:\n${SUPPORTED_COMMANDS.map((c) => `  ${c}`).join('\n')}`,
  );
}

interface Route {
  readonly family: CommandFamily;
  /** Each word's aliases (`rm|remove`). */
  readonly words: readonly (readonly string[])[];
}

const routes = (): Route[] =>
  REGISTRY.flatMap((family) => family.routes.map((r) => ({ family, words: r.split(' ').map((w) => w.split('|')) })));

/** The route `args` start with (`container rm …`), the family's name for it and the arguments after it. */
function findRoute(
  all: readonly Route[],
  args: readonly string[],
): { route: Route; name: string; rest: readonly string[] } | null {
  for (const route of all) {
    if (route.words.every((aliases, i) => aliases.includes(args[i] as string))) {
      const name = route.words.map((aliases) => aliases[0]).join(' ');
      return { route, name, rest: args.slice(route.words.length) };
    }
  }
  return null;
}

function parseWith(route: Route, args: readonly string[], at: ParseAt): ParsedCommand {
  return route.family.parse(args, at) as unknown as ParsedCommand;
}

/** `docker compose …` / `docker-compose …`: Compose's global flags, then a `compose <sub>` family. */
function parseCompose(args: readonly string[], tool: 'docker compose' | 'docker-compose', argv: string[]) {
  const pre = parseFlags(args, COMPOSE_GLOBAL, tool, { stopAtPositional: true });
  const [sub, ...rest] = pre.positionals;
  const found = sub === undefined ? null : findRoute(routes(), ['compose', sub]);
  if (!found) throw unsupported(quoted(tool, sub));
  return parseWith(found.route, rest, { argv, where: `${tool} ${sub}`, compose: { tool, globals: pre.values } });
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
  if (cmd === 'compose') return parseCompose(rest, 'docker compose', argv);
  const all = routes().filter((r) => r.words[0]?.[0] !== 'compose');
  const found = findRoute(all, args);
  if (found) return parseWith(found.route, found.rest, { argv, where: `docker ${found.name}` });
  if (!all.some((r) => r.words[0]?.includes(cmd) && r.words.length > 1)) throw unsupported(`"docker ${cmd}"`);
  throw unsupported(quoted(`docker ${cmd}`, rest[0]));
}
