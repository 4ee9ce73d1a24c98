/**
 * The engine-kind switch: the rules that differ between Docker Engine (moby) and Podman's Docker-compatible
 * service, in one place. Every family planner reads its engine rules from here, never from a version test of its
 * own: Podman's `4.3.1` is not an old Docker, and comparing it with `23.0.0` would apply moby 20.10's rules.
 *
 * Podman's rules, each proven on Debian's Podman 4.3.1 by test/engine/podman-oracle.test.ts:
 * - rm -v / rm -fv / compose down -v: a volume goes when the volume itself was created anonymous (libpod's
 *   `Anonymous` flag, read from `/libpod/volumes/json`) and no other container uses it, whatever mount names it
 *   (Docker looks at the removed container's mount spec instead, docker-semantics.md §0).
 * - volume prune and system prune --volumes remove every unused local volume, named ones too (compat API 1.41;
 *   the docker CLI refuses -a below 1.42); the volume prune endpoint rejects the `label!` and `all` filters.
 * - its default network is listed as `bridge` but inspected as `podman`, and is never pruned; a network that any
 *   container (in any state) is attached to is in use.
 * - no build-cache endpoint: `docker system prune` removes everything else, then fails with "Not Found".
 */
import type { EngineInfo } from '../model.js';
import { compareVersions } from './engine-version.js';

export type EngineKind = 'docker' | 'podman';

export interface EngineRules {
  readonly kind: EngineKind;
  /** How plans name the engine: `Docker Engine 26.1.5`, `Podman 4.3.1`. */
  readonly name: string;
  /**
   * What decides that `rm -v` removes a volume: `mount-spec` (Docker: the removed container's mount had no
   * source) or `volume-flag` (Podman: the volume was created anonymous, `VolumeInfo.anonymous`).
   */
  readonly rmVolumes: 'mount-spec' | 'volume-flag';
  /** Why volume prune also removes named volumes (any request, any filter), or null when it does not by default. */
  readonly prunesNamedVolumes: string | null;
  /** The refusal of a volume prune filter key, worded as the engine words it, or null when it is accepted. */
  volumePruneKeyRefusal(key: string, value: string): string | null;
  /** Network names a prune never removes. */
  readonly predefinedNetworks: ReadonlySet<string>;
  /** `endpoints`: only running and paused containers keep a network (Docker); `any`: any container does (Podman). */
  readonly networkInUse: 'endpoints' | 'any';
  /** False when the engine has no `/build/prune` (system prune then fails at its last step). */
  readonly buildCache: boolean;
}

/** Names moby never prunes (`runconfig.IsPreDefinedNetwork`). */
const DOCKER_PREDEFINED = new Set(['bridge', 'host', 'none', 'default']);
/** Podman's default network: listed as `bridge` by the compat API, inspected as `podman`. */
const PODMAN_PREDEFINED = new Set(['bridge', 'podman', 'host', 'none', 'default']);

/** Go's `url.QueryEscape`, which Podman applies to a filter it cannot parse before quoting it back. */
function goQueryEscape(s: string): string {
  return [...new TextEncoder().encode(s)]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Podman 4.3's volume prune filters (`GeneratePruneVolumeFilters`): `label` and `until` only. */
const PODMAN_VOLUME_PRUNE_KEYS = ['label', 'until'];

function podmanRules(engine: Pick<EngineInfo, 'version' | 'apiVersion'>): EngineRules {
  return {
    kind: 'podman',
    name: `Podman ${engine.version}`,
    rmVolumes: 'volume-flag',
    prunesNamedVolumes: `Podman ${engine.version} prunes every unused local volume, named ones included`,
    volumePruneKeyRefusal: (key, value) =>
      PODMAN_VOLUME_PRUNE_KEYS.includes(key)
        ? null
        : `failed to parse filters for ${goQueryEscape(key)}=${goQueryEscape(value)}: "${key}" is an invalid volume filter`,
    predefinedNetworks: PODMAN_PREDEFINED,
    networkInUse: 'any',
    buildCache: false,
  };
}

function dockerRules(engine: Pick<EngineInfo, 'version' | 'apiVersion'>): EngineRules {
  const legacy = compareVersions(engine.version, '23.0.0') < 0;
  const oldApi = compareVersions(engine.apiVersion, '1.42') < 0;
  return {
    kind: 'docker',
    name: `Docker Engine ${engine.version}`,
    rmVolumes: 'mount-spec',
    prunesNamedVolumes: legacy
      ? `engine ${engine.version} predates the anonymous-volume label: volume prune removes every unused local volume, named ones included`
      : oldApi
        ? `API ${engine.apiVersion} (< 1.42, e.g. DOCKER_API_VERSION): the engine prunes every unused local volume, named ones included`
        : null,
    // moby's own key checks stay in ./volume.ts (`volumePruneArgs`), which depend on the version and API.
    volumePruneKeyRefusal: () => null,
    predefinedNetworks: DOCKER_PREDEFINED,
    networkInUse: 'endpoints',
    buildCache: true,
  };
}

/** Rules by kind, version and API version: the planner asks once per mount (1,000 times for a large prune). */
const memo = new Map<string, EngineRules>();

/** The rules of the engine a snapshot was read from (`EngineInfo.kind`; absent means Docker). */
export function engineRules(engine: Pick<EngineInfo, 'version' | 'apiVersion' | 'kind'>): EngineRules {
  const key = `${engine.kind ?? 'docker'}\n${engine.version}\n${engine.apiVersion}`;
  let rules = memo.get(key);
  if (!rules) {
    rules = engine.kind === 'podman' ? podmanRules(engine) : dockerRules(engine);
    memo.set(key, rules);
  }
  return rules;
}
