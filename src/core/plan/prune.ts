/**
 * `docker container prune` and `docker system prune [-a] [--volumes]` (shared/docker-semantics.md §4, §6 rule 3).
 * System prune runs in order: containers → networks → volumes (with --volumes) → images → build cache, each step
 * seeing what the previous one removed.
 */
import type { ContainerPruneCommand, PruneFilter, SystemPruneCommand } from '../command-line.js';
import type { ContainerInfo, Snapshot } from '../model.js';
import { buildCacheStep } from './builder-prune.js';
import { engineRules } from './engine-rules.js';
import {
  describeFilters,
  type FilterArgs,
  matchLabels,
  mergePruneFilters,
  olderThan,
  toArgs,
  untilLimit,
  validateKeys,
} from './filters.js';
import { plannedImage, pruneImages, untagEntry } from './image-removal.js';
import { volumesRemovedWithContainers } from './spec-source.js';
import { makePlan, type PlanExtra, plannedContainer } from './totals.js';
import type {
  PlanBody,
  PlannedBuildCache,
  PlannedContainer,
  PlannedImage,
  PlannedNetwork,
  PlannedUntag,
  PlannedVolume,
} from './types.js';
import { volumePrune } from './volume.js';

/** The states the engine counts as running for prune (`IsRunning()`): running, paused, restarting. */
export function isRunningForPrune(c: ContainerInfo): boolean {
  return c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
}

interface ContainerStep {
  readonly removed: ContainerInfo[];
  readonly destroy: PlannedContainer[];
  readonly keep: PlannedContainer[];
  readonly error: string | null;
}

/** Filter keys `POST /containers/prune` and `POST /networks/prune` accept (moby daemon/prune.go, 20.10 to 28). */
export const CONTAINER_PRUNE_KEYS = ['label', 'label!', 'until'] as const;
/** `POST /images/prune` (daemon/images/image_prune.go); the CLI adds `dangling` itself. */
export const IMAGE_PRUNE_KEYS = ['dangling', 'label', 'label!', 'until'] as const;

const refused = (why: string): ContainerStep => ({ removed: [], destroy: [], keep: [], error: why });

/** `ContainersPrune`: validate the keys, read `until`, then every container that is not running and matches. */
function containerStep(snapshot: Snapshot, args: FilterArgs, extra: PlanExtra): ContainerStep {
  const bad = validateKeys(args, CONTAINER_PRUNE_KEYS, snapshot.engine.version);
  if (bad) return refused(bad);
  const until = untilLimit(args, snapshot.takenAt);
  if ('refusal' in until) return refused(until.refusal);
  const removed: ContainerInfo[] = [];
  const destroy: PlannedContainer[] = [];
  const keep: PlannedContainer[] = [];
  for (const c of snapshot.containers) {
    if (isRunningForPrune(c)) {
      keep.push(plannedContainer(c, `${c.state}: prune only removes stopped and created containers`, extra.sizes));
      continue;
    }
    if (!olderThan(until.limit, c.created * 1000)) {
      keep.push(plannedContainer(c, 'created after the until filter', extra.sizes));
      continue;
    }
    if (!matchLabels(args, c.labels)) {
      keep.push(plannedContainer(c, 'does not match the label filters', extra.sizes));
      continue;
    }
    removed.push(c);
    destroy.push(plannedContainer(c, `${c.state}: removed by prune (writable layer and logs go)`, extra.sizes));
  }
  return { removed, destroy, keep, error: null };
}

/** How the engine words a refused prune, for a blocked plan. */
export function engineRefusal(step: string, why: string): string {
  return `the engine refuses the ${step} prune: Error response from daemon: ${why}`;
}

export function planContainerPrune(snapshot: Snapshot, cmd: ContainerPruneCommand, extra: PlanExtra = {}): PlanBody {
  const filters = mergePruneFilters(cmd.filters, snapshot.pruneFilters);
  const warnings = configWarning(cmd.filters, filters);
  const step = containerStep(snapshot, toArgs(filters), extra);
  if (step.error) {
    return makePlan(snapshot, cmd.argv, { blocked: { reason: engineRefusal('container', step.error) }, warnings });
  }
  // Prune removes containers without `v`: their volumes stay (orphaned when nothing else uses them).
  const fates = volumesRemovedWithContainers(
    snapshot,
    step.removed.map((c) => c.id),
    { v: false, ...(extra.sizes ? { volumeBytes: extra.sizes.volumes } : {}) },
  );
  return makePlan(snapshot, cmd.argv, {
    destroy: { containers: step.destroy },
    orphan: { volumes: fates.orphaned },
    keep: { containers: step.keep, volumes: fates.kept },
    warnings,
  });
}

export function configWarning(cli: readonly PruneFilter[], merged: readonly PruneFilter[]): string[] {
  return merged.length > cli.length
    ? [`pruneFilters from the docker CLI config apply: ${describeFilters(merged.slice(cli.length))}`]
    : [];
}

/**
 * `localNetworksPrune`: not config-only, created before `until`, matching the labels, not predefined, without
 * endpoints (only running and paused containers have endpoints).
 */
export function networkStep(
  snapshot: Snapshot,
  args: FilterArgs,
  until: number | null,
  survivors: readonly ContainerInfo[],
): { destroy: PlannedNetwork[]; keep: PlannedNetwork[]; warnings: string[] } {
  const destroy: PlannedNetwork[] = [];
  const keep: PlannedNetwork[] = [];
  const warnings: string[] = [];
  const nameOf = (id: string) => snapshot.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
  let unknownAge = 0;
  const rules = engineRules(snapshot.engine);
  for (const n of snapshot.networks) {
    const plain = { id: n.id, name: n.name };
    if (rules.predefinedNetworks.has(n.name) || n.name.startsWith('container:')) continue;
    // Read for every network that is not predefined (null only for those, skipped above).
    const endpoints = n.endpoints ?? [];
    if (n.configOnly) {
      keep.push({ ...plain, reason: 'config-only network: never pruned' });
      continue;
    }
    if (until !== null) {
      if (n.createdMs === undefined || n.createdMs === null) unknownAge++;
      else if (!olderThan(until, n.createdMs)) {
        keep.push({ ...plain, reason: 'created after the until filter' });
        continue;
      }
    }
    if (!matchLabels(args, n.labels)) {
      keep.push({ ...plain, reason: 'does not match the label filters' });
      continue;
    }
    if (rules.networkInUse === 'any') {
      // Podman lists every attached container in the network's inspect, in any state, and keeps the network
      // while any of them exists: those that survive the container step keep it.
      const users = survivors.filter((c) => endpoints.includes(c.id) || c.networks.includes(n.name));
      if (users.length > 0) {
        const who = users.map((c) => `${c.name} (${c.state})`).sort();
        keep.push({
          ...plain,
          reason: `in use by ${who.join(', ')}: ${rules.name} keeps a network any container uses`,
        });
        continue;
      }
    } else if (endpoints.length > 0) {
      keep.push({ ...plain, reason: `in use by running ${endpoints.map(nameOf).sort().join(', ')}` });
      continue;
    }
    destroy.push({
      ...plain,
      reason: rules.networkInUse === 'any' ? 'no container is attached' : 'no running container is attached',
    });
    const broken = survivors.filter((c) => !isRunningForPrune(c) && c.networks.includes(n.name));
    if (broken.length > 0) {
      warnings.push(
        `network ${n.name} is removed although ${broken.map((c) => c.name).join(', ')} (stopped, kept) ${broken.length === 1 ? 'uses' : 'use'} it: ${broken.length === 1 ? 'it' : 'they'} will fail to start ("network ${n.name} not found")`,
      );
    }
  }
  if (unknownAge > 0) {
    warnings.push(
      `the until filter also applies to networks, and the creation time of ${unknownAge} of them could not be read: they are listed as if old enough`,
    );
  }
  return { destroy, keep, warnings };
}

/**
 * The images step (`POST /images/prune`, dangling only without -a), replayed by ./image-removal.ts on every image
 * (intermediate parents included): the top images it deletes, the untagged parents they take with them, and the
 * tags it removes from images that stay (a multi-tagged image in use keeps only its last reference).
 */
function imageStep(
  snapshot: Snapshot,
  args: FilterArgs,
  until: number | null,
  all: boolean,
  survivors: readonly ContainerInfo[],
): { destroy: PlannedImage[]; untag: PlannedUntag[] } {
  const r = pruneImages(snapshot.images, survivors, {
    danglingOnly: !all,
    matches: (img) => matchLabels(args, img.labels) && olderThan(until, img.created * 1000),
  });
  const deleted = new Set(r.deleted.map((i) => i.id));
  const destroy = r.deleted.map((img) => {
    const child = r.deleted.some((c) => c.parentId === img.id) && img.repoTags.length === 0;
    const reason = child
      ? 'untagged parent of a removed image, left without child or container: the engine removes it too'
      : img.repoTags.length === 0
        ? 'dangling image (no tag), unused'
        : 'not used by any container (-a)';
    return { ...plannedImage(snapshot, img), reason };
  });
  const untag = r.untagged
    .filter((u) => !deleted.has(u.image.id))
    .map((u) => untagEntry(snapshot, survivors, u.image, u.refs, 'prune'));
  return { destroy, untag };
}

/**
 * The last step of system prune, the build cache (`POST /build/prune` with `-a` and the same filters), or null
 * when the snapshot did not read the build cache (then a warning says it is not previewed).
 */
function systemBuildCache(
  snapshot: Snapshot,
  all: boolean,
  filters: readonly PruneFilter[],
  imagesGo: boolean,
  warnings: string[],
): PlannedBuildCache[] | null {
  const rules = engineRules(snapshot.engine);
  if (!rules.buildCache) {
    warnings.push(
      `${rules.name} has no build-cache endpoint: docker system prune removes everything listed here, then fails with "Error response from daemon: Not Found" (exit 1)`,
    );
    return null;
  }
  if (!snapshot.buildCache) {
    warnings.push(
      `build cache is not previewed: system prune also removes ${all ? 'all' : 'dangling'} build cache (docker builder du shows it)`,
    );
    return null;
  }
  const step = buildCacheStep(snapshot, all, filters);
  if ('refusal' in step) {
    warnings.push(
      `the engine refuses the build cache step (${step.refusal}): everything listed before it is removed before docker stops with that error`,
    );
    return [];
  }
  warnings.push(...step.warnings);
  if (!all && imagesGo && snapshot.buildCache.some((r) => r.shared && !r.inUse)) {
    warnings.push(
      'build cache shared with an image is kept by this prune, but records shared only with an image this run removes may go with it: the engine does not say which image a record belongs to',
    );
  }
  return step.destroy;
}

export function planSystemPrune(snapshot: Snapshot, cmd: SystemPruneCommand, extra: PlanExtra = {}): PlanBody {
  const filters = mergePruneFilters(cmd.filters, snapshot.pruneFilters);
  const warnings = configWarning(cmd.filters, filters);
  const args = toArgs(filters);
  const step = containerStep(snapshot, args, extra);
  // The CLI runs the steps in order and stops at the first refusal; the container step checks the same keys and
  // `until` as the network and image steps, so a refusal always comes before anything is removed.
  if (step.error) {
    return makePlan(snapshot, cmd.argv, { blocked: { reason: engineRefusal('container', step.error) }, warnings });
  }
  const until = untilLimit(args, snapshot.takenAt);
  const limit = 'limit' in until ? until.limit : null;
  const removedIds = new Set(step.removed.map((c) => c.id));
  const survivors = snapshot.containers.filter((c) => !removedIds.has(c.id));
  const fates = volumesRemovedWithContainers(snapshot, [...removedIds], {
    v: false,
    ...(extra.sizes ? { volumeBytes: extra.sizes.volumes } : {}),
  });
  const nets = networkStep(snapshot, args, limit, survivors);
  warnings.push(...nets.warnings);
  let vpRefused = false;
  let destroyVolumes: PlannedVolume[] = [];
  let keepVolumes: PlannedVolume[] = fates.kept;
  if (cmd.volumes) {
    // `volume.RunPrune` is called without -a: `all` is never sent by system prune.
    const vp = volumePrune(snapshot, { all: false, filters, removedContainers: removedIds }, extra);
    vpRefused = vp.error !== null;
    if (vp.error) {
      // Containers and networks are already gone when the volume step is refused.
      warnings.push(
        `the engine refuses the volume prune step (${vp.error}): the containers and networks listed are removed before docker stops with that error`,
      );
    }
    destroyVolumes = vp.destroy;
    keepVolumes = vp.keep;
    warnings.push(...vp.warnings);
  }
  const destroyed = new Set(destroyVolumes.map((v) => v.name));
  const orphaned = new Set(fates.orphaned.map((v) => v.name));
  const images = vpRefused ? { destroy: [], untag: [] } : imageStep(snapshot, args, limit, cmd.all, survivors);
  const buildCache = vpRefused ? [] : systemBuildCache(snapshot, cmd.all, filters, images.destroy.length > 0, warnings);
  return makePlan(snapshot, cmd.argv, {
    destroy: {
      containers: step.destroy,
      networks: nets.destroy,
      volumes: destroyVolumes,
      images: images.destroy,
      ...(buildCache ? { buildCache } : {}),
    },
    orphan: { volumes: fates.orphaned.filter((v) => !destroyed.has(v.name)) },
    untag: images.untag,
    keep: {
      containers: step.keep,
      networks: nets.keep,
      volumes: keepVolumes.filter((v) => !orphaned.has(v.name)),
    },
    warnings,
  });
}
