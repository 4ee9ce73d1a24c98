/**
 * A command family: everything lastlook knows about one kind of docker command line, in one module. The parser,
 * the planning entry, the snapshot reader, the help text, the keymap and the explorer's previews iterate over the
 * registry (./index.ts); nothing else switches on a command's kind. See docs/adding-a-family.md.
 */
import type { ClientRequest } from '../client-requests.js';
import type { ComposeDownArgs } from '../compose-model.js';
import type { Snapshot } from '../model.js';
import type { PlanExtra } from '../plan/totals.js';
import type { PlanBody } from '../plan/types.js';
import type { FlagValues } from './pflag.js';

/** The parts of a snapshot a command's planner reads, besides containers and volumes (which every planner reads). */
export interface SnapshotNeeds {
  /** Networks with their endpoints: one inspect per network that is not predefined. */
  readonly networks: boolean;
  readonly images: boolean;
  /** The build cache records (`/system/df` BuildCache): builder prune, system prune. @default false */
  readonly buildCache?: boolean;
  /**
   * Sizes `measurePlan` will want, read at the same time as the lists instead of after the first plan:
   * `volumes` = volume bytes (`/system/df?type=volume`); `prune` = one `/system/df` for every writable layer and
   * volume (a prune destroys every stopped container: the work of `docker system df -v`). @default null
   */
  readonly prefetch?: 'volumes' | 'prune' | null;
}

/** Where a family's parser was reached from. */
export interface ParseAt {
  /** The user's command line, normalised with a leading `docker` (or `docker-compose`). */
  readonly argv: string[];
  /** The command as docker names it in its messages, e.g. `docker container rm`, `docker compose down`. */
  readonly where: string;
  /** For `compose …` families: the tool and the global flags given before the subcommand. */
  readonly compose?: { readonly tool: 'docker compose' | 'docker-compose'; readonly globals: FlagValues };
}

/** What the explorer's selection offers a preview key (computed from the explorer state, read-only). */
export interface PreviewSelection {
  readonly view: 'containers' | 'volumes';
  /** Names of the marked containers, else of the selected one (empty when none). */
  readonly containers: readonly string[];
  /** The selected row is a container (not a group header). */
  readonly containerSelected: boolean;
  readonly marked: number;
  /** Compose project of the selected row (group or container), or null. */
  readonly project: string | null;
  /** Name of the selected volume in the volumes view, or null. */
  readonly volume: string | null;
}

/** One explorer key that previews a command of this family. */
export interface PreviewBinding {
  /** Unique across the registry (the explorer's `request-preview` action carries it). */
  readonly id: string;
  readonly keys: readonly string[];
  readonly label: string;
  /** A shorter label for the footer. @default label */
  readonly hint?: string;
  /** Shown in the footer. */
  readonly footer: boolean;
  /** The views the key works in. @default every view */
  readonly views?: readonly ('containers' | 'volumes')[];
  /** Why the key cannot be used with this selection, or null. */
  readonly disabled?: (sel: PreviewSelection) => string | null;
  /** The docker command line the key stands for, or null when nothing is selected. */
  readonly argv: (sel: PreviewSelection) => string[] | null;
}

/** A parsed command: its family's kind and the user's command line. */
export interface FamilyCommand {
  readonly kind: string;
  readonly argv: readonly string[];
}

export interface CommandFamily<C extends FamilyCommand = FamilyCommand> {
  readonly kind: C['kind'];
  /**
   * The docker subcommands that reach this family, as words after `docker` (`rm`, `container rm|remove`,
   * `compose down`); `a|b` are aliases, the first is the name used in messages. `compose …` routes also serve
   * `docker-compose …`, after Compose's global flags.
   */
  readonly routes: readonly string[];
  /** Lines of "what lastlook previews" (usage errors); the first route's syntax. */
  readonly usage: readonly string[];
  /** Lines of `lastlook --help` ("Docker command lines lastlook can preview"). @default usage */
  readonly help?: readonly string[];
  /**
   * The arguments after the route (and, for compose, after its global flags) → the command.
   * @throws CommandLineError for bad usage (exit 2).
   */
  readonly parse: (args: readonly string[], at: ParseAt) => C;
  /** What the planner reads from the engine besides containers and volumes. */
  readonly needs: (cmd: C) => SnapshotNeeds;
  /** The containers whose inspect (mount specs) the planner needs. @default none */
  readonly inspect?: (snapshot: Pick<Snapshot, 'containers'>, cmd: C) => string[];
  /** The planner. May throw LookupError (exit 4 / 2). */
  readonly plan: (snapshot: Snapshot, cmd: C, extra: PlanExtra) => PlanBody;
  /**
   * What the user must type to confirm a plan that destroys volume data (called only then), or null for y.
   * The policy: a name the user can check; prunes, which name nothing, ask for `prune`.
   */
  readonly confirmation: (cmd: C, plan: PlanBody) => string | null;
  /**
   * The command as the user's docker CLI sent it (core/client-intent.ts): the requests it made against the recording
   * endpoint read back as a command of this family, or why they do not fit (the parser's reading then serves).
   * @default not read from the client
   */
  readonly fromClient?: (cmd: C, requests: readonly ClientRequest[]) => C | string;
  /**
   * The planner needs the Compose project loaded (src/compose, into `extra.compose`): the project's arguments, in
   * compose down's shape. Such a command is read through Compose, not the docker CLI. @default none
   */
  readonly composeProject?: (cmd: C) => ComposeDownArgs;
  /** A prune: the CLI merges its config's pruneFilters into `filters`. @default false */
  readonly prune?: boolean;
  /** Execution stops the running containers it removes first (as Compose does). @default false */
  readonly stopsFirst?: boolean;
  /** The explorer's keys for this family, in footer order. */
  readonly previews?: readonly PreviewBinding[];
}

/** Keeps the command type of a family literal (`defineFamily<RmCommand>({...})`). */
export function defineFamily<C extends FamilyCommand>(f: CommandFamily<C>): CommandFamily<C> {
  return f;
}

export const NO_NEEDS: SnapshotNeeds = { networks: false, images: false };

/** What several commands read together: everything any of them reads; a size prefetch only when all want the same. */
export function mergeNeeds(list: readonly SnapshotNeeds[]): SnapshotNeeds {
  const prefetch = list.every((n) => n.prefetch === list[0]?.prefetch) ? (list[0]?.prefetch ?? null) : null;
  return {
    networks: list.some((n) => n.networks),
    images: list.some((n) => n.images),
    buildCache: list.some((n) => n.buildCache === true),
    prefetch,
  };
}
