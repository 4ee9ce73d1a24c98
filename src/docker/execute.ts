/**
 * Carries out a Plan: exactly the objects it lists, by ID, through the Engine API — never by re-running the
 * docker command (a prune run now could take more than was shown). Before touching anything the engine is read
 * again and the plan recomputed; any difference is drift and nothing is done.
 */
import { comparePlans, type DriftItem } from '../core/drift.js';
import type { Plan } from '../core/plan/types.js';
import { DockerError } from './errors.js';
import type { DockerPort } from './port.js';

export interface ExecutionStep {
  readonly kind: 'container' | 'volume' | 'network' | 'image';
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

/** The steps of a plan in the engine's order: containers, then networks, volumes and images. */
export function executionSteps(plan: Plan): ExecutionStep[] {
  return [
    ...plan.destroy.containers.map((c) => ({ kind: 'container' as const, id: c.id, name: c.name })),
    ...plan.destroy.networks.map((n) => ({ kind: 'network' as const, id: n.id, name: n.name })),
    ...plan.destroy.volumes.map((v) => ({ kind: 'volume' as const, id: v.name, name: v.name })),
    ...plan.destroy.images.map((i) => ({ kind: 'image' as const, id: i.id, name: i.tags[0] ?? i.id })),
  ];
}

function isComposeDown(plan: Plan): boolean {
  const words = plan.command;
  return words.includes('down') && (words.includes('compose') || words[0] === 'docker-compose');
}

export async function executePlan(port: DockerPort, shown: Plan, opts: ExecuteOptions): Promise<ExecutionReport> {
  if (shown.blocked) throw new DockerError('conflict', `nothing to do: ${shown.blocked.reason}`);
  const fresh = await opts.recompute(opts.signal);
  const drift = comparePlans(shown, fresh);
  if (drift.length > 0) throw new DriftError(drift);

  const steps = executionSteps(shown);
  const errors = new Map<string, string>();
  if (isComposeDown(shown)) {
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
          if (e instanceof DockerError && e.kind === 'aborted') throw e;
          // The forced removal below still takes it; its error, if any, is what the report shows.
        }
      }),
    );
  }
  let done = 0;
  for (const step of steps) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.({ done, total: steps.length, step, status: 'removing' });
    try {
      const signal = opts.signal;
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
        case 'image':
          await port.removeImage(step.id, { signal });
          break;
      }
      done++;
      opts.onProgress?.({ done, total: steps.length, step, status: 'removed' });
    } catch (e) {
      if (e instanceof DockerError && e.kind === 'aborted') throw e;
      const message = e instanceof Error ? e.message : String(e);
      errors.set(`${step.kind}:${step.id}`, message);
      done++;
      opts.onProgress?.({ done, total: steps.length, step, status: 'failed', error: message });
    }
  }
  return readBack(port, steps, errors, opts.signal);
}

/** Reads the engine back: what is really gone, and what is still there. */
export async function readBack(
  port: DockerPort,
  steps: readonly ExecutionStep[],
  errors: ReadonlyMap<string, string> = new Map(),
  signal?: AbortSignal,
): Promise<ExecutionReport> {
  const [containers, volumes, networks, images] = await Promise.all([
    port.listContainers({ signal }),
    port.listVolumes({ signal }),
    port.listNetworks({ signal }),
    port.listImages({ signal }),
  ]);
  const present = new Set([
    ...containers.map((c) => `container:${c.id}`),
    ...volumes.map((v) => `volume:${v.name}`),
    ...networks.map((n) => `network:${n.id}`),
    ...images.map((i) => `image:${i.id}`),
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
