/**
 * Rule 1 of shared/docker-semantics.md §6: which volumes go with a removed container. `rm -v` (and `--rm`,
 * `compose down -v`) removes a volume only when the mount's Spec.Source is empty (it was asked for without a
 * name) and no other container references it. The Spec is not in the API, so it is rebuilt from the inspect
 * fields with the daemon's precedence (`registerMountPoints`): HostConfig.Mounts > Binds > VolumesFrom (the
 * donor's spec is copied) > Config.Volumes / image volumes (only for destinations still free).
 */
import { sortByName } from '../collate.js';
import { ANONYMOUS_VOLUME_LABEL, type ContainerInfo, type Snapshot, type VolumeInfo } from '../model.js';
import { engineRules } from './engine-rules.js';
import { resolveContainer } from './resolve.js';
import type { PlannedVolume } from './types.js';

/** `/data/` and `/data` are the same destination. */
export function cleanPath(p: string): string {
  // Already clean (as engines report mount paths): no expression to run (a plan of 750 volumes calls this ~10,000
  // times).
  if (p.length > 0 && p.charCodeAt(p.length - 1) !== 0x2f && !p.includes('//')) return p;
  const c = p.replace(/\/+/g, '/').replace(/\/$/, '');
  return c === '' ? '/' : c;
}

/** A `HostConfig.Binds` entry: `src:dst[:mode]`, or a bare `dst` (an anonymous volume). */
export function parseBind(bind: string): { source: string; destination: string } {
  const parts = bind.split(':');
  if (parts.length === 1) return { source: '', destination: cleanPath(bind) };
  return { source: parts[0] as string, destination: cleanPath(parts[1] as string) };
}

/** Volume names the engine generates (every mount without a source): 64 hex digits. */
const GENERATED_NAME = /^[0-9a-f]{64}$/;

/**
 * The container that gave `container` its mount at `dst` through `--volumes-from ref`, if the one holding that name
 * (or ID prefix) today is still it: created no later than the recipient (the spec was copied at the recipient's
 * create) and mounting the same volume at `dst`. `unknown` when the donor is gone or the name now belongs to
 * another container; `none` when the donor is known and does not provide `dst`.
 */
function donorFor(
  containers: readonly ContainerInfo[],
  container: ContainerInfo,
  ref: string,
  dst: string,
  volume: string | null,
): { kind: 'donor'; donor: ContainerInfo } | { kind: 'none' } | { kind: 'unknown' } {
  const r = resolveContainer(containers, ref);
  if (r.kind !== 'found' || r.value.created > container.created || r.value.id === container.id) {
    return { kind: 'unknown' };
  }
  const at = r.value.mounts.find((m) => cleanPath(m.destination) === dst);
  if (!at) return { kind: 'none' };
  return at.type === 'volume' && at.name === volume ? { kind: 'donor', donor: r.value } : { kind: 'unknown' };
}

/**
 * The mount Spec.Source of `container`'s mount at `destination`: `''` for an anonymous mount, the volume name for a
 * named one, `null` when it cannot be learned. The daemon's precedence (`registerMountPoints`): HostConfig.Mounts >
 * Binds > VolumesFrom (the donor's spec, copied when the recipient was created) > Config/image volumes (free
 * destinations only). A `--volumes-from` donor that is gone, or whose name a newer container now holds, is never
 * read: then the recipient's own spec decides, from the engine's config.v2.json when it could be read, else from
 * the volume's name (only a named spec gives a volume a name that is not 64 hex digits).
 */
export function specSource(
  containers: readonly ContainerInfo[],
  container: ContainerInfo,
  destination: string,
  seen: ReadonlySet<string> = new Set(),
): string | null {
  const spec = container.spec;
  if (!spec) return null;
  const dst = cleanPath(destination);
  const mount = spec.mounts.find((m) => cleanPath(m.target) === dst);
  if (mount) return mount.source;
  for (const b of spec.binds) {
    const parsed = parseBind(b);
    if (parsed.destination === dst) return parsed.source;
  }
  const volume = container.mounts.find((m) => cleanPath(m.destination) === dst)?.name ?? null;
  let unknownDonor = false;
  for (const from of spec.volumesFrom) {
    const d = donorFor(containers, container, from.replace(/:(ro|rw)$/, ''), dst, volume);
    if (d.kind === 'unknown') unknownDonor = true;
    if (d.kind !== 'donor' || seen.has(d.donor.id)) continue;
    const s = specSource(containers, d.donor, dst, new Set([...seen, container.id]));
    if (s !== null) return s;
    unknownDonor = true;
  }
  const fromConfig =
    spec.configVolumes.some((v) => cleanPath(v) === dst) || spec.imageVolumes?.some((v) => cleanPath(v) === dst);
  if (!unknownDonor && (fromConfig || spec.imageVolumes !== null)) return '';
  // Unknown: a donor that cannot be read (its copy wins over the config volumes), or an image that is gone.
  const disk = spec.diskSpecs?.[dst];
  if (disk !== undefined) return disk;
  if (volume !== null && !GENERATED_NAME.test(volume)) return volume;
  return null;
}

/**
 * What decides whether `rm -v` removes the volume `container` mounts at `destination`, as a Spec.Source: `''` when
 * it goes with its container, the volume's name when it stays, null when unknown. Docker: the mount's own spec
 * (`specSource`). Podman: the volume itself, created anonymous or not (libpod's `Anonymous` flag), whatever mount
 * names it: a volume another container mounts by its 64-hex name still goes with `rm -v` of that container.
 */
export function removalSource(
  snapshot: Pick<Snapshot, 'containers' | 'volumes' | 'engine'>,
  container: ContainerInfo,
  destination: string,
  volumesByName?: ReadonlyMap<string, VolumeInfo>,
): string | null {
  if (engineRules(snapshot.engine).rmVolumes === 'volume-flag') {
    const dst = cleanPath(destination);
    const name = container.mounts.find((m) => cleanPath(m.destination) === dst)?.name ?? null;
    if (name === null) return null;
    const anonymous = (volumesByName?.get(name) ?? snapshot.volumes.find((v) => v.name === name))?.anonymous;
    if (anonymous === undefined) return null;
    return anonymous ? '' : name;
  }
  return specSource(snapshot.containers, container, destination);
}

/** Volume name → IDs of every container (any state) whose mount table names it: the engine's reference count. */
export function volumeReferences(containers: readonly ContainerInfo[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const c of containers) {
    for (const m of c.mounts) {
      if (m.type !== 'volume' || !m.name) continue;
      let set = refs.get(m.name);
      if (!set) {
        set = new Set();
        refs.set(m.name, set);
      }
      set.add(c.id);
    }
  }
  return refs;
}

export const ANONYMOUS_LABEL = ANONYMOUS_VOLUME_LABEL;

export interface VolumeFates {
  /** Removed by the daemon together with the containers (`v`, empty Spec.Source, no other reference). */
  readonly destroyed: PlannedVolume[];
  /** Left with no container referencing it. */
  readonly orphaned: PlannedVolume[];
  /** Still referenced by a container that stays. */
  readonly kept: PlannedVolume[];
  readonly warnings: string[];
}

/**
 * The fate of every volume mounted by the containers `containerIds` when all of them are removed (at once, as the
 * docker CLI does: `docker rm` removes its arguments in parallel), with `v` = `RemoveVolumes`.
 * Sizes come from `volumeBytes` (absent → null). Usable by rm, the prunes and compose down.
 */
export function volumesRemovedWithContainers(
  snapshot: Pick<Snapshot, 'containers' | 'volumes' | 'engine'>,
  containerIds: readonly string[],
  opts: { readonly v: boolean; readonly volumeBytes?: Readonly<Record<string, number>> },
): VolumeFates {
  const removed = new Set(containerIds);
  const refs = volumeReferences(snapshot.containers);
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  const out: VolumeFates = { destroyed: [], orphaned: [], kept: [], warnings: [] };
  // Volume name → the removed containers' mounts of it.
  const touched = new Map<string, { container: ContainerInfo; destination: string }[]>();
  for (const id of removed) {
    const c = byId.get(id);
    if (!c) continue;
    for (const m of c.mounts) {
      if (m.type !== 'volume' || !m.name) continue;
      const list = touched.get(m.name) ?? [];
      list.push({ container: c, destination: m.destination });
      touched.set(m.name, list);
    }
  }
  const volumesByName = new Map(snapshot.volumes.map((v) => [v.name, v]));
  for (const [name, uses] of sortByName(touched, (t) => t[0])) {
    const info = volumesByName.get(name);
    const labels = info?.labels ?? {};
    const bytes = opts.volumeBytes?.[name] ?? null;
    const sources = uses.map((u) => removalSource(snapshot, u.container, u.destination, volumesByName));
    const anonymousSpec = sources.every((s) => s === '');
    const base = {
      name,
      bytes,
      ...(info ? { driver: info.driver, labels } : {}),
    };
    const users = uses.map((u) => u.container.name).join(', ');
    const remaining = [...(refs.get(name) ?? [])].filter((id) => !removed.has(id));
    if (remaining.length > 0) {
      const names = remaining.map((id) => byId.get(id)?.name ?? id.slice(0, 12)).join(', ');
      out.kept.push({ ...base, anonymous: anonymousSpec, reason: `still used by ${names}` });
      continue;
    }
    if (!opts.v) {
      out.orphaned.push({
        ...base,
        anonymous: anonymousSpec,
        reason: `no container uses it after ${users} ${uses.length > 1 ? 'are' : 'is'} removed (no -v)`,
      });
      continue;
    }
    if (anonymousSpec) {
      out.destroyed.push({ ...base, anonymous: true, reason: `anonymous volume of ${users}, removed with it (-v)` });
      continue;
    }
    if (sources.includes(null)) {
      out.destroyed.push({
        ...base,
        anonymous: false,
        reason: `may be removed with ${users}: its mount spec cannot be read (inherited from a container that is gone)`,
      });
      out.warnings.push(
        `volume ${name}: whether -v removes it depends on a mount spec lastlook cannot read; listed as destroyed to be safe`,
      );
      continue;
    }
    if (sources.includes('')) {
      // One removed container mounts it anonymously, another by name: the engine's result depends on which of
      // the parallel removals releases it last.
      out.destroyed.push({
        ...base,
        anonymous: true,
        reason: `anonymous in ${uses
          .filter((_, i) => sources[i] === '')
          .map((u) => u.container.name)
          .join(', ')} but named in another removed container: removal depends on order`,
      });
      out.warnings.push(
        `volume ${name}: mounted anonymously by one removed container and by name by another; whether -v removes it depends on the order the engine removes them (listed as destroyed)`,
      );
      continue;
    }
    out.orphaned.push({
      ...base,
      anonymous: false,
      reason: `mounted by name (${sources[0]}), so -v keeps it; no container uses it any more`,
    });
  }
  return out;
}
