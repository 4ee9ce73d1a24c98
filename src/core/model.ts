/**
 * Plain domain types: what lastlook knows about an engine. Pure data, no client attached.
 * The dockerode adapter (src/docker) maps Engine API JSON into these; core/ and ui/ only see these.
 */

/** The engine we are talking to, as `GET /version` and the connection report it. */
export interface EngineInfo {
  /** How we reached it, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.2:2376`. */
  readonly host: string;
  /** Docker context name when one was used. @default null */
  readonly context: string | null;
  /** Engine version, e.g. `26.1.5`. */
  readonly version: string;
  /** The API version this client speaks to the engine (negotiated), e.g. `1.45`. */
  readonly apiVersion: string;
  /** The engine's own maximum API version. */
  readonly maxApiVersion: string;
  readonly os: string;
  readonly arch: string;
  /**
   * Which engine serves the API: `podman` when `/version` lists a `Podman Engine` component (Podman's
   * Docker-compatible service), else `docker`. Absent means docker. The planner's rules follow it
   * (core/plan/engine-rules.ts).
   */
  readonly kind?: 'docker' | 'podman';
}

/** Labels Compose puts on what it creates (docker/compose `pkg/api/labels.go`). */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  dependsOn: 'com.docker.compose.depends_on',
  volume: 'com.docker.compose.volume',
  network: 'com.docker.compose.network',
} as const;

/** The label engines ≥ 23.0 put on anonymous volumes; `volume prune` without `-a` removes only those. */
export const ANONYMOUS_VOLUME_LABEL = 'com.docker.volume.anonymous';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A mount as the engine reports it in `Mounts[]` (inspect or list). It does not carry the mount Spec. */
export interface MountPoint {
  readonly type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Volume name for `volume` mounts, else null. */
  readonly name: string | null;
  /** Host path (bind) or volume mountpoint (volume). */
  readonly source: string;
  readonly destination: string;
  readonly driver: string | null;
  readonly mode: string;
  readonly rw: boolean;
}

/** One entry of `HostConfig.Mounts` (the `--mount` / API form). */
export interface MountRequest {
  readonly type: string;
  /** Empty string when no source was given (an anonymous volume). */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** Inspect-only fields needed to rebuild each mount's Spec.Source (docker-semantics.md §6.1). */
export interface ContainerSpec {
  /** `HostConfig.Binds`, verbatim (`src:dst[:mode]` or a bare `dst`). */
  readonly binds: readonly string[];
  /** `HostConfig.Mounts`. */
  readonly mounts: readonly MountRequest[];
  /** `HostConfig.VolumesFrom`, verbatim (`name-or-id[:ro|rw]`). */
  readonly volumesFrom: readonly string[];
  /** Keys of `Config.Volumes`. */
  readonly configVolumes: readonly string[];
  /** Keys of the image's `Config.Volumes`; null when the image is gone or could not be read. */
  readonly imageVolumes: readonly string[] | null;
  /** The image's `Size` (bytes of all its layers), read with `imageVolumes`; null when not known. */
  readonly imageBytes?: number | null;
  /** `HostConfig.Tmpfs` keys (destinations). */
  readonly tmpfs: readonly string[];
  readonly autoRemove: boolean;
  readonly logDriver: string;
  /** `LogPath`; empty for the `local` driver. */
  readonly logPath: string;
  /** `GraphDriver.Name`, e.g. overlay2. */
  readonly graphDriver: string | null;
  /**
   * Each mount's real `Spec.Source` (destination → source, `''` for anonymous), read from the engine's own
   * `config.v2.json` when lastlook can read the data root (a local engine, as root); absent otherwise.
   */
  readonly diskSpecs?: Readonly<Record<string, string>> | null;
  /** Whether the container ever started (`State.StartedAt` is set); absent when not read. */
  readonly started?: boolean;
  /**
   * The writable layer as a directory of this machine (`GraphDriver.Data.UpperDir` of an overlay driver), when the
   * engine is reached over a local unix socket; null otherwise. Read only (src/docker/layer-sizes.ts).
   */
  readonly layerDir?: string | null;
}

export interface ContainerInfo {
  readonly id: string;
  /** Primary name without the leading slash. */
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: ContainerState;
  /** Human status line from the engine, e.g. `Up 3 minutes`. */
  readonly status: string;
  /** Unix seconds. */
  readonly created: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly mounts: readonly MountPoint[];
  /** Names of the networks the container is attached to. */
  readonly networks: readonly string[];
  /**
   * IDs of the networks on which the container has an endpoint now (its `EndpointID` is set: running and paused
   * containers), as the container list reports them; absent when not read.
   */
  readonly endpointNetworks?: readonly string[];
  /** Present only when the container was inspected. */
  readonly spec?: ContainerSpec;
  /** Bytes of the writable layer; null when not measured (or not measurable). */
  readonly sizeRw?: number | null;
}

export interface VolumeInfo {
  readonly name: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly mountpoint: string;
  readonly createdAt: string | null;
  readonly scope: string;
  /**
   * Podman only: libpod's `Anonymous` flag (`/libpod/volumes/json`), true for a volume Podman created for a mount
   * without a name. The compat API hides it (no label, listed as a bind by its 64-hex name). Absent on Docker.
   */
  readonly anonymous?: boolean;
  /** Bytes in the volume, when measured (`/system/df`); null when unknown or not measurable. */
  readonly size?: number | null;
}

export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly scope: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly internal: boolean;
  /** `ConfigOnly` networks are never pruned. */
  readonly configOnly: boolean;
  /**
   * IDs of the containers with an endpoint on this network (running or paused ones only); null when not read: a
   * predefined network (bridge, host, none), which no command lastlook plans removes.
   */
  readonly endpoints: readonly string[] | null;
  /** `Created`, unix milliseconds (prune's `until` applies to networks); null or absent when unknown. */
  readonly createdMs?: number | null;
}

/**
 * An image as `GET /images/json?all=1` lists it: intermediate parents (untagged images with children, which the
 * legacy builder and `docker commit` leave) included, because a deletion can take them with it.
 */
export interface ImageInfo {
  readonly id: string;
  readonly repoTags: readonly string[];
  /** `repo@sha256:…` references (pulled or pushed images); absent when not read. */
  readonly repoDigests?: readonly string[];
  readonly parentId: string;
  readonly size: number;
  readonly created: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * One build cache record, as `GET /system/df` reports it (`BuildCache`; the key of the parents is `Parent` on
 * 20.10 and ` Parents`, with a leading space, on 26.1.5 and 28.5.2). Read by the builder prune planner.
 */
export interface BuildCacheRecord {
  readonly id: string;
  /** IDs of the records this one was built on (a layer record has one). */
  readonly parents: readonly string[];
  /** `regular`, `source.local`, `exec.cachemount`, `internal`, `frontend`, … */
  readonly type: string;
  readonly description: string;
  /** Held by something besides its own child records (a running build, a cache mount in use). */
  readonly inUse: boolean;
  /** Its layers are (a prefix of) an image's layers: a default builder prune keeps it. */
  readonly shared: boolean;
  /** Bytes; null when the engine gave -1 (unknown). */
  readonly size: number | null;
  /** RFC 3339 times; null when absent. */
  readonly createdAt: string | null;
  readonly lastUsedAt: string | null;
}

/** One read of the engine. The planner is a pure function of this and a parsed command. */
export interface Snapshot {
  readonly engine: EngineInfo;
  readonly containers: readonly ContainerInfo[];
  readonly volumes: readonly VolumeInfo[];
  readonly networks: readonly NetworkInfo[];
  readonly images: readonly ImageInfo[];
  /** The build cache records (builder prune, system prune); absent when the command's planner does not read them. */
  readonly buildCache?: readonly BuildCacheRecord[];
  /** `pruneFilters` from the docker CLI config (`~/.docker/config.json`), verbatim `key=value` strings. */
  readonly pruneFilters: readonly string[];
  /** Unix milliseconds when the snapshot was taken. */
  readonly takenAt: number;
}

export type ChangeKind = 'modified' | 'added' | 'deleted';

/** One entry of `GET /containers/{id}/changes`. */
export interface Change {
  readonly path: string;
  readonly kind: ChangeKind;
}

/** A file or directory entry of a container or volume filesystem, read from tar headers. */
export interface FsEntry {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'link' | 'other';
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly linkTarget: string | null;
}

/** An engine event, narrowed to what lastlook refreshes on. */
export interface EngineEvent {
  readonly type: 'container' | 'volume' | 'network' | 'image' | 'other';
  readonly action: string;
  readonly id: string;
  readonly time: number;
}
