/** `docker volume prune [-a] [--filter …]... [-f]` (shared/docker-semantics.md §4). */
import { onePrune } from '../client-requests.js';
import { planVolumePrune } from '../plan/volume.js';
import { defineFamily } from './family.js';
import {
  bool,
  type CommandBase,
  filterFlag,
  filterValues,
  forceFlag,
  noArgs,
  type PruneFilter,
  parseFlags,
} from './pflag.js';

export interface VolumePruneCommand extends CommandBase {
  readonly kind: 'volume-prune';
  readonly all: boolean;
  readonly filters: PruneFilter[];
}

export const volumePruneFamily = defineFamily<VolumePruneCommand>({
  kind: 'volume-prune',
  routes: ['volume prune'],
  usage: ['docker volume prune [-a] [--filter label=…|label!=…]... [-f]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(
      args,
      [forceFlag, { long: 'all', short: 'a', type: 'bool' }, filterFlag],
      at.where,
    );
    noArgs(positionals, at.where);
    // Filter keys and values are the engine's to refuse (the planner blocks with its message); `--all` against
    // `--filter all` is the CLI's, after it merges the config's pruneFilters (planner).
    return { kind: 'volume-prune', all: bool(values, 'all'), filters: filterValues(values), argv: at.argv };
  },
  needs: () => ({ networks: false, images: false, prefetch: 'volumes' }),
  plan: planVolumePrune,
  // What the client sent is final: its filters (with `all` when it sends -a as one), not the parser's flags.
  fromClient: (cmd, requests) => {
    const f = onePrune(requests, 'volumes');
    return typeof f === 'string' ? f : { ...cmd, all: false, filters: f };
  },
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'volume-prune',
      keys: ['p'],
      label: 'volume prune',
      footer: false,
      argv: () => ['docker', 'volume', 'prune'],
    },
    {
      id: 'volume-prune-a',
      keys: ['P'],
      label: 'volume prune -a',
      hint: 'prune -a',
      footer: true,
      argv: () => ['docker', 'volume', 'prune', '-a'],
    },
  ],
});
