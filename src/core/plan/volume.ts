/**
 * `docker volume rm` and `docker volume prune` (shared/docker-semantics.md §0.2, §2, §6 rule 2).
 */
import type { PruneFilter, VolumePruneCommand, VolumeRmCommand } from '../command-line.js';
import type { ContainerInfo, Snapshot, VolumeInfo } from '../model.js';
import { compareVersions } from './engine-version.js';
import { describeFilters, type FilterArgs, matchLabels, mergePruneFilters, toArgs } from './filters.js';
import { LookupError } from './resolve.js';
import { ANONYMOUS_LABEL, volumeReferences } from './spec-source.js';
import { makePlan, type PlanExtra } from './totals.js';
import type { PlanBody, PlannedVolume } from './types.js';

function volumeBase(v: VolumeInfo, extra: PlanExtra): Omit<PlannedVolume, 'reason'> {
  return {
    name: v.name,
    anonymous: ANONYMOUS_LABEL in v.labels,
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
  const warnings: string[] = [];
  const destroy: PlannedVolume[] = [];
  const keep: PlannedVolume[] = [];
  const seen = new Set<string>();
  for (const name of cmd.volumes) {
    const v = snapshot.volumes.find((x) => x.name === name);
    if (!v) {
      if (cmd.force) {
        warnings.push(`no such volume: ${name} (ignored with -f)`);
        continue;
      }
      throw new LookupError('missing', 'volume', name);
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

/** Engine major < 23 has no anonymous label; an API < 1.42 request makes a newer engine prune named volumes too. */
export function prunesNamedVolumes(engine: Snapshot['engine']): { named: boolean; why: string | null } {
  if (compareVersions(engine.version, '23.0.0') < 0) {
    return {
      named: true,
      why: `engine ${engine.version} predates the anonymous-volume label: volume prune removes every unused local volume, named ones included`,
    };
  }
  if (compareVersions(engine.apiVersion, '1.42') < 0) {
    return {
      named: true,
      why: `API ${engine.apiVersion} (< 1.42, e.g. DOCKER_API_VERSION): the engine prunes every unused local volume, named ones included`,
    };
  }
  return { named: false, why: null };
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

/** Rule 2: the volumes `POST /volumes/prune` removes, with the reason each other volume stays. */
export function volumePrune(snapshot: Snapshot, input: VolumePruneInput, extra: PlanExtra = {}): VolumePruneResult {
  const engine = snapshot.engine;
  const legacy = compareVersions(engine.version, '23.0.0') < 0;
  const args: FilterArgs = toArgs(input.filters);
  const accepted = legacy ? ['label', 'label!'] : ['label', 'label!', 'all'];
  const bad = input.filters.find((f) => !accepted.includes(f.key));
  if (bad) {
    return {
      destroy: [],
      keep: [],
      warnings: [],
      error: `the engine rejects the filter ${bad.key}=${bad.value} for volume prune (it accepts ${accepted.join(', ')})`,
    };
  }
  const allFilter = [...(args.get('all') ?? [])].some((v) => v === 'true' || v === '1');
  const { named, why } = prunesNamedVolumes(engine);
  const all = named || allFilter || (input.all && compareVersions(engine.apiVersion, '1.42') >= 0);
  const refs = volumeReferences(snapshot.containers);
  const removed = input.removedContainers ?? new Set<string>();
  const destroy: PlannedVolume[] = [];
  const keep: PlannedVolume[] = [];
  const warnings: string[] = [];
  let unlabelledAnonymous = 0;
  for (const v of snapshot.volumes) {
    const base = volumeBase(v, extra);
    const users = [...(refs.get(v.name) ?? [])].filter((id) => !removed.has(id));
    const labelled = ANONYMOUS_LABEL in v.labels;
    let reason: string | null = null;
    if (v.driver !== 'local') reason = `driver ${v.driver}: prune only removes local volumes`;
    else if (Object.keys(v.options).length > 0) reason = 'created with driver options: prune never removes it';
    else if (users.length > 0) {
      reason = `in use by ${users
        .map((id) => snapshot.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12))
        .sort()
        .join(', ')}`;
    } else if (!matchLabels(args, v.labels)) reason = `does not match the filters (${describeFilters(input.filters)})`;
    else if (!all && !labelled) {
      reason = /^[0-9a-f]{64}$/.test(v.name)
        ? `anonymous-looking but without the ${ANONYMOUS_LABEL} label: only prune -a removes it`
        : 'named volume: only prune -a removes it';
      if (/^[0-9a-f]{64}$/.test(v.name)) unlabelledAnonymous++;
    }
    if (reason) keep.push({ ...base, reason });
    else {
      destroy.push({
        ...base,
        reason: all
          ? named
            ? `unused local volume (${legacy ? `engine ${engine.version}` : `API ${engine.apiVersion}`} prunes named volumes too)`
            : 'unused local volume (-a)'
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
        reason: `the docker CLI refuses -a at API ${snapshot.engine.apiVersion} ("--all" requires API version 1.42); without -a this engine prunes named volumes too`,
      },
      warnings,
    });
  }
  if (r.error) return makePlan(snapshot, cmd.argv, { blocked: { reason: r.error }, warnings });
  return makePlan(snapshot, cmd.argv, { destroy: { volumes: r.destroy }, keep: { volumes: r.keep }, warnings });
}
