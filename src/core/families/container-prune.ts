/** `docker container prune [--filter …]... [-f]` (shared/docker-semantics.md §4). */
import { onePrune } from '../client-requests.js';
import { planContainerPrune } from '../plan/prune.js';
import { defineFamily } from './family.js';
import {
  type CommandBase,
  filterFlag,
  filterValues,
  forceFlag,
  noArgs,
  type PruneFilter,
  parseFlags,
} from './pflag.js';

export interface ContainerPruneCommand extends CommandBase {
  readonly kind: 'container-prune';
  readonly filters: PruneFilter[];
}

export const containerPruneFamily = defineFamily<ContainerPruneCommand>({
  kind: 'container-prune',
  routes: ['container prune'],
  usage: ['docker container prune [--filter …]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(args, [forceFlag, filterFlag], at.where);
    noArgs(positionals, at.where);
    return { kind: 'container-prune', filters: filterValues(values), argv: at.argv };
  },
  needs: () => ({ networks: false, images: false, prefetch: 'prune' }),
  plan: planContainerPrune,
  fromClient: (cmd, requests) => {
    const f = onePrune(requests, 'containers');
    return typeof f === 'string' ? f : { ...cmd, filters: f };
  },
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'container-prune',
      keys: ['c'],
      label: 'container prune',
      footer: false,
      argv: () => ['docker', 'container', 'prune'],
    },
  ],
});
