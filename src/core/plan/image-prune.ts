/**
 * `docker image prune [-a] [--filter …]` (shared/docker-semantics.md §4), as the engine's `ImagesPrune` does it
 * (moby daemon/images/image_prune.go and image_delete.go, 20.10.24 to 28.5.2). Pure.
 *
 * The candidates are fixed first: without `-a` (the CLI sends `dangling=true`) the images without children that
 * have no tag; with `-a` (`dangling=false`) every image, except untagged ones with children (intermediate
 * layers). `until` and `label`/`label!` then apply to each candidate. Each candidate is removed reference by
 * reference, without force and with its parents pruned:
 * - a reference is removed unless it is the image's last one and a container (any state) uses the image: a
 *   multi-tagged image in use loses every reference but its last (in the engine's lexical order);
 * - an image left without references is deleted unless a container uses it or it has children (then it stays,
 *   untagged), and each parent that is left untagged, childless and unused goes with it, up the chain.
 */
import type { PruneFilter } from '../command-line.js';
import type { ContainerInfo, Snapshot } from '../model.js';
import { compareVersions } from './engine-version.js';
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
import { makePlan, type PlanExtra } from './totals.js';
import type { PlanBody, PlannedImage, PlannedUntag } from './types.js';

/** The command fields the planner reads. */
export interface ImagePruneArgs {
  /** `-a`: every unused image, not only dangling ones. */
  readonly all: boolean;
  /** The `--filter` values as given (the CLI adds `dangling` itself, from `-a`). */
  readonly filters: readonly PruneFilter[];
  readonly argv: readonly string[];
  /** The filters the user's docker CLI sent (its `dangling` and pruneFilters included): used as they are. */
  readonly sent?: readonly PruneFilter[];
}

/** `POST /images/prune` accepts these keys (image_prune.go `imagesAcceptedFilters`). */
export const IMAGE_PRUNE_FILTER_KEYS = ['dangling', 'label', 'label!', 'until'] as const;

/**
 * The images step as the engine runs it (./image-removal.ts replays the deletions on every image, intermediate
 * parents included): the images deleted, with the untagged parents they take, and the references removed from
 * images that stay.
 */
export function imagePruneStep(
  snapshot: Pick<Snapshot, 'images'>,
  survivors: readonly ContainerInfo[],
  req: { readonly args: FilterArgs; readonly until: number | null; readonly danglingOnly: boolean },
): { destroy: PlannedImage[]; untag: PlannedUntag[] } {
  const r = pruneImages(snapshot.images, survivors, {
    danglingOnly: req.danglingOnly,
    matches: (img) => matchLabels(req.args, img.labels) && olderThan(req.until, img.created * 1000),
  });
  const deleted = new Set(r.deleted.map((i) => i.id));
  const destroy = r.deleted.map((img) => {
    const parent = img.repoTags.length === 0 && r.deleted.some((c) => c.parentId === img.id);
    const reason = parent
      ? 'untagged parent of a removed image, left without child or container: the engine removes it too'
      : img.repoTags.length === 0
        ? 'dangling image (no tag), unused'
        : 'not used by any container (-a)';
    return { ...plannedImage(snapshot, img), reason };
  });
  const untag = r.untagged
    .filter((u) => !deleted.has(u.image.id))
    .map((u) => untagEntry({ images: snapshot.images, containers: survivors }, survivors, u.image, u.refs, 'prune'));
  return { destroy, untag };
}

/** `GetBoolOrDefault("dangling", true)` (23.0+), or 20.10's `ExactMatch` test: danglingOnly, or the refusal. */
export function danglingOnlyOf(args: FilterArgs, engineVersion: string): { only: boolean } | { refusal: string } {
  const values = [...(args.get('dangling') ?? [])];
  if (values.length === 0) return { only: true };
  const invalid = `invalid filter 'dangling=[${values.sort().join(' ')}]'`;
  if (compareVersions(engineVersion, '23.0.0') < 0) {
    if (values.includes('false') || values.includes('0')) return { only: false };
    if (values.includes('true') || values.includes('1')) return { only: true };
    return { refusal: `Invalid filter 'dangling=[${values.sort().join(' ')}]'` };
  }
  if (values.length > 1) return { refusal: invalid };
  const v = values[0] as string;
  if (['0', 'false', 'False', 'FALSE'].includes(v)) return { only: false };
  if (['1', 'true', 'True', 'TRUE'].includes(v)) return { only: true };
  return { refusal: invalid };
}

/** The filters the CLI sends: the command line's, `dangling` from `-a`, then the config's pruneFilters. */
export function imagePruneFilters(cmd: ImagePruneArgs, config: readonly string[]): PruneFilter[] {
  return mergePruneFilters([...cmd.filters, { key: 'dangling', value: cmd.all ? 'false' : 'true' }], config);
}

/** Parses the filters as the engine does: the args, `until`, danglingOnly, or the engine's refusal. */
export function imagePruneRequest(
  snapshot: Pick<Snapshot, 'engine' | 'takenAt'>,
  filters: readonly PruneFilter[],
): { args: FilterArgs; until: number | null; danglingOnly: boolean } | { refusal: string } {
  const args = toArgs(filters);
  const bad = validateKeys(args, IMAGE_PRUNE_FILTER_KEYS, snapshot.engine.version);
  if (bad) return { refusal: bad };
  const d = danglingOnlyOf(args, snapshot.engine.version);
  if ('refusal' in d) return d;
  const until = untilLimit(args, snapshot.takenAt);
  if ('refusal' in until) return until;
  return { args, until: until.limit, danglingOnly: d.only };
}

export function planImagePrune(snapshot: Snapshot, cmd: ImagePruneArgs, extra: PlanExtra = {}): PlanBody {
  void extra;
  const filters = cmd.sent ? [...cmd.sent] : imagePruneFilters(cmd, snapshot.pruneFilters);
  const fromConfig = cmd.sent ? [] : filters.slice(cmd.filters.length + 1);
  const warnings =
    fromConfig.length > 0 ? [`pruneFilters from the docker CLI config apply: ${describeFilters(fromConfig)}`] : [];
  const req = imagePruneRequest(snapshot, filters);
  if ('refusal' in req) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: `the engine refuses the image prune: Error response from daemon: ${req.refusal}` },
      warnings,
    });
  }
  const out = imagePruneStep(snapshot, snapshot.containers, req);
  return makePlan(snapshot, cmd.argv, { destroy: { images: out.destroy }, untag: out.untag, warnings });
}
