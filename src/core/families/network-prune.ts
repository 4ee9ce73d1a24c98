/** `docker network prune [--filter …]... [-f]` (shared/docker-semantics.md §4). */
import { onePrune } from '../client-requests.js';
import { planNetworkPrune } from '../plan/network-prune.js';
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

export interface NetworkPruneCommand extends CommandBase {
  readonly kind: 'network-prune';
  readonly filters: PruneFilter[];
}

export const networkPruneFamily = defineFamily<NetworkPruneCommand>({
  kind: 'network-prune',
  routes: ['network prune'],
  usage: ['docker network prune [--filter until=…|label=…|label!=…]... [-f]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(args, [forceFlag, filterFlag], at.where);
    noArgs(positionals, at.where);
    return { kind: 'network-prune', filters: filterValues(values), argv: at.argv };
  },
  needs: () => ({ networks: true, images: false }),
  plan: planNetworkPrune,
  fromClient: (cmd, requests) => {
    const f = onePrune(requests, 'networks');
    return typeof f === 'string' ? f : { ...cmd, filters: f };
  },
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'network-prune',
      keys: ['N'],
      label: 'network prune',
      footer: false,
      argv: () => ['docker', 'network', 'prune'],
    },
  ],
});
