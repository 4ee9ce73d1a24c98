import type { Readable } from 'node:stream';
import type {
  BuildCacheRecord,
  Change,
  ContainerInfo,
  EngineEvent,
  EngineInfo,
  ImageInfo,
  NetworkInfo,
  VolumeInfo,
} from '../core/model.js';

export type { BuildCacheRecord, Change, ContainerInfo, EngineEvent, EngineInfo, ImageInfo, NetworkInfo, VolumeInfo };

/** Options every port call accepts. */
export interface CallOptions {
  /** Aborts the underlying HTTP request. */
  readonly signal?: AbortSignal;
}

/**
 * Everything lastlook asks of a Docker Engine. The dockerode adapter is the only implementation that talks to a
 * real engine; UI tests use an in-memory implementation. Errors are thrown as `DockerError` (./errors.ts).
 */
export interface DockerPort {
  /** `GET /version`, with the host we connected to and the negotiated API version. */
  engineInfo(opts?: CallOptions): Promise<EngineInfo>;
  /** `GET /containers/json?all=1`: every container in any state, without sizes. */
  listContainers(opts?: CallOptions): Promise<ContainerInfo[]>;
  /**
   * How many leftover helpers of dead runs this port has removed so far (src/docker/sweep.ts). The first container
   * list finds them while other reads run beside it: a reader that sees this number change re-reads.
   */
  leftoversRemoved?(): number;
  /**
   * `GET /containers/{id}/json`, plus the image's volumes, as a ContainerInfo with `spec` set.
   * @param size when true also measures `SizeRw` (expensive: walks the writable layer).
   */
  inspectContainer(idOrName: string, opts?: CallOptions & { readonly size?: boolean }): Promise<ContainerInfo>;
  /** `GET /volumes`. Sizes not included. */
  listVolumes(opts?: CallOptions): Promise<VolumeInfo[]>;
  /**
   * Sizes of local volumes from `GET /system/df` (only local volumes without options are measured by the
   * engine). Names absent from the map could not be measured.
   */
  volumeSizes(opts?: CallOptions): Promise<Map<string, number>>;
  /**
   * One `GET /system/df`: writable-layer bytes of every container (`SizeRw`; absent means 0) and bytes of every
   * local volume without options (`UsageData.Size`; -1 = not measurable, left out). The same work as
   * `docker system df -v`. With API >= 1.42 only the asked kinds are measured (`type=`).
   * Optional until every DockerPort implements it; callers fall back to `volumeSizes` / inspect `?size=1`.
   * @param containers measure containers @default true
   * @param volumes measure volumes @default true
   * @param buildCache also return the build cache records (what `listBuildCache` reads), so that a snapshot that
   *   needs both makes one `/system/df`, not two (over ssh:// every request waits its turn on one session)
   *   @default false
   */
  diskUsage?(
    opts?: CallOptions & {
      readonly containers?: boolean;
      readonly volumes?: boolean;
      readonly buildCache?: boolean;
      /** Also return the containers as a list (`DiskUsage.list`), in place of `listContainers`. */
      readonly list?: boolean;
    },
  ): Promise<DiskUsage>;
  /** `GET /info` `DockerRootDir`: the engine's data root (logs live under it); null when not reported. */
  dataRoot?(opts?: CallOptions): Promise<string | null>;
  /**
   * `GET /networks` and each network's endpoints: from `containers` (their `endpointNetworks`, as listed with the
   * same snapshot) when given on Docker, else one inspect per network that is not predefined.
   */
  listNetworks(opts?: CallOptions & { readonly containers?: readonly ContainerInfo[] }): Promise<NetworkInfo[]>;
  /** `GET /images/json?all=1`: every image, intermediate parents included. */
  listImages(opts?: CallOptions): Promise<ImageInfo[]>;
  /**
   * The build cache records from `GET /system/df` (`type=build-cache` at API >= 1.42). Optional until every
   * DockerPort implements it; without it a plan knows no build cache.
   */
  listBuildCache?(opts?: CallOptions): Promise<BuildCacheRecord[]>;
  /**
   * Removes exactly the build cache records `ids` (one `POST /build/prune` with `all` and an anchored `id` filter
   * naming them; BuildKit removes each after the records built on it). Returns the IDs the engine removed.
   */
  removeBuildCache?(ids: readonly string[], opts?: CallOptions): Promise<string[]>;
  /** `GET /containers/{id}/changes`; `null` from the engine becomes `[]`. */
  containerChanges(id: string, opts?: CallOptions): Promise<Change[]>;
  /** `GET /containers/{id}/archive?path=…` as a tar stream. The caller must consume or destroy it. */
  /**
   * `HEAD /containers/{id}/archive?path=…`: the path's stat from the `X-Docker-Container-Path-Stat` header (the
   * last segment is not followed when it is a symlink); null when the path does not exist (404). Like `archive`,
   * it mounts the container's volumes: only for containers that started (core/content-diff.ts `archiveIsSafe`).
   * Optional: without it, sizes come from the export.
   */
  statPath?(id: string, path: string, opts?: CallOptions): Promise<ContainerPathStat | null>;
  archive(id: string, path: string, opts?: CallOptions): Promise<Readable>;
  /**
   * `POST /containers/{id}/stop[?t=…]`: the stop signal, then SIGKILL after `timeout` seconds — by default the
   * container's own stop timeout (Compose sets it from `stop_grace_period`). Already stopped is fine.
   */
  stopContainer(id: string, opts: CallOptions & { readonly timeout?: number }): Promise<void>;
  /** `DELETE /containers/{id}`. */
  removeContainer(
    id: string,
    opts: CallOptions & { readonly force: boolean; readonly volumes: boolean },
  ): Promise<void>;
  /** `DELETE /volumes/{name}`. */
  removeVolume(name: string, opts?: CallOptions & { readonly force?: boolean }): Promise<void>;
  /** `DELETE /networks/{id}`. */
  removeNetwork(id: string, opts?: CallOptions): Promise<void>;
  /**
   * `DELETE /images/{ref}`: a tag removes that reference (the image goes with its last one), an ID the image.
   * `noprune`: its untagged parents stay.
   */
  removeImage(id: string, opts?: CallOptions & { readonly force?: boolean; readonly noprune?: boolean }): Promise<void>;
  /**
   * Creates a never-started helper container from an empty imported image with the given volume mounted
   * read-only at `/v`, for reading a volume without running anything. Returns its ID.
   */
  createVolumeReader(volume: string, opts?: CallOptions): Promise<string>;
  /**
   * Creates a never-started helper container from `image` (an image ID), for reading the image's files through
   * `archive` without running anything: labelled as a helper with its owner, no network, and a tmpfs over each of
   * the image's VOLUMEs (so that no anonymous volume is made). Returns its ID; the caller removes it.
   */
  createImageReader(image: string, opts?: CallOptions): Promise<string>;
  /**
   * `GET /containers/{id}/logs?stdout=1&stderr=1&tail=N[&follow=1]`: the container's log as text bytes, stdout and
   * stderr interleaved as the engine sent them (a non-TTY container's multiplexed frames are split here). With
   * `follow` the stream stays open until the container stops or the signal aborts. Drivers the engine cannot read
   * back (`none`, `syslog`, … without dual logging) are refused by the engine: a `DockerError` with its message.
   * Optional: implementations without it have no logs to show.
   */
  containerLogs?(
    id: string,
    opts: CallOptions & { readonly tail: number; readonly follow: boolean },
  ): Promise<Readable>;
  /** Subscribes to `GET /events`. Resolves when the stream ends or the signal aborts. */
  events(onEvent: (event: EngineEvent) => void, opts?: CallOptions): Promise<void>;
  /**
   * Like `createVolumeReader`, but the volume is mounted read-write at `/v`: a never-started helper for
   * writing into a volume with `putArchive`. Returns its ID; the caller removes it.
   */
  createVolumeWriter(volume: string, opts?: CallOptions): Promise<string>;
  /**
   * `GET /containers/{id}/export`: the container's root filesystem (image layers + writable layer, without
   * volume or bind-mount contents) as a tar stream. No side effect on the container. Consume or destroy it.
   */
  exportContainer(id: string, opts?: CallOptions): Promise<Readable>;
  /**
   * `PUT /containers/{id}/archive?path=…`: extracts `tar` into the container (ownership and modes from the
   * tar headers). Resolves when the engine has finished extracting.
   */
  putArchive(id: string, path: string, tar: Readable, opts?: CallOptions): Promise<void>;
  /** `POST /volumes/create`. */
  createVolume(spec: VolumeCreateSpec, opts?: CallOptions): Promise<void>;
  /** `POST /commit`: the writable layer as a new image. Returns the image ID. `pause` @default true */
  commitContainer(
    id: string,
    spec: { readonly repo: string; readonly tag: string; readonly comment?: string; readonly pause?: boolean },
    opts?: CallOptions,
  ): Promise<string>;
  /**
   * Runs `cmd` in a running container (`POST /containers/{id}/exec` + start) and streams its stdout.
   * `finished` settles after stdout ended, with the exit code and the (capped) stderr text.
   */
  execStream(id: string, cmd: readonly string[], opts?: CallOptions): Promise<ExecStream>;
  /**
   * Ends the connection (an ssh:// transport's shared SSH connection, kept-alive sockets). Calls after it fail.
   * Optional: the in-memory port has nothing to close.
   */
  close?(): void;
}

/** What `diskUsage` returns: container ID → `SizeRw`, volume name → bytes. Absent: not measured or not measurable. */
export interface DiskUsage {
  readonly containers: ReadonlyMap<string, number>;
  readonly volumes: ReadonlyMap<string, number>;
  /** The build cache records, when asked for (`buildCache`). */
  readonly buildCache?: readonly BuildCacheRecord[];
  /**
   * Every container, as `listContainers` gives them, when asked for (`list`, with `containers`): the engine's
   * disk-usage answer lists them with the same summaries. Absent when not asked for, or when it removed a leftover
   * helper of a killed run (the caller reads again).
   */
  readonly list?: readonly ContainerInfo[];
}

/** What `createVolume` sends. */
export interface VolumeCreateSpec {
  readonly name: string;
  /** @default 'local' */
  readonly driver?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, string>>;
}

/** A running exec: stdout as a stream, and its end. */
export interface ExecStream {
  readonly stdout: Readable;
  readonly finished: Promise<{ readonly exitCode: number | null; readonly stderr: string }>;
}

/** The engine's stat of one path inside a container (the `X-Docker-Container-Path-Stat` header, decoded). */
export interface ContainerPathStat {
  readonly name: string;
  readonly size: number;
  /** Go's `os.FileMode` bits: permission bits plus type bits (1<<31 directory, 1<<27 symlink, …). */
  readonly mode: number;
  readonly linkTarget: string;
}
