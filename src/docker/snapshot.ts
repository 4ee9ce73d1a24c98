/**
 * One read of the engine for the planner (shared/DESIGN.md "Snapshot → plan"): engine info, every container,
 * volume, network and image, the CLI config's pruneFilters, and inspect of only the containers a command can touch.
 * Then sizes, for the objects of a plan only: writable layer (inspect ?size=1), change count, log bytes (local
 * engines, readable log files), volume bytes (one `GET /system/df`). Unknown stays null, never a guess.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerInfo, Snapshot } from '../core/model.js';
import type { ContainerMeasure, PlanSizes } from '../core/plan/totals.js';
import type { Plan } from '../core/plan/types.js';
import { readCliConfig } from './connection.js';
import type { DockerPort } from './port.js';

export interface SnapshotOptions {
  /** Docker CLI config folder (for `pruneFilters`). */
  readonly configDir: string;
  /**
   * The containers to inspect (mount specs), chosen from the listed ones; `donors` is then applied to each
   * inspected container until no new ID appears (`--volumes-from` chains).
   */
  readonly inspect?: (listed: Pick<Snapshot, 'containers'>) => readonly string[];
  readonly donors?: (listed: Pick<Snapshot, 'containers'>, c: ContainerInfo) => readonly string[];
  readonly signal?: AbortSignal;
  /** Wall clock, for `takenAt` (@default Date.now). */
  readonly now?: () => number;
}

/** Reads one snapshot. Engine errors propagate as DockerError. */
export async function readSnapshot(port: DockerPort, opts: SnapshotOptions): Promise<Snapshot> {
  const signal = opts.signal;
  const engine = await port.engineInfo({ signal });
  const [containers, volumes, networks, images] = await Promise.all([
    port.listContainers({ signal }),
    port.listVolumes({ signal }),
    port.listNetworks({ signal }),
    port.listImages({ signal }),
  ]);
  const pruneFilters = readCliConfig(opts.configDir).pruneFilters ?? [];
  const byId = new Map(containers.map((c) => [c.id, c]));
  const listed = { containers };
  const queue = [...(opts.inspect?.(listed) ?? [])];
  const done = new Set<string>();
  while (queue.length > 0) {
    const batch = [...new Set(queue.splice(0))].filter((id) => !done.has(id));
    const inspected = await Promise.all(batch.map((id) => port.inspectContainer(id, { signal })));
    for (const c of inspected) {
      done.add(c.id);
      byId.set(c.id, c);
      for (const d of opts.donors?.(listed, c) ?? []) if (!done.has(d)) queue.push(d);
    }
  }
  return {
    engine,
    containers: containers.map((c) => byId.get(c.id) ?? c),
    volumes,
    networks,
    images,
    pruneFilters: [...pruneFilters],
    takenAt: (opts.now ?? Date.now)(),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Sum of the log files of a container on this machine, or null when they cannot be read here. */
export function logBytes(host: string, c: ContainerInfo): number | null {
  if (!host.startsWith('unix://') || !c.spec) return null;
  const logPath = c.spec.logPath;
  try {
    if (logPath) {
      // json-file rotates to <id>-json.log.1, .2, … in the same folder.
      const dir = dirname(logPath);
      const base = logPath.slice(dir.length + 1);
      let total = 0;
      for (const f of readdirSync(dir))
        if (f === base || f.startsWith(`${base}.`)) total += statSync(join(dir, f)).size;
      return total;
    }
  } catch {
    // Not readable from here (another user's engine, a remote socket bind-mounted in): unknown.
    return null;
  }
  // A container that never started has no log file at all (LogPath is set at the first start).
  if (c.state === 'created') return 0;
  // `local` and other drivers: LogPath is empty and the data root is not known to lastlook; unknown.
  return null;
}

export interface MeasureOptions {
  readonly signal?: AbortSignal;
  /** Parallel requests. @default 8 */
  readonly concurrency?: number;
}

/**
 * Measures what `plan` destroys or orphans: each destroyed container's writable layer (bytes and change count) and
 * logs, and the volumes of the plan (one `GET /system/df`). Plan again with the result to fill the sizes in.
 */
export async function measurePlan(
  port: DockerPort,
  snapshot: Snapshot,
  plan: Plan,
  opts: MeasureOptions = {},
): Promise<PlanSizes> {
  const signal = opts.signal;
  const containers: Record<string, ContainerMeasure> = {};
  const measured = await mapLimit(plan.destroy.containers, opts.concurrency ?? 8, async (pc) => {
    const [inspected, changes] = await Promise.all([
      port.inspectContainer(pc.id, { signal, size: true }),
      port.containerChanges(pc.id, { signal }),
    ]);
    return {
      id: pc.id,
      m: {
        sizeRw: inspected.sizeRw ?? null,
        changes: changes.length,
        logBytes: logBytes(snapshot.engine.host, inspected),
      },
    };
  });
  for (const { id, m } of measured) containers[id] = m;
  const wanted = [...plan.destroy.volumes, ...plan.orphan.volumes, ...plan.keep.volumes];
  const volumes: Record<string, number> = {};
  if (wanted.length > 0) {
    const sizes = await port.volumeSizes({ signal });
    for (const v of wanted) {
      const n = sizes.get(v.name);
      if (n !== undefined) volumes[v.name] = n;
    }
  }
  return { containers, volumes };
}
