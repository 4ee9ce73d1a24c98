/** `docker system prune [-a] [--volumes] [--filter …]... [-f]` (shared/docker-semantics.md §6). */
import { type ClientRequest, decodeFilters, sameFilters } from '../client-requests.js';
import { planSystemPrune } from '../plan/prune.js';
import { defineFamily } from './family.js';
import {
  bool,
  type CommandBase,
  CommandLineError,
  filterFlag,
  filterValues,
  forceFlag,
  noArgs,
  type PruneFilter,
  parseFlags,
} from './pflag.js';

export interface SystemPruneCommand extends CommandBase {
  readonly kind: 'system-prune';
  /** `-a`: images not used by any container (and all build cache); volumes are unaffected. */
  readonly all: boolean;
  readonly volumes: boolean;
  readonly filters: PruneFilter[];
}

/** System prune: the same filters on every step (the planner applies one set); `-a` from the images step. */
function fromClient(parsed: SystemPruneCommand, requests: readonly ClientRequest[]): SystemPruneCommand | string {
  const by = new Map(requests.map((r) => [r.path, r]));
  const steps = ['/containers/prune', '/networks/prune', '/volumes/prune', '/images/prune', '/build/prune'];
  if (requests.some((r) => r.method !== 'POST' || !steps.includes(r.path)) || !by.has('/containers/prune')) {
    return `unexpected requests for system prune: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`;
  }
  const filters = decodeFilters(by.get('/containers/prune')?.query.get('filters') ?? null);
  if (!filters) return 'unreadable filters';
  for (const path of ['/networks/prune', '/volumes/prune']) {
    const r = by.get(path);
    const f = r ? decodeFilters(r.query.get('filters')) : filters;
    if (!f || !sameFilters(f, filters)) return `the client sends other filters to ${path} than to /containers/prune`;
  }
  const images = by.get('/images/prune');
  const dangling = decodeFilters(images?.query.get('filters') ?? null)?.find((f) => f.key === 'dangling');
  const all = dangling ? dangling.value === 'false' : parsed.all;
  return { ...parsed, filters, volumes: by.has('/volumes/prune'), all };
}

export const systemPruneFamily = defineFamily<SystemPruneCommand>({
  kind: 'system-prune',
  routes: ['system prune'],
  usage: ['docker system prune [-a] [--volumes] [--filter …]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(
      args,
      [forceFlag, filterFlag, { long: 'all', short: 'a', type: 'bool' }, { long: 'volumes', type: 'bool' }],
      at.where,
    );
    noArgs(positionals, at.where);
    const filters = filterValues(values);
    const volumes = bool(values, 'volumes');
    if (volumes && filters.some((f) => f.key === 'until')) {
      // cli system/prune.go: the volume step has no `until`.
      throw new CommandLineError('"until" filter is not supported with "--volumes"');
    }
    return { kind: 'system-prune', all: bool(values, 'all'), volumes, filters, argv: at.argv };
  },
  needs: () => ({ networks: true, images: true, buildCache: true, prefetch: 'prune' }),
  plan: planSystemPrune,
  fromClient,
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'system-prune-volumes',
      keys: ['S'],
      label: 'system prune --volumes',
      footer: false,
      argv: () => ['docker', 'system', 'prune', '--volumes'],
    },
  ],
});
