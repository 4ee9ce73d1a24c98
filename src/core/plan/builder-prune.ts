/**
 * `docker builder prune [-a] [--filter …]` and the build cache step of `docker system prune`, as the engine's
 * BuildKit does it (moby builder/builder-next/builder.go `Prune` + `toBuildkitPruneInfo`, BuildKit
 * cache/manager.go `prune`, 20.10.24 to 28.5.2). Pure.
 *
 * - Accepted filter keys: `until` (or its old name `unused-for`, not both), `label`/`label!` (accepted and
 *   IGNORED: a TODO in moby), and the record fields `id` (regular expression), `parent`, `type`, `description`,
 *   `inuse`, `shared`, `private`, each with at most one value.
 * - A record goes when nothing holds it (not in use, and its child records are gone: the prune repeats until
 *   nothing more goes, so a chain goes from its leaf up), when `-a` or it is neither `internal`, `frontend` nor
 *   shared with an image's layers, when it was last used before `until`, and when it matches the field filters.
 */
import type { PruneFilter } from '../command-line.js';
import type { BuildCacheRecord, Snapshot } from '../model.js';
import { engineRules } from './engine-rules.js';
import { describeFilters, type FilterArgs, mergePruneFilters, parseUntil, toArgs, validateKeys } from './filters.js';
import { makePlan, type PlanExtra } from './totals.js';
import type { PlanBody, PlannedBuildCache } from './types.js';

export interface BuilderPruneArgs {
  /** `-a`: internal, frontend and image-shared records too. */
  readonly all: boolean;
  readonly filters: readonly PruneFilter[];
  readonly argv: readonly string[];
  /**
   * Who sends the prune: `engine` — the docker CLI's own `builder prune` (`POST /build/prune`, moby translates the
   * filters); `buildx` — the buildx plugin, which the docker CLI runs for `builder prune` when it is installed and
   * which hands the filters to BuildKit itself (over `/grpc`). @default engine
   */
  readonly via?: 'engine' | 'buildx';
}

/** The record fields a filter can name (builder.go `cacheFields`, the exposed ones). */
const FIELDS = ['id', 'type', 'description', 'inuse', 'shared', 'private'] as const;
export const BUILD_PRUNE_FILTER_KEYS = ['until', 'unused-for', 'label', 'label!', 'parent', ...FIELDS] as const;

/** What BuildKit is asked: all, the until cut-off (unix ms, null: none) and the field tests. */
export interface BuildPruneRequest {
  readonly all: boolean;
  readonly cutoff: number | null;
  readonly fields: ReadonlyMap<string, string | null>;
  /** A filter BuildKit cannot match on any record (buildx passes `label`, unknown keys, … as they are). */
  readonly matchesNothing?: string;
}

/** `toBuildkitPruneInfo`: the request, or the engine's refusal. */
export function buildPruneRequest(
  engineVersion: string,
  all: boolean,
  args: FilterArgs,
  nowMs: number,
  via: 'engine' | 'buildx' = 'engine',
): BuildPruneRequest | { refusal: string } {
  // buildx validates nothing: every other key reaches BuildKit as `key==value`, which no record has.
  const bad = via === 'engine' ? validateKeys(args, BUILD_PRUNE_FILTER_KEYS, engineVersion) : null;
  if (bad) return { refusal: bad };
  const foreign = [...args.keys()].filter(
    (k) =>
      k === 'parent' ||
      (via === 'buildx' && !(BUILD_PRUNE_FILTER_KEYS as readonly string[]).includes(k)) ||
      (via === 'buildx' && (k === 'label' || k === 'label!')),
  );
  const until = [...(args.get('until') ?? [])];
  const unusedFor = [...(args.get('unused-for') ?? [])];
  if (until.length > 0 && unusedFor.length > 0) {
    return { refusal: 'conflicting filters: "until" and "unused-for"' };
  }
  const key = unusedFor.length > 0 ? 'unused-for' : 'until';
  const values = [...until, ...unusedFor];
  if (values.length > 1) return { refusal: 'filters expect only one value' };
  let cutoff: number | null = null;
  if (values.length === 1) {
    const t = parseUntil(values[0] as string, nowMs);
    if (t === null) {
      return {
        refusal: `"${key}" filter expects a duration (e.g., '24h') or a timestamp: failed to parse value as time or duration: "${values[0]}"`,
      };
    }
    // KeepDuration = time.Since(until): a zero duration (until = now) means no cut-off at all.
    cutoff = t >= nowMs ? null : t;
  }
  const fields = new Map<string, string | null>();
  for (const f of FIELDS) {
    const vs = [...(args.get(f) ?? [])];
    if (vs.length > 1) return { refusal: 'filters expect only one value' };
    if (args.has(f)) fields.set(f, vs[0] ?? null);
  }
  const nothing = foreign[0];
  return { all, cutoff, fields, ...(nothing !== undefined ? { matchesNothing: nothing } : {}) };
}

/** BuildKit's filter adaptor for one record as the prune sees it (never in use; shared only when not `-a`). */
function matchesFields(r: BuildCacheRecord, fields: ReadonlyMap<string, string | null>, all: boolean): boolean {
  // 26.1.5 asks the image store about sharing only without -a; 28.5.2 always, but -a ignores it. A `shared` or
  // `private` filter under -a is then read on 26.1.5 as "not shared".
  const shared = r.shared && !all;
  for (const [field, value] of fields) {
    switch (field) {
      case 'id':
        if (value !== null && !safeRegex(value).test(r.id)) return false;
        break;
      case 'type':
        if (value !== null && r.type !== value) return false;
        break;
      case 'description':
        if (value !== null && r.description !== value) return false;
        break;
      case 'inuse':
        return false;
      case 'shared':
        if (!shared) return false;
        break;
      case 'private':
        if (shared) return false;
        break;
    }
  }
  return true;
}

function safeRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    return /(?!)/;
  }
}

function reasonFor(r: BuildCacheRecord, all: boolean): string {
  if (all) return `${r.type} build cache, unused (-a)`;
  return `${r.type} build cache, unused and not shared with an image`;
}

/**
 * The records `POST /build/prune` removes, in the order the engine removes them (leaves first), with the reason
 * each of the others stays.
 */
export function simulateBuildPrune(
  records: readonly BuildCacheRecord[],
  req: BuildPruneRequest,
): { removed: BuildCacheRecord[]; kept: Map<string, string> } {
  const left = new Map(records.map((r) => [r.id, r]));
  const removed: BuildCacheRecord[] = [];
  const kept = new Map<string, string>();
  if (req.matchesNothing !== undefined) {
    for (const r of records) kept.set(r.id, `no record has the field ${req.matchesNothing}`);
    return { removed, kept };
  }
  for (;;) {
    const hasChild = new Set<string>();
    for (const r of left.values()) for (const p of r.parents) hasChild.add(p);
    const round: BuildCacheRecord[] = [];
    for (const r of left.values()) {
      if (r.inUse) kept.set(r.id, 'in use');
      else if (hasChild.has(r.id)) kept.set(r.id, 'a record built on it stays');
      else if (!req.all && (r.type === 'internal' || r.type === 'frontend')) kept.set(r.id, `${r.type}: only -a`);
      else if (!req.all && r.shared) kept.set(r.id, 'shared with an image: only -a');
      else if (req.cutoff !== null && r.lastUsedAt !== null && Date.parse(r.lastUsedAt) > req.cutoff) {
        kept.set(r.id, 'used after the until filter');
      } else if (!matchesFields(r, req.fields, req.all)) kept.set(r.id, 'does not match the filters');
      else round.push(r);
    }
    if (round.length === 0) break;
    for (const r of round) {
      left.delete(r.id);
      kept.delete(r.id);
      removed.push(r);
    }
  }
  return { removed, kept };
}

export function plannedBuildCache(r: BuildCacheRecord, reason: string): PlannedBuildCache {
  return { id: r.id, type: r.type, description: r.description, bytes: r.size, reason };
}

/** The build cache step: planned records or the engine's refusal; `records` absent means not read. */
export function buildCacheStep(
  snapshot: Pick<Snapshot, 'engine' | 'takenAt' | 'buildCache'>,
  all: boolean,
  filters: readonly PruneFilter[],
  via: 'engine' | 'buildx' = 'engine',
): { destroy: PlannedBuildCache[]; warnings: string[] } | { refusal: string } {
  const req = buildPruneRequest(snapshot.engine.version, all, toArgs(filters), snapshot.takenAt, via);
  if ('refusal' in req) return req;
  const warnings: string[] = [];
  if (req.matchesNothing !== undefined) {
    warnings.push(
      `${via === 'buildx' ? 'buildx hands' : 'the engine hands'} the filter ${req.matchesNothing} to BuildKit as a record field, which no record has: nothing is removed`,
    );
  } else if (filters.some((f) => f.key === 'label' || f.key === 'label!')) {
    warnings.push(
      'the engine accepts label filters for the build cache but ignores them: the records are pruned as if no label filter were given',
    );
  }
  const sim = simulateBuildPrune(snapshot.buildCache ?? [], req);
  return { destroy: sim.removed.map((r) => plannedBuildCache(r, reasonFor(r, all))), warnings };
}

export function planBuilderPrune(snapshot: Snapshot, cmd: BuilderPruneArgs, extra: PlanExtra = {}): PlanBody {
  void extra;
  const filters = mergePruneFilters(cmd.filters, snapshot.pruneFilters);
  const fromConfig = filters.slice(cmd.filters.length);
  const warnings =
    fromConfig.length > 0 ? [`pruneFilters from the docker CLI config apply: ${describeFilters(fromConfig)}`] : [];
  const via = cmd.via ?? 'engine';
  const rules = engineRules(snapshot.engine);
  if (via === 'engine' && !rules.buildCache) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: `${rules.name} has no build-cache endpoint: Error response from daemon: Not Found` },
      warnings,
    });
  }
  const step = buildCacheStep(snapshot, cmd.all, filters, via);
  if ('refusal' in step) {
    const who =
      via === 'buildx'
        ? 'buildx refuses the prune'
        : 'the engine refuses the build cache prune: Error response from daemon';
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: `${who}: ${step.refusal}` },
      warnings,
    });
  }
  const how =
    via === 'buildx'
      ? 'the docker CLI runs buildx for this command: it hands the filters to BuildKit itself (a label filter there matches no record)'
      : "the docker CLI's own builder prune (POST /build/prune) is assumed: with the buildx plugin installed, the CLI runs buildx prune instead, where a label filter matches no record";
  return makePlan(snapshot, cmd.argv, {
    destroy: { buildCache: step.destroy },
    warnings: [...warnings, ...step.warnings, ...(cmd.filters.length > 0 ? [how] : [])],
  });
}
