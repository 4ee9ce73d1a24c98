/**
 * Shared pieces of every planner: the measured sizes a plan is built with, the PlannedContainer shape, and the
 * final Plan value with its totals. Pure.
 */
import { sortByName } from '../collate.js';
import { COMPOSE_LABELS, type ContainerInfo, type Snapshot } from '../model.js';
import { engineRules } from './engine-rules.js';
import {
  PLAN_SCHEMA,
  type Plan,
  type PlanBody,
  type PlannedContainer,
  type PlannedNetwork,
  type PlannedUntag,
  type PlannedVolume,
} from './types.js';

/** What was measured for one container of a plan; null = could not be known. */
export interface ContainerMeasure {
  /** `SizeRw` from inspect `?size=1`. */
  readonly sizeRw: number | null;
  /** Number of entries of `GET /containers/{id}/changes`; null when not read (see EXACT_CHANGES_MAX). */
  readonly changes: number | null;
  /** Bytes of the log files on disk (json-file LogPath, or local-logs/), when the engine is local and readable. */
  readonly logBytes: number | null;
}

/**
 * Above this many destroyed containers a plan carries no change counts (`writableLayer.changes: null`) and says so
 * in a warning. `GET /containers/{id}/changes` walks the whole writable layer (and mounts it for a container that
 * never started): about 35-45 ms each on the benchmark machine, so 50 of them at 8 in flight cost about 0.25 s,
 * the time of one `docker system df -v` on 500 containers. 50 covers `docker rm` and any ordinary Compose project;
 * beyond it (a prune of hundreds of stopped containers) the counts would cost more than the rest of the preview.
 * Null means "not read", never a guess; `lastlook diff <name>` gives the paths.
 */
export const EXACT_CHANGES_MAX = 50;

/** Sizes of the objects in a plan, measured after a first sizeless plan (src/docker/snapshot.ts `measurePlan`). */
export interface PlanSizes {
  readonly containers: Readonly<Record<string, ContainerMeasure>>;
  /** Volume name → bytes (`GET /system/df`). Absent: not measurable (options, other drivers) or not measured. */
  readonly volumes: Readonly<Record<string, number>>;
}

/** Inputs besides the snapshot and the parsed command. Compose planning may add its own optional fields. */
export interface PlanExtra {
  readonly sizes?: PlanSizes;
}

export function plannedContainer(c: ContainerInfo, reason: string, sizes: PlanSizes | undefined): PlannedContainer {
  const m = sizes?.containers[c.id];
  const project = c.labels[COMPOSE_LABELS.project];
  const service = c.labels[COMPOSE_LABELS.service];
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    writableLayer: { bytes: m?.sizeRw ?? null, changes: m?.changes ?? null },
    logs: { bytes: m?.logBytes ?? null },
    reason,
    ...(project !== undefined ? { project, service: service ?? null } : {}),
  };
}

export interface PlanParts {
  readonly blocked?: { readonly reason: string } | null;
  readonly destroy?: Partial<Plan['destroy']>;
  readonly orphan?: Partial<Plan['orphan']>;
  readonly untag?: readonly PlannedUntag[];
  readonly keep?: Partial<Plan['keep']>;
  readonly warnings?: readonly string[];
}

const byName = <T extends { readonly name: string }>(items: readonly T[] | undefined) =>
  sortByName(items ?? [], (x) => x.name);
const byId = <T extends { readonly id: string }>(items: readonly T[] | undefined) =>
  sortByName(items ?? [], (x) => x.id);

/** Assembles a Plan: sorted lists, totals, and an empty `destroy` when blocked. */
export function makePlan(snapshot: Snapshot, command: readonly string[], parts: PlanParts): PlanBody {
  const blocked = parts.blocked ?? null;
  const destroy = {
    containers: blocked ? [] : byName(parts.destroy?.containers),
    volumes: blocked ? [] : byName(parts.destroy?.volumes),
    networks: blocked ? [] : byName(parts.destroy?.networks),
    images: blocked ? [] : byId(parts.destroy?.images),
    ...(parts.destroy?.buildCache ? { buildCache: blocked ? [] : byId(parts.destroy.buildCache) } : {}),
  };
  const orphan = { volumes: blocked ? [] : byName(parts.orphan?.volumes) };
  const untag = blocked ? [] : byId(parts.untag);
  const keep = {
    containers: byName(parts.keep?.containers),
    volumes: byName(parts.keep?.volumes),
    networks: byName(parts.keep?.networks),
  };
  const rules = engineRules(snapshot.engine);
  return {
    schema: PLAN_SCHEMA,
    command: [...command],
    engine: {
      host: snapshot.engine.host,
      version: snapshot.engine.version,
      apiVersion: snapshot.engine.apiVersion,
      kind: rules.kind,
      name: rules.name,
    },
    blocked,
    destroy,
    orphan,
    ...(untag.length > 0 ? { untag } : {}),
    keep,
    warnings: [...new Set([...(parts.warnings ?? []), ...changesWarning(destroy.containers)])],
    totals: totals(destroy),
  };
}

/**
 * The plan with measured sizes filled in: the same as planning again with `extra.sizes` (sizes only ever fill
 * `bytes` and change counts; no fate depends on them), without running the planner a second time.
 */
export function applySizes<P extends PlanBody>(plan: P, sizes: PlanSizes): P {
  const container = (c: PlannedContainer): PlannedContainer => {
    const m = sizes.containers[c.id];
    if (!m) return c;
    return { ...c, writableLayer: { bytes: m.sizeRw, changes: m.changes }, logs: { bytes: m.logBytes } };
  };
  const volume = (v: PlannedVolume): PlannedVolume => {
    const bytes = sizes.volumes[v.name];
    return bytes === undefined ? v : { ...v, bytes };
  };
  const destroy = {
    ...plan.destroy,
    containers: plan.destroy.containers.map(container),
    volumes: plan.destroy.volumes.map(volume),
  };
  const changed = new Set(changesWarning(plan.destroy.containers));
  return {
    ...plan,
    destroy,
    orphan: { volumes: plan.orphan.volumes.map(volume) },
    keep: { ...plan.keep, containers: plan.keep.containers.map(container), volumes: plan.keep.volumes.map(volume) },
    warnings: [...new Set([...plan.warnings.filter((w) => !changed.has(w)), ...changesWarning(destroy.containers)])],
    totals: totals(destroy),
  };
}

/** The warning for change counts not read because more than EXACT_CHANGES_MAX containers are destroyed. */
function changesWarning(containers: readonly PlannedContainer[]): string[] {
  if (containers.length <= EXACT_CHANGES_MAX) return [];
  if (!containers.some((c) => c.writableLayer.changes === null)) return [];
  return [
    `change counts were not read for more than ${EXACT_CHANGES_MAX} containers (${containers.length} destroyed): writableLayer.changes is null; lastlook diff <name> gives them`,
  ];
}

/** Exact sum of the known sizes of everything destroyed, and how many sizes are unknown. */
export function totals(destroy: Plan['destroy']): Plan['totals'] {
  let bytes = 0;
  let unknown = 0;
  const add = (n: number | null) => {
    if (n === null) unknown++;
    else bytes += n;
  };
  for (const c of destroy.containers) {
    add(c.writableLayer.bytes);
    add(c.logs.bytes);
  }
  for (const v of destroy.volumes) add(v.bytes);
  for (const i of destroy.images) add(i.bytes);
  for (const b of destroy.buildCache ?? []) add(b.bytes);
  return { bytes, unknown };
}

export type { PlannedContainer, PlannedNetwork, PlannedVolume };
