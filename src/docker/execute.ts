/**
 * Carries out a Plan: exactly the objects it lists, by ID, through the Engine API — never by re-running the
 * docker command (a prune run now could take more than was shown). Before touching anything the engine is read
 * again and the plan recomputed; any difference is drift and nothing is done.
 */
import { comparePlans, type DriftItem } from '../core/drift.js';
import { familyByKind } from '../core/families/index.js';
import type { Plan } from '../core/plan/types.js';
import { DockerError } from './errors.js';
import type { DockerPort } from './port.js';

export interface ExecutionStep {
  /** `untag`: one reference removed from an image that stays (`id` is the reference). */
  readonly kind: 'container' | 'volume' | 'network' | 'image' | 'untag' | 'build-cache';
  readonly id: string;
  readonly name: string;
}

export interface ExecutionProgress {
  readonly done: number;
  readonly total: number;
  readonly step: ExecutionStep;
  readonly status: 'removing' | 'removed' | 'failed';
  readonly error?: string;
}

export interface ExecutionReport {
  /** Objects the engine no longer has, read back after the run. */
  readonly removed: readonly ExecutionStep[];
  /** Planned objects that are still there, with the engine's error when it gave one. */
  readonly failed: readonly (ExecutionStep & { readonly error: string })[];
}

/**
 * The execution stopped before its end: Ctrl+C / SIGTERM (the signal), or the engine went away. `report` is what
 * the engine held when read back afterwards (null when it could not be read: the engine is gone); `pending` lists
 * the steps never attempted.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(
    readonly why: string,
    readonly steps: readonly ExecutionStep[],
    readonly report: ExecutionReport | null,
    readonly readBackError: string | null,
  ) {
    super(`the execution was interrupted (${why})`);
  }
}

export class DriftError extends Error {
  override readonly name = 'DriftError';
  constructor(readonly items: readonly DriftItem[]) {
    super(`the engine changed since the preview (${items.length} difference${items.length === 1 ? '' : 's'})`);
  }
}

export interface ExecuteOptions {
  /** Recomputes the plan from a fresh snapshot (the same command line). */
  readonly recompute: (signal?: AbortSignal) => Promise<Plan>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ExecutionProgress) => void;
  /** Grace period for containers stopped before removal (compose down). @default each container's own */
  readonly stopTimeout?: number;
}

/**
 * The plan's images, each child before its parent: an image with a child cannot be removed, and the engine's
 * prune removes a child first and then the parent it leaves without children.
 */
function childFirst(
  images: Plan['destroy']['images'],
  parents: ReadonlyMap<string, string>,
): Plan['destroy']['images'] {
  const listed = new Set(images.map((i) => i.id));
  const depth = (id: string): number => {
    let d = 0;
    for (let p = parents.get(id); p && listed.has(p) && d < listed.size; p = parents.get(p)) d++;
    return d;
  };
  // Deeper (more ancestors among the listed) first; ties keep the plan's order.
  return images
    .map((img, index) => ({ img, index, depth: depth(img.id) }))
    .sort((a, b) => b.depth - a.depth || a.index - b.index)
    .map((x) => x.img);
}

/**
 * The steps of a plan in the engine's order: containers, then networks, volumes, the references removed from images
 * that stay, and images (children first).
 */
export function executionSteps(plan: Plan, imageParents: ReadonlyMap<string, string> = new Map()): ExecutionStep[] {
  return [
    ...plan.destroy.containers.map((c) => ({ kind: 'container' as const, id: c.id, name: c.name })),
    ...plan.destroy.networks.map((n) => ({ kind: 'network' as const, id: n.id, name: n.name })),
    ...plan.destroy.volumes.map((v) => ({ kind: 'volume' as const, id: v.name, name: v.name })),
    ...(plan.untag ?? []).flatMap((u) => u.refs.map((ref) => ({ kind: 'untag' as const, id: ref, name: ref }))),
    ...childFirst(plan.destroy.images, imageParents).map((i) => ({
      kind: 'image' as const,
      id: i.id,
      name: i.tags[0] ?? i.id,
    })),
    ...(plan.destroy.buildCache ?? []).map((b) => ({
      kind: 'build-cache' as const,
      id: b.id,
      name: `build cache ${b.id.slice(0, 12)}`,
    })),
  ];
}

/**
 * Removes a planned image the way the engine's prune does: each reference (tag) in turn, which removes the image
 * with its last one, then by ID if it is still there (an image without tags). Never the parents: `noprune`, so no
 * image the plan did not list goes (the plan lists the parents a prune takes with it).
 */
async function removeImageLikePrune(port: DockerPort, image: Plan['destroy']['images'][number], signal?: AbortSignal) {
  // A reference already gone with an earlier one, or moved away: the ID decides at the end.
  for (const ref of image.tags) await removeIgnoringGone(port, ref, signal);
  await removeIgnoringGone(port, image.id, signal);
}

/** `DELETE /images/{ref}?noprune=1`; an image or reference that is already gone is fine. */
async function removeIgnoringGone(port: DockerPort, ref: string, signal?: AbortSignal): Promise<void> {
  try {
    await port.removeImage(ref, { noprune: true, signal });
  } catch (e) {
    if (!(e instanceof DockerError && e.kind === 'not-found')) throw e;
  }
}

/** True when the error means the execution cannot go on: our own signal, or the engine is gone. */
function isInterruption(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return e instanceof DockerError && (e.kind === 'aborted' || e.kind === 'unreachable');
}

/** Reads the engine back after an interruption, with a fresh deadline (the run's own signal is spent). */
async function interrupted(
  port: DockerPort,
  steps: readonly ExecutionStep[],
  errors: ReadonlyMap<string, string>,
  cause: unknown,
  signal?: AbortSignal,
): Promise<InterruptedError> {
  const why =
    signal?.aborted && signal.reason instanceof Error
      ? signal.reason.message
      : cause instanceof Error
        ? cause.message
        : String(cause);
  try {
    const report = await readBack(port, steps, errors, AbortSignal.timeout(15_000));
    return new InterruptedError(why, steps, report, null);
  } catch (e) {
    return new InterruptedError(why, steps, null, e instanceof Error ? e.message : String(e));
  }
}

export async function executePlan(port: DockerPort, shown: Plan, opts: ExecuteOptions): Promise<ExecutionReport> {
  if (shown.blocked) throw new DockerError('conflict', `nothing to do: ${shown.blocked.reason}`);
  const fresh = await opts.recompute(opts.signal);
  const drift = comparePlans(shown, fresh);
  if (drift.length > 0) throw new DriftError(drift);

  const parents = new Map<string, string>();
  if (shown.destroy.images.length > 1) {
    for (const i of await port.listImages({ signal: opts.signal })) if (i.parentId) parents.set(i.id, i.parentId);
  }
  const steps = executionSteps(shown, parents);
  const errors = new Map<string, string>();
  try {
    await runSteps(port, shown, steps, errors, opts);
  } catch (e) {
    if (isInterruption(e, opts.signal)) throw await interrupted(port, steps, errors, e, opts.signal);
    throw e;
  }
  return readBack(port, steps, errors, opts.signal);
}

async function runSteps(
  port: DockerPort,
  shown: Plan,
  steps: readonly ExecutionStep[],
  errors: Map<string, string>,
  opts: ExecuteOptions,
): Promise<void> {
  if (familyByKind(shown.kind).stopsFirst) {
    // compose down stops the containers first (their stop signal, then SIGKILL after their own stop timeout),
    // in parallel as Compose does within a service; the removals below then find them stopped.
    const running = shown.destroy.containers.filter((c) => c.state === 'running');
    await Promise.all(
      running.map(async (c) => {
        try {
          await port.stopContainer(c.id, {
            signal: opts.signal,
            ...(opts.stopTimeout !== undefined ? { timeout: opts.stopTimeout } : {}),
          });
        } catch (e) {
          if (isInterruption(e, opts.signal)) throw e;
          // The forced removal below still takes it; its error, if any, is what the report shows.
        }
      }),
    );
  }
  let done = 0;
  // The plan's build cache records go in one request (BuildKit orders them), made at the first of their steps.
  let cachePruned: Promise<unknown> | null = null;
  for (const step of steps) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.({ done, total: steps.length, step, status: 'removing' });
    try {
      // An interruption takes effect between removals, never inside one: an aborted DELETE may still complete on
      // the engine after the read-back, which would then report as present an object that is going.
      const signal = undefined;
      switch (step.kind) {
        case 'container': {
          const c = shown.destroy.containers.find((x) => x.id === step.id);
          const live = c?.state === 'running' || c?.state === 'paused' || c?.state === 'restarting';
          // Volumes are never removed implicitly (no `v`): the plan lists each one, removed below by name.
          await port.removeContainer(step.id, { force: live, volumes: false, signal });
          break;
        }
        case 'network':
          await port.removeNetwork(step.id, { signal });
          break;
        case 'volume':
          await port.removeVolume(step.id, { signal });
          break;
        case 'untag':
          // The image keeps another reference, a child or a container: this removes the reference only.
          await removeIgnoringGone(port, step.id, signal);
          break;
        case 'image': {
          const image = shown.destroy.images.find((i) => i.id === step.id);
          if (image) await removeImageLikePrune(port, image, signal);
          break;
        }
        case 'build-cache':
          if (!port.removeBuildCache)
            throw new DockerError('bad-request', 'this engine port cannot remove build cache');
          cachePruned ??= port.removeBuildCache(
            steps.filter((s) => s.kind === 'build-cache').map((s) => s.id),
            { signal },
          );
          await cachePruned;
          break;
      }
      done++;
      opts.onProgress?.({ done, total: steps.length, step, status: 'removed' });
    } catch (e) {
      if (isInterruption(e, opts.signal)) throw e;
      const message = e instanceof Error ? e.message : String(e);
      errors.set(`${step.kind}:${step.id}`, message);
      done++;
      opts.onProgress?.({ done, total: steps.length, step, status: 'failed', error: message });
    }
  }
}

/** Reads the engine back: what is really gone, and what is still there. */
export async function readBack(
  port: DockerPort,
  steps: readonly ExecutionStep[],
  errors: ReadonlyMap<string, string> = new Map(),
  signal?: AbortSignal,
): Promise<ExecutionReport> {
  const cache = steps.some((s) => s.kind === 'build-cache') && port.listBuildCache;
  const [containers, volumes, networks, images, buildCache] = await Promise.all([
    port.listContainers({ signal }),
    port.listVolumes({ signal }),
    port.listNetworks({ signal }),
    port.listImages({ signal }),
    cache ? port.listBuildCache?.({ signal }) : undefined,
  ]);
  const present = new Set([
    ...containers.map((c) => `container:${c.id}`),
    ...volumes.map((v) => `volume:${v.name}`),
    ...networks.map((n) => `network:${n.id}`),
    ...images.map((i) => `image:${i.id}`),
    ...images.flatMap((i) => [...i.repoTags, ...(i.repoDigests ?? [])].map((ref) => `untag:${ref}`)),
    ...(buildCache ?? []).map((b) => `build-cache:${b.id}`),
  ]);
  const removed: ExecutionStep[] = [];
  const failed: (ExecutionStep & { error: string })[] = [];
  for (const s of steps) {
    const key = `${s.kind}:${s.id}`;
    if (present.has(key)) failed.push({ ...s, error: errors.get(key) ?? 'still present after removal' });
    else removed.push(s);
  }
  return { removed, failed };
}
