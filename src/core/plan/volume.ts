/**
 * `docker volume rm` and `docker volume prune` (shared/docker-semantics.md §0.2, §2, §6 rule 2).
 */
import type { PruneFilter, VolumePruneCommand, VolumeRmCommand } from '../command-line.js';
import type { ContainerInfo, Snapshot, VolumeInfo } from '../model.js';
import { engineRules } from './engine-rules.js';
import { compareVersions } from './engine-version.js';
import {
  describeFilters,
  matchLabels,
  mergePruneFilters,
  olderThan,
  parseGoBool,
  toArgs,
  untilLimit,
  validateKeys,
} from './filters.js';
import { LookupError } from './resolve.js';
import { ANONYMOUS_LABEL, volumeReferences } from './spec-source.js';
import { makePlan, type PlanExtra } from './totals.js';
import type { PlanBody, PlannedVolume } from './types.js';

function volumeBase(v: VolumeInfo, extra: PlanExtra): Omit<PlannedVolume, 'reason'> {
  return {
    name: v.name,
    // Podman's own flag when the engine gave it (libpod `Anonymous`); Docker's label otherwise.
    anonymous: v.anonymous ?? ANONYMOUS_LABEL in v.labels,
    bytes: extra.sizes?.volumes[v.name] ?? null,
    driver: v.driver,
    labels: v.labels,
  };
}

function users(ids: ReadonlySet<string> | undefined, containers: readonly ContainerInfo[]): string {
  return [...(ids ?? [])]
    .map((id) => containers.find((c) => c.id === id)?.name ?? id.slice(0, 12))
    .sort()
    .join(', ');
}

export function planVolumeRm(snapshot: Snapshot, cmd: VolumeRmCommand, extra: PlanExtra = {}): PlanBody {
  const refs = volumeReferences(snapshot.containers);
  const warnings: string[] = [...(cmd.notes ?? [])];
  for (const r of cmd.rejected ?? []) {
    warnings.push(`"${r.typed}": refused (${r.reason}); docker volume rm removes the others and exits non-zero`);
  }
  const destroy: PlannedVolume[] = [];
  const keep: PlannedVolume[] = [];
  const seen = new Set<string>();
  for (const [i, name] of cmd.volumes.entries()) {
    const typed = cmd.typed?.[i] ?? name;
    const v = snapshot.volumes.find((x) => x.name === name);
    if (!v) {
      // The engine's force means "no error when it does not exist" (volume_routes.go deleteVolumes).
      if (cmd.force) {
        warnings.push(`no such volume: ${typed === name ? name : `${name} (typed "${typed}")`} (ignored with -f)`);
        continue;
      }
      throw new LookupError('missing', 'volume', name, [], typed);
    }
    if (seen.has(name)) {
      warnings.push(`${name} is named twice: the second removal fails, which makes docker volume rm exit non-zero`);
      continue;
    }
    seen.add(name);
    const inUse = refs.get(name);
    if (inUse && inUse.size > 0) {
      keep.push({
        ...volumeBase(v, extra),
        reason: `in use by ${users(inUse, snapshot.containers)}: the engine refuses to remove it${cmd.force ? ' (-f does not override this)' : ''}`,
      });
    } else {
      destroy.push({ ...volumeBase(v, extra), reason: 'removed by docker volume rm' });
    }
  }
  if (destroy.length === 0 && keep.length === 0 && (cmd.rejected?.length ?? 0) > 0) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: (cmd.rejected ?? []).map((r) => `"${r.typed}": ${r.reason}`).join('; ') },
      warnings,
    });
  }
  if (destroy.length === 0 && keep.length > 0) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: keep.map((k) => `${k.name} is ${k.reason}`).join('; ') },
      keep: { volumes: keep },
      warnings,
    });
  }
  if (keep.length > 0) {
    warnings.push(
      `${keep.map((k) => k.name).join(', ')} will not be removed (in use); docker volume rm removes the others and exits non-zero`,
    );
  }
  return makePlan(snapshot, cmd.argv, { destroy: { volumes: destroy }, keep: { volumes: keep }, warnings });
}

/**
 * Whether volume prune removes named volumes too, and why (core/plan/engine-rules.ts): Docker before 23.0, any
 * request below API 1.42, and Podman.
 */
export function prunesNamedVolumes(engine: Snapshot['engine']): { named: boolean; why: string | null } {
  const why = engineRules(engine).prunesNamedVolumes;
  return { named: why !== null, why };
}

export interface VolumePruneInput {
  /** `-a` (only sent when the API is >= 1.42) or `--filter all=true`. */
  readonly all: boolean;
  /** Filters after merging the CLI config's pruneFilters. */
  readonly filters: readonly PruneFilter[];
  /** Containers that are gone by the time the volume step runs (system prune's container step). */
  readonly removedContainers?: ReadonlySet<string>;
}

export interface VolumePruneResult {
  readonly destroy: PlannedVolume[];
  readonly keep: PlannedVolume[];
  readonly warnings: string[];
  /** Set when the engine would reject the request (bad filter). */
  readonly error: string | null;
}

/**
 * What `POST /volumes/prune` does with the filters before looking at any volume, in the engine's order: the router
 * adds `all=true` to a request below API 1.42 (23.0+); `withPrune` wants at most one `all` value, read with Go's
 * strconv.ParseBool, and otherwise adds `label=com.docker.volume.anonymous`; then the keys are validated. Engines
 * before 23.0 accept only `label` and `label!`. Returns the filter set the engine matches with, or its refusal.
 */
export function volumePruneArgs(
  engine: Snapshot['engine'],
  filters: readonly PruneFilter[],
): { args: Map<string, Set<string>>; all: boolean } | { refusal: string } {
  const args = toArgs(filters);
  const rules = engineRules(engine);
  if (rules.kind === 'podman') {
    // Podman's compat endpoint prunes every unused volume; it rejects what its libpod filters do not know.
    for (const f of filters) {
      const refusal = rules.volumePruneKeyRefusal(f.key, f.value);
      if (refusal) return { refusal };
    }
    return { args, all: true };
  }
  if (compareVersions(engine.version, '23.0.0') < 0) {
    const bad = validateKeys(args, ['label', 'label!'], engine.version);
    return bad ? { refusal: bad } : { args, all: true };
  }
  if (compareVersions(engine.apiVersion, '1.42') < 0) args.set('all', new Set([...(args.get('all') ?? []), 'true']));
  const values = [...(args.get('all') ?? [])];
  if (values.length > 1) {
    return { refusal: `invalid filter 'all=[${values.sort().join(' ')}]': only one value is expected` };
  }
  let all = false;
  if (values.length === 1) {
    const b = parseGoBool(values[0] as string);
    if (b === null) {
      return { refusal: `invalid filter 'all': strconv.ParseBool: parsing "${values[0]}": invalid syntax` };
    }
    all = b;
  }
  if (!all) args.set('label', new Set([...(args.get('label') ?? []), ANONYMOUS_LABEL]));
  const bad = validateKeys(args, ['label', 'label!', 'all'], engine.version);
  return bad ? { refusal: bad } : { args, all };
}

/** Rule 2: the volumes `POST /volumes/prune` removes, with the reason each other volume stays. */
export function volumePrune(snapshot: Snapshot, input: VolumePruneInput, extra: PlanExtra = {}): VolumePruneResult {
  const engine = snapshot.engine;
  const rules = engineRules(engine);
  const legacy = compareVersions(engine.version, '23.0.0') < 0;
  const sent =
    input.all && compareVersions(engine.apiVersion, '1.42') >= 0
      ? [...input.filters, { key: 'all', value: 'true' }]
      : input.filters;
  const parsed = volumePruneArgs(engine, sent);
  if ('refusal' in parsed) return { destroy: [], keep: [], warnings: [], error: parsed.refusal };
  const { args, all } = parsed;
  const { named, why } = prunesNamedVolumes(engine);
  const refs = volumeReferences(snapshot.containers);
  const nameOf = new Map(snapshot.containers.map((c) => [c.id, c.name]));
  const removed = input.removedContainers ?? new Set<string>();
  const destroy: PlannedVolume[] = [];
  const keep: PlannedVolume[] = [];
  const warnings: string[] = [];
  let unlabelledAnonymous = 0;
  // Podman applies `until` to volumes (their CreatedAt); Docker refuses it before any volume is looked at.
  const until = rules.kind === 'podman' ? untilLimit(args, snapshot.takenAt) : { limit: null };
  if ('refusal' in until) return { destroy: [], keep: [], warnings: [], error: until.refusal };
  for (const v of snapshot.volumes) {
    const base = volumeBase(v, extra);
    const users = [...(refs.get(v.name) ?? [])].filter((id) => !removed.has(id));
    const labelled = ANONYMOUS_LABEL in v.labels;
    let reason: string | null = null;
    if (v.driver !== 'local') reason = `driver ${v.driver}: prune only removes local volumes`;
    else if (Object.keys(v.options).length > 0) reason = 'created with driver options: prune never removes it';
    else if (users.length > 0) {
      reason = `in use by ${users
        .map((id) => nameOf.get(id) ?? id.slice(0, 12))
        .sort()
        .join(', ')}`;
    } else if (!all && !labelled) {
      reason = /^[0-9a-f]{64}$/.test(v.name)
        ? `anonymous-looking but without the ${ANONYMOUS_LABEL} label: only prune -a removes it`
        : 'named volume: only prune -a removes it';
      if (/^[0-9a-f]{64}$/.test(v.name) && matchLabels(args, { ...v.labels, [ANONYMOUS_LABEL]: '' })) {
        unlabelledAnonymous++;
      }
    } else if (
      until.limit !== null &&
      !olderThan(until.limit, Date.parse(v.createdAt ?? '') || Number.POSITIVE_INFINITY)
    ) {
      reason = 'created after the until filter';
    } else if (!matchLabels(args, v.labels)) reason = `does not match the filters (${describeFilters(input.filters)})`;
    if (reason) keep.push({ ...base, reason });
    else {
      destroy.push({
        ...base,
        reason:
          all && (named || !labelled)
            ? named
              ? `unused local volume (${rules.kind === 'podman' ? rules.name : legacy ? `engine ${engine.version}` : `API ${engine.apiVersion}`} prunes named volumes too)`
              : 'unused local volume (all: -a or --filter all=true)'
            : `unused, labelled ${ANONYMOUS_LABEL}`,
      });
    }
  }
  if (why) warnings.push(why);
  if (unlabelledAnonymous > 0) {
    warnings.push(
      `${unlabelledAnonymous} unused volume${unlabelledAnonymous === 1 ? '' : 's'} with anonymous (64-hex) names lack the ${ANONYMOUS_LABEL} label (--mount, Compose or pre-23.0 volumes): a plain prune never removes them; -a would`,
    );
  }
  return { destroy, keep, warnings, error: null };
}

export function planVolumePrune(snapshot: Snapshot, cmd: VolumePruneCommand, extra: PlanExtra = {}): PlanBody {
  const filters = mergePruneFilters(cmd.filters, snapshot.pruneFilters);
  const r = volumePrune(snapshot, { all: cmd.all, filters }, extra);
  const warnings = [...r.warnings];
  if (filters.length > cmd.filters.length) {
    warnings.push(
      `pruneFilters from the docker CLI config apply: ${describeFilters(filters.slice(cmd.filters.length))}`,
    );
  }
  if (cmd.all && compareVersions(snapshot.engine.apiVersion, '1.42') < 0) {
    // The docker CLI itself refuses the flag (its `version: 1.42` annotation): nothing is sent to the engine.
    return makePlan(snapshot, cmd.argv, {
      blocked: {
        reason: `the docker CLI refuses it: "--all" requires API version 1.42, but the Docker daemon API version is ${snapshot.engine.apiVersion} (without -a this engine prunes named volumes too)`,
      },
      warnings,
    });
  }
  if (cmd.all && filters.some((f) => f.key === 'all')) {
    // cli volume/prune.go, after merging the config's pruneFilters.
    return makePlan(snapshot, cmd.argv, {
      blocked: {
        reason: 'the docker CLI refuses it: conflicting options: cannot specify both --all and --filter all=1',
      },
      warnings,
    });
  }
  if (r.error) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: `the engine refuses it: Error response from daemon: ${r.error}` },
      warnings,
    });
  }
  return makePlan(snapshot, cmd.argv, { destroy: { volumes: r.destroy }, keep: { volumes: r.keep }, warnings });
}
