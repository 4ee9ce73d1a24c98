/**
 * `docker builder prune [-a] [--filter …]... [-f]` and `docker buildx prune` (shared/docker-semantics.md §4: the
 * build cache step of system prune, on its own).
 */
import { decodeFilters, flag } from '../client-requests.js';
import { planBuilderPrune } from '../plan/builder-prune.js';
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
  str,
} from './pflag.js';

export interface BuilderPruneCommand extends CommandBase {
  readonly kind: 'builder-prune';
  /** `-a`: internal, frontend and image-shared records too. */
  readonly all: boolean;
  readonly filters: PruneFilter[];
  /** Who sends the prune (core/plan/builder-prune.ts): buildx for `buildx prune`, or when the CLI runs it. */
  readonly via: 'engine' | 'buildx';
}

/** Flags that make BuildKit remove records by age until the cache fits a size: an order no API reports. */
const SPACE_FLAGS = ['keep-storage', 'reserved-space', 'max-used-space', 'min-free-space'] as const;

export const builderPruneFamily = defineFamily<BuilderPruneCommand>({
  kind: 'builder-prune',
  routes: ['builder prune', 'buildx prune'],
  usage: ['docker builder prune [-a] [--filter until=…|type=…|id=…]... [-f]'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(
      args,
      [
        forceFlag,
        filterFlag,
        { long: 'all', short: 'a', type: 'bool' },
        { long: 'verbose', type: 'bool' },
        { long: 'debug', short: 'D', type: 'bool' },
        { long: 'builder', type: 'string' },
        ...SPACE_FLAGS.map((long) => ({ long, type: 'string' as const })),
      ],
      at.where,
    );
    noArgs(positionals, at.where);
    for (const f of SPACE_FLAGS) {
      const v = str(values, f);
      if (v !== null && !/^0+[a-zA-Z]*$/.test(v)) {
        throw new CommandLineError(
          `lastlook does not preview --${f}: BuildKit then removes the least recently used records until the cache fits, and no API says which those are. Preview without it`,
        );
      }
    }
    const builder = str(values, 'builder');
    if (builder !== null && builder !== 'default') {
      throw new CommandLineError(
        `lastlook previews the engine's own build cache only (builder "default"), not "${builder}"`,
      );
    }
    const via = at.where.includes('buildx') ? 'buildx' : 'engine';
    return { kind: 'builder-prune', all: bool(values, 'all'), filters: filterValues(values), via, argv: at.argv };
  },
  needs: () => ({ networks: false, images: false, buildCache: true }),
  plan: planBuilderPrune,
  // The 26.1.5 CLI's own builder prune sends POST /build/prune; with buildx installed the CLI runs `buildx
  // prune`, which talks gRPC over an upgraded /grpc connection that the recording endpoint refuses (the parser
  // then serves).
  fromClient: (cmd, requests) => {
    if (requests.some((r) => r.path === '/grpc' || r.path === '/session')) return { ...cmd, via: 'buildx' };
    if (requests.length !== 1 || requests[0]?.method !== 'POST' || requests[0].path !== '/build/prune') {
      return `expected one POST /build/prune, got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}`;
    }
    const q = requests[0].query;
    for (const f of SPACE_FLAGS) {
      if ((q.get(f) ?? '0') !== '0') return `the client sends ${f}=${q.get(f)}, which lastlook does not preview`;
    }
    const filters = decodeFilters(q.get('filters'));
    return filters ? { ...cmd, all: flag(q, 'all'), filters, via: 'engine' } : 'unreadable filters';
  },
  // Build cache is rebuilt by the next build: y is enough.
  confirmation: () => 'prune',
  prune: true,
  previews: [
    {
      id: 'builder-prune',
      keys: ['B'],
      label: 'builder prune',
      footer: false,
      argv: () => ['docker', 'builder', 'prune'],
    },
  ],
});
