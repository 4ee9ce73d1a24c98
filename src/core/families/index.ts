/**
 * The registry of command families: the one list the parser, the planner, the snapshot reader, the help text, the
 * keymap and the explorer's previews iterate over. Adding a family: one module beside these, registered here
 * (docs/adding-a-family.md). The order is the order of the help text and of the explorer's preview keys.
 */
import { builderPruneFamily } from './builder-prune.js';
import { composeDownFamily } from './compose-down.js';
import { composeRmFamily } from './compose-rm.js';
import { containerPruneFamily } from './container-prune.js';
import type { CommandFamily, FamilyCommand, PreviewBinding, SnapshotNeeds } from './family.js';
import { imagePruneFamily } from './image-prune.js';
import { networkPruneFamily } from './network-prune.js';
import { rmFamily } from './rm.js';
import { systemPruneFamily } from './system-prune.js';
import { volumePruneFamily } from './volume-prune.js';
import { volumeRmFamily } from './volume-rm.js';

export const FAMILIES = [
  rmFamily,
  composeDownFamily,
  volumeRmFamily,
  volumePruneFamily,
  containerPruneFamily,
  systemPruneFamily,
  networkPruneFamily,
  imagePruneFamily,
  builderPruneFamily,
  composeRmFamily,
] as const;

/** The registry with each family's command type erased, for code that dispatches on `kind`. */
export const REGISTRY: readonly CommandFamily[] = FAMILIES as unknown as readonly CommandFamily[];

type CommandOf<F> = F extends CommandFamily<infer C> ? C : never;

/** Every command line lastlook can preview, parsed. */
export type ParsedCommand = CommandOf<(typeof FAMILIES)[number]>;
export type CommandKind = ParsedCommand['kind'];

/** The family of a parsed command. */
export function familyOf<C extends FamilyCommand>(cmd: C): CommandFamily<C> {
  const f = REGISTRY.find((x) => x.kind === cmd.kind);
  if (!f) throw new Error(`no command family "${cmd.kind}"`);
  return f as unknown as CommandFamily<C>;
}

/** The family of a plan's kind. */
export function familyByKind(kind: CommandKind): CommandFamily {
  return familyOf<FamilyCommand>({ kind, argv: [] });
}

/** What a parsed command's planner reads from the engine besides containers and volumes. */
export function snapshotNeeds(parsed: ParsedCommand): SnapshotNeeds {
  return familyOf(parsed).needs(parsed);
}

/** What lastlook can preview, one usage line each, for error messages. */
export const SUPPORTED_COMMANDS: readonly string[] = FAMILIES.flatMap((f) => f.usage);

/** The "Docker command lines lastlook can preview" lines of `lastlook --help`. */
export const HELP_LINES: readonly string[] = FAMILIES.flatMap((f) => f.help ?? f.usage);

/** Every explorer preview key, in registry order. */
export const PREVIEWS: readonly PreviewBinding[] = FAMILIES.flatMap((f) => f.previews ?? []);

export {
  type CommandFamily,
  mergeNeeds,
  type PreviewBinding,
  type PreviewSelection,
  type SnapshotNeeds,
} from './family.js';
