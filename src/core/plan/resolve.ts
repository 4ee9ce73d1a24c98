/**
 * Finding the objects a command line names, the way the engine does (daemon `GetContainer`): a full ID, then an
 * exact name, then a unique ID prefix. Pure: works on the container list of one snapshot.
 */
import type { ContainerInfo, VolumeInfo } from '../model.js';

export type Resolution<T> =
  | { readonly kind: 'found'; readonly value: T }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly T[] }
  | { readonly kind: 'missing' };

/**
 * `ref` is what the engine receives (after the docker CLI's trimming, command-line.ts `engineRef`). The engine's
 * `GetByName` adds one leading `/` when missing, so `/web` finds `web` but `//web` does not (a VolumesFrom value
 * reaches the engine untrimmed).
 */
export function resolveContainer(containers: readonly ContainerInfo[], ref: string): Resolution<ContainerInfo> {
  const byId = containers.find((c) => c.id === ref);
  if (byId) return { kind: 'found', value: byId };
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const byName = containers.find((c) => c.name === name);
  if (byName) return { kind: 'found', value: byName };
  // The engine's truncindex only matches hex prefixes of IDs.
  if (/^[0-9a-f]+$/.test(ref)) {
    const matches = containers.filter((c) => c.id.startsWith(ref));
    if (matches.length === 1) return { kind: 'found', value: matches[0] as ContainerInfo };
    if (matches.length > 1) return { kind: 'ambiguous', candidates: matches };
  }
  return { kind: 'missing' };
}

/** Volumes are found by exact name only (`DELETE /volumes/{name}`). */
export function resolveVolume(volumes: readonly VolumeInfo[], ref: string): VolumeInfo | null {
  return volumes.find((v) => v.name === ref) ?? null;
}

/** A name on the command line matches nothing (exit 4) or several containers (exit 2, like docker). */
export class LookupError extends Error {
  override readonly name = 'LookupError';
  constructor(
    readonly kind: 'missing' | 'ambiguous',
    readonly objectType: 'container' | 'volume',
    readonly ref: string,
    /** For `ambiguous`: the matching objects, as `name (id)`. */
    readonly candidates: readonly string[] = [],
    /** The argument as the user typed it, when the docker CLI rewrote it (`web/` → `web`). */
    readonly typed: string = ref,
  ) {
    const shown = typed === ref ? ref : `${ref} (typed "${typed}")`;
    super(
      kind === 'missing'
        ? `no such ${objectType}: ${shown}${ref.includes('/') && objectType === 'container' ? ' (a name with / is a legacy link name, parent/alias, which lastlook does not read)' : ''}`
        : `${objectType} ID prefix "${shown}" is ambiguous: it matches ${candidates.join(', ')}`,
    );
  }
}

/** Resolves or throws a LookupError. */
export function requireContainer(containers: readonly ContainerInfo[], ref: string, typed = ref): ContainerInfo {
  const r = resolveContainer(containers, ref);
  if (r.kind === 'found') return r.value;
  if (r.kind === 'ambiguous') {
    throw new LookupError(
      'ambiguous',
      'container',
      ref,
      r.candidates.map((c) => `${c.name} (${c.id.slice(0, 12)})`),
      typed,
    );
  }
  throw new LookupError('missing', 'container', ref, [], typed);
}
