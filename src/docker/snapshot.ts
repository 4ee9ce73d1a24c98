/**
 * One read of the engine for the planner (shared/DESIGN.md "Snapshot → plan"): engine info, every container and
 * volume, networks and images when the command's planner reads them (`snapshotNeeds`), the CLI config's
 * pruneFilters, and inspect of only the containers a command can touch.
 * Then sizes, for the objects of a plan only (`measurePlan`): writable layers, change counts, log bytes (local
 * engines, readable log files), volume bytes. Unknown stays null, never a guess.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SnapshotNeeds } from '../core/families/index.js';
import type { BuildCacheRecord, ContainerInfo, Snapshot } from '../core/model.js';
import { compareVersions } from '../core/plan/engine-version.js';
import { type ContainerMeasure, EXACT_CHANGES_MAX, type PlanSizes } from '../core/plan/totals.js';
import type { Plan } from '../core/plan/types.js';
import { readCliConfig } from './connection.js';
import { isDockerError } from './errors.js';
import type { DiskUsage, DockerPort } from './port.js';

export interface SnapshotOptions {
  /** Docker CLI config folder (for `pruneFilters`). */
  readonly configDir: string;
  /**
   * The containers to inspect (mount specs), chosen from the listed ones; `donors` is then applied to each
   * inspected container until no new ID appears (`--volumes-from` chains).
   */
  readonly inspect?: (listed: Pick<Snapshot, 'containers'>) => readonly string[];
  readonly donors?: (listed: Pick<Snapshot, 'containers'>, c: ContainerInfo) => readonly string[];
  /** What to read besides containers and volumes (see `snapshotNeeds`). @default everything */
  readonly needs?: SnapshotNeeds;
  readonly signal?: AbortSignal;
  /** Wall clock, for `takenAt` (@default Date.now). */
  readonly now?: () => number;
}

export { mergeNeeds, type SnapshotNeeds, snapshotNeeds } from '../core/families/index.js';

interface Prefetched {
  readonly containers: boolean;
  readonly volumes: boolean;
  /** The build cache records come with it (the snapshot reads no second `/system/df`). */
  readonly buildCache: boolean;
  readonly usage: Promise<DiskUsage>;
  readonly dataRoot: Promise<string | null> | null;
}

/** Disk usage read together with a snapshot (SnapshotNeeds.prefetch), for `measurePlan` of that snapshot. */
const prefetched = new WeakMap<Snapshot, Prefetched>();

/**
 * The engine's data root, where container logs are read from, only for an engine on this machine (a unix socket):
 * for any other, the log files are out of reach and `GET /info` would only cost a request (over ssh:// one more
 * round on the shared session).
 */
function localDataRoot(port: DockerPort, host: string, signal: AbortSignal | undefined) {
  return host.startsWith('unix://') && port.dataRoot ? port.dataRoot({ signal }) : null;
}

function startDiskUsage(
  port: DockerPort,
  host: string,
  what: { containers: boolean; volumes: boolean; buildCache: boolean },
  signal: AbortSignal | undefined,
): Prefetched | null {
  if (!port.diskUsage) return null;
  // The containers' sizes come with the container summaries themselves: they are the snapshot's list (see readOnce).
  const usage = port.diskUsage({ ...what, list: what.containers, signal });
  // Container logs are found under the data root: ask for it at the same time.
  const dataRoot = what.containers ? localDataRoot(port, host, signal) : null;
  // Handled here so that a plan that never measures (blocked, or readSnapshot failing first) does not leave an
  // unhandled rejection; `measurePlan` awaits them itself and sees the error.
  usage.catch(() => undefined);
  dataRoot?.catch(() => undefined);
  return { ...what, usage, dataRoot };
}

/** Reads one snapshot. Engine errors propagate as DockerError. */
export async function readSnapshot(port: DockerPort, opts: SnapshotOptions): Promise<Snapshot> {
  const before = port.leftoversRemoved?.() ?? 0;
  const snapshot = await readOnce(port, opts);
  // The run's first container list removed helpers left by a killed run while the other lists were read (which
  // may still have counted them as users of a volume, a network or an image): read everything again, once.
  return (port.leftoversRemoved?.() ?? 0) === before ? snapshot : readOnce(port, opts);
}

async function readOnce(port: DockerPort, opts: SnapshotOptions): Promise<Snapshot> {
  const signal = opts.signal;
  const needs = opts.needs ?? { networks: true, images: true };
  // The lists run together, and the adapter inspects every network at once: each request in flight is one abort
  // listener on `signal`. Lift Node's leak warning (10) for this legitimate fan-out.
  if (signal) setMaxListeners(Math.max(getMaxListeners(signal), 64), signal);
  const engine = await port.engineInfo({ signal });
  // Engines before 23.0 refuse a second disk-usage request while one runs ("a disk usage operation is already
  // running"; 23.0+ share one): a prefetch the plan then does not use (blocked) would still be running there when
  // the user's next `docker system df` or `lastlook plan` comes. On those engines, sizes are read after planning.
  const prefetch = needs.prefetch && compareVersions(engine.version, '23.0.0') >= 0 ? needs.prefetch : null;
  // The container list goes first: the adapter's first list doubles as its sweep of leftover helpers (one request
  // instead of a filtered list plus this one), and the other requests are sent beside it. A prune's disk usage
  // lists every container with the same summaries as `/containers/json` (sizes added): it is the list then, and
  // the engine does not list them twice (~40 ms of its CPU for 500 containers, BENCHMARKS.md "## plan").
  let containersRead = prefetch === 'prune' ? null : port.listContainers({ signal });
  const pre = prefetch
    ? startDiskUsage(
        port,
        engine.host,
        { containers: prefetch === 'prune', volumes: true, buildCache: needs.buildCache === true },
        signal,
      )
    : null;
  // Without the list (a port without disk usage, a leftover removed, the request failed): the list itself.
  containersRead ??= pre
    ? pre.usage.then(
        (u) => (u.list ? [...u.list] : port.listContainers({ signal })),
        () => port.listContainers({ signal }),
      )
    : port.listContainers({ signal });
  // With a prefetch, the build cache comes in the same `/system/df` (one request fewer: over ssh:// each request
  // waits its turn on the one session); a port that does not return it is asked on its own.
  const buildCacheRead = (): Promise<readonly BuildCacheRecord[]> | undefined => {
    if (!needs.buildCache || !port.listBuildCache) return undefined;
    if (pre?.buildCache) return pre.usage.then((u) => u.buildCache ?? port.listBuildCache?.({ signal }) ?? []);
    return port.listBuildCache({ signal });
  };
  const [containers, volumes, networks, images, buildCache] = await Promise.all([
    containersRead,
    port.listVolumes({ signal }),
    // Endpoints come with the container list: /networks is asked once it has answered (no inspect per network).
    needs.networks ? containersRead.then((containers) => port.listNetworks({ signal, containers })) : [],
    needs.images ? port.listImages({ signal }) : [],
    buildCacheRead(),
  ]);
  const pruneFilters = readCliConfig(opts.configDir).pruneFilters ?? [];
  const byId = new Map(containers.map((c) => [c.id, c]));
  const listed = { containers };
  const queue = [...(opts.inspect?.(listed) ?? [])];
  const done = new Set<string>();
  while (queue.length > 0) {
    const batch = [...new Set(queue.splice(0))].filter((id) => !done.has(id));
    // A container removed between the list and its inspect (by anyone) is gone: drop it, never fail the read.
    const inspected = await Promise.all(
      batch.map((id) =>
        port.inspectContainer(id, { signal }).catch((e: unknown) => {
          if (!isDockerError(e, 'not-found')) throw e;
          done.add(id);
          byId.delete(id);
          return null;
        }),
      ),
    );
    for (const c of inspected) {
      if (c === null) continue;
      done.add(c.id);
      byId.set(c.id, c);
      for (const d of opts.donors?.(listed, c) ?? []) if (!done.has(d)) queue.push(d);
    }
  }
  await addDiskSpecs(port, engine.host, byId, done, signal);
  const snapshot: Snapshot = {
    engine,
    containers: containers.flatMap((c) => byId.get(c.id) ?? []),
    volumes,
    networks,
    images,
    ...(buildCache ? { buildCache } : {}),
    pruneFilters: [...pruneFilters],
    takenAt: (opts.now ?? Date.now)(),
  };
  if (pre) prefetched.set(snapshot, pre);
  return snapshot;
}

/**
 * The real mount specs of a container (`MountPoints[dst].Spec.Source` in `<data-root>/containers/<id>/config.v2.json`),
 * or null when the file cannot be read here. The API does not expose them; they decide what `rm -v` removes.
 * The file is the engine's, but read as untrusted: only string fields are taken.
 */
export function readDiskSpecs(dataRoot: string, id: string): Record<string, string> | null {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  try {
    const raw = JSON.parse(readFileSync(join(dataRoot, 'containers', id, 'config.v2.json'), 'utf8')) as unknown;
    const points = (raw as { MountPoints?: unknown })?.MountPoints;
    if (typeof points !== 'object' || points === null) return null;
    const out: Record<string, string> = {};
    for (const [dst, mp] of Object.entries(points as Record<string, unknown>)) {
      const source = (mp as { Spec?: { Source?: unknown } } | null)?.Spec?.Source;
      out[dst] = typeof source === 'string' ? source : '';
    }
    return out;
  } catch {
    // Not readable from here (remote engine, another user's data root): the planner infers or says "unknown".
    return null;
  }
}

/**
 * For the inspected containers whose mount specs the API cannot tell (a `--volumes-from` donor, an image that is
 * gone), the specs from the engine's own files, when the engine is local and its data root readable.
 */
async function addDiskSpecs(
  port: DockerPort,
  host: string,
  byId: Map<string, ContainerInfo>,
  inspected: ReadonlySet<string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const wanted = [...inspected]
    .map((id) => byId.get(id))
    .filter((c): c is ContainerInfo => !!c?.spec && (c.spec.volumesFrom.length > 0 || c.spec.imageVolumes === null));
  if (wanted.length === 0 || !host.startsWith('unix://') || !port.dataRoot) return;
  const root = await port.dataRoot({ signal }).catch(() => null);
  if (!root) return;
  for (const c of wanted) {
    const diskSpecs = readDiskSpecs(root, c.id);
    if (diskSpecs && c.spec) byId.set(c.id, { ...c, spec: { ...c.spec, diskSpecs } });
  }
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
  /** See EXACT_CHANGES_MAX. @default EXACT_CHANGES_MAX */
  readonly exactChangesMax?: number;
}

/**
 * Bytes of the log files the engine keeps for a container under its data root (`<root>/containers/<id>/`):
 * json-file logs with their rotations (`<id>-json.log`, `.1`, …) and the `local` driver's `local-logs/`. The whole
 * folder goes with the container. Null when the folder cannot be read from here (remote engine, no permission).
 */
export function containerDirLogBytes(host: string, dataRoot: string | null, id: string): number | null {
  if (!host.startsWith('unix://') || !dataRoot) return null;
  const dir = join(dataRoot, 'containers', id);
  try {
    let total = 0;
    for (const f of readdirSync(dir)) {
      if (f === `${id}-json.log` || f.startsWith(`${id}-json.log.`)) total += statSync(join(dir, f)).size;
      else if (f === 'local-logs') {
        for (const l of readdirSync(join(dir, f))) total += statSync(join(dir, f, l)).size;
      }
    }
    return total;
  } catch {
    // Not readable from here (another user's engine, a socket forwarded from a VM): unknown.
    return null;
  }
}

/**
 * Measures what `plan` destroys or orphans: each destroyed container's writable layer (bytes and change count) and
 * logs, and the volumes of the plan. Plan again with the result to fill the sizes in.
 *
 * Requests: writable layers and volumes come from ONE `GET /system/df` (the work of `docker system df -v`) when it
 * was read with the snapshot (prunes) or when more than EXACT_CHANGES_MAX containers are destroyed; otherwise each
 * destroyed container gets an inspect `?size=1` (walking only its own layer, not every container's) and the
 * volumes `/system/df?type=volume`. Change counts: one `/changes` per container up to EXACT_CHANGES_MAX, none
 * above (null; the planner adds the warning, core/plan/totals.ts). Logs: the data root once (`GET /info`).
 */
export async function measurePlan(
  port: DockerPort,
  snapshot: Snapshot,
  plan: Plan,
  opts: MeasureOptions = {},
): Promise<PlanSizes> {
  const signal = opts.signal;
  const concurrency = opts.concurrency ?? 8;
  // Every request in flight adds an abort listener to the caller's signal (two per container here, plus the
  // snapshot's own): lift Node's leak warning above what this fan-out legitimately uses.
  if (signal) setMaxListeners(Math.max(getMaxListeners(signal), 2 * concurrency + 16), signal);
  const destroyed = plan.destroy.containers;
  const wanted = [...plan.destroy.volumes, ...plan.orphan.volumes, ...plan.keep.volumes];
  const exact = destroyed.length <= (opts.exactChangesMax ?? EXACT_CHANGES_MAX);
  const pre = prefetched.get(snapshot);
  // Writable layers from /system/df when it was read with the snapshot, or when there are too many containers
  // for one inspect `?size=1` each; volumes from it whenever the plan names any.
  const need = { containers: destroyed.length > 0 && (!exact || pre?.containers === true), volumes: wanted.length > 0 };
  const covered = pre && (!need.containers || pre.containers) && (!need.volumes || pre.volumes);
  const [usage, dataRoot] = await Promise.all([
    covered ? pre.usage : need.containers || need.volumes ? (port.diskUsage?.({ signal, ...need }) ?? null) : null,
    destroyed.length === 0 ? null : (pre?.dataRoot ?? localDataRoot(port, snapshot.engine.host, signal)),
  ]);
  const volumes: Record<string, number> = {};
  const volumeSizes = usage?.volumes ?? (wanted.length > 0 ? await port.volumeSizes({ signal }) : new Map());
  for (const v of wanted) {
    const n = volumeSizes.get(v.name);
    if (n !== undefined) volumes[v.name] = n;
  }
  const host = snapshot.engine.host;
  const layers = need.containers && usage ? usage.containers : null;
  const containers: Record<string, ContainerMeasure> = {};
  const measured = await mapLimit(destroyed, concurrency, async (pc) => {
    // A container removed since the snapshot (by anyone) cannot be measured: its figures stay unknown (null), the
    // plan is not failed for it (a plan on a busy engine hit "No such container" here).
    const gone = <T>(read: Promise<T>): Promise<T | null> =>
      read.catch((e: unknown) => {
        if (isDockerError(e, 'not-found')) return null;
        throw e;
      });
    const [inspected, changes] = await Promise.all([
      layers ? null : gone(port.inspectContainer(pc.id, { signal, size: true })),
      exact ? gone(port.containerChanges(pc.id, { signal })) : null,
    ]);
    const m: ContainerMeasure = {
      sizeRw: (layers ? layers.get(pc.id) : inspected?.sizeRw) ?? null,
      changes: changes ? changes.length : null,
      // A container that never started has no log file at all (LogPath is set at the first start): no need to look,
      // on a local or a remote (ssh://, tcp://) engine alike.
      logBytes:
        pc.state === 'created'
          ? 0
          : (containerDirLogBytes(host, dataRoot, pc.id) ?? (inspected ? logBytes(host, inspected) : null)),
    };
    return { id: pc.id, m };
  });
  for (const { id, m } of measured) containers[id] = m;
  return { containers, volumes };
}
