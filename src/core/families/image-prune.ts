/** `docker image prune [-a] [--filter …]... [-f]` (shared/docker-semantics.md §4). */
import { onePrune } from '../client-requests.js';
import { planImagePrune } from '../plan/image-prune.js';
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

export interface ImagePruneCommand extends CommandBase {
  readonly kind: 'image-prune';
  /** `-a`: every image no container uses, not only dangling ones (the CLI sends `dangling=false`). */
  readonly all: boolean;
  readonly filters: PruneFilter[];
  /** The filters the user's docker CLI sent (with its `dangling` and pruneFilters): final, when it was asked. */
  readonly sent?: PruneFilter[];
}

export const imagePruneFamily = defineFamily<ImagePruneCommand>({
  kind: 'image-prune',
  routes: ['image prune'],
  usage: ['docker image prune [-a] [--filter until=…|label=…|label!=…]... [-f]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(
      args,
      [forceFlag, { long: 'all', short: 'a', type: 'bool' }, filterFlag],
      at.where,
    );
    noArgs(positionals, at.where);
    return { kind: 'image-prune', all: bool(values, 'all'), filters: filterValues(values), argv: at.argv };
  },
  needs: () => ({ networks: false, images: true }),
  plan: planImagePrune,
  fromClient: (cmd, requests) => {
    const f = onePrune(requests, 'images');
    if (typeof f === 'string') return f;
    const dangling = f.filter((x) => x.key === 'dangling');
    return { ...cmd, all: dangling.length === 1 && dangling[0]?.value === 'false', sent: f };
  },
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'image-prune',
      keys: ['i'],
      label: 'image prune',
      footer: false,
      argv: () => ['docker', 'image', 'prune'],
    },
    {
      id: 'image-prune-a',
      keys: ['I'],
      label: 'image prune -a',
      footer: false,
      argv: () => ['docker', 'image', 'prune', '-a'],
    },
  ],
});
