/**
 * The real DockerPort: dockerode (its modem, for exact control of paths and query strings) mapped to the plain
 * domain types of core/model.ts. Nothing outside src/docker sees a dockerode type.
 */
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type {
  BuildCacheRecord,
  Change,
  ContainerInfo,
  ContainerSpec,
  ContainerState,
  EngineEvent,
  EngineInfo,
  ImageInfo,
  MountPoint,
  NetworkInfo,
  VolumeInfo,
} from '../core/model.js';
import { engineRules } from '../core/plan/engine-rules.js';
import { compareVersions } from '../core/plan/engine-version.js';
import { CLIENT_MAX_API } from './api-version.js';
import { rebaseArchive, unbaseArchive } from './archive-rebase.js';
import type { Connection } from './connection.js';
import { EARLY_READS, type EarlyReads, requestKey } from './early-reads.js';
import { DockerError } from './errors.js';
import type { CallOptions, ContainerPathStat, DiskUsage, DockerPort, ExecStream, VolumeCreateSpec } from './port.js';
import { HELPER_LABEL, isLeftover, OWNER_LABEL, ownerTag } from './sweep.js';
import { createTransport, type Transport } from './transport.js';

/** The newest Engine API whose shapes this adapter was written against (Docker 26.1, docs/api v1.45). */
export { CLIENT_MAX_API };
/** Name of the empty image the volume reader is created from. */
export const EMPTY_IMAGE = 'lastlook/empty:1';
/** Label put on every helper container lastlook creates, so leftovers can be found and removed. */
export { HELPER_LABEL };

interface DialOptions {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'HEAD' | 'PUT';
  readonly path: string;
  /** An array repeats the parameter (`type=a&type=b`). */
  readonly query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  readonly body?: unknown;
  readonly file?: Buffer | Readable;
  readonly stream?: boolean;
  readonly signal?: AbortSignal | undefined;
  readonly headers?: Record<string, string>;
  /**
   * How long the engine may take to answer (response headers, or the whole body when not a stream); `null` for
   * requests whose length the user controls (an upload, a commit): those end on Ctrl+C only.
   * @default the adapter's request timeout
   */
  readonly timeoutMs?: number | null;
  /** For a stream body: fail when the engine sends nothing for the request timeout while the reader waits. */
  readonly stall?: boolean;
  /** A request of the leftover sweep itself. */
  readonly sweep?: boolean;
}

// ---- Engine API JSON shapes (only the fields we read) ----
interface ApiMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
}
/** A network as `GET /networks` lists it and `GET /networks/{id}` inspects it (only inspect fills `Containers`). */
interface ApiNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Internal?: boolean;
  ConfigOnly?: boolean;
  Created?: string;
  Containers?: Record<string, unknown> | null;
}

interface ApiContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Labels?: Record<string, string> | null;
  Mounts?: ApiMount[] | null;
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; EndpointID?: string } | null> | null } | null;
  SizeRw?: number;
}
interface ApiContainerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  State?: { Status?: string; Running?: boolean; Paused?: boolean; StartedAt?: string };
  Config?: { Image?: string; Labels?: Record<string, string> | null; Volumes?: Record<string, unknown> | null };
  HostConfig?: {
    Binds?: string[] | null;
    Mounts?: { Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }[] | null;
    VolumesFrom?: string[] | null;
    Tmpfs?: Record<string, string> | null;
    AutoRemove?: boolean;
    LogConfig?: { Type?: string };
  };
  Mounts?: ApiMount[] | null;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  LogPath?: string;
  GraphDriver?: { Name?: string; Data?: Record<string, unknown> | null };
  SizeRw?: number;
}

/** Graph drivers whose writable layer is a plain directory holding exactly the container's changes. */
const OVERLAY_DRIVERS = new Set(['overlay2', 'overlay', 'fuse-overlayfs']);

/** A container as `/containers/json` (and `/system/df`, the same summaries) lists it. */
function containerOf(c: ApiContainerSummary): ContainerInfo {
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image ?? '',
    imageId: c.ImageID ?? '',
    state: mapState(c.State),
    status: c.Status ?? '',
    created: c.Created ?? 0,
    labels: labelsOf(c.Labels),
    mounts: (c.Mounts ?? []).map(mapMount),
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    endpointNetworks: Object.values(c.NetworkSettings?.Networks ?? {}).flatMap((n) =>
      n?.EndpointID && n.NetworkID ? [n.NetworkID] : [],
    ),
  };
}

function mapState(s: string | undefined): ContainerState {
  switch (s) {
    case 'created':
    case 'running':
    case 'paused':
    case 'restarting':
    case 'removing':
    case 'exited':
    case 'dead':
      return s;
    default:
      return 'dead';
  }
}

function mapMount(m: ApiMount): MountPoint {
  const t = m.Type ?? 'volume';
  const type: MountPoint['type'] =
    t === 'bind' || t === 'tmpfs' || t === 'npipe' || t === 'cluster' || t === 'image' ? t : 'volume';
  return {
    type,
    name: type === 'volume' ? (m.Name ?? null) : null,
    source: m.Source ?? '',
    destination: m.Destination ?? '',
    driver: m.Driver || null,
    mode: m.Mode ?? '',
    rw: m.RW ?? true,
  };
}

function labelsOf(l: Record<string, string> | null | undefined): Record<string, string> {
  return l ?? {};
}

/** How long one request may wait for the engine by default (`--timeout` / `LASTLOOK_TIMEOUT` override it). */
export const DEFAULT_TIMEOUT_S = 60;

export interface AdapterOptions {
  readonly connection: Connection;
  /** Per request: see {@link DialOptions.timeoutMs}; 0 waits forever. @default DEFAULT_TIMEOUT_S × 1000 */
  readonly timeoutMs?: number;
}

/** A `BuildCache` entry of `/system/df`: the parents are `Parent` on 20.10, ` Parents` (sic) on 26 and 28. */
interface RawBuildCache {
  ID?: string;
  Parent?: string;
  Parents?: string[] | null;
  ' Parents'?: string[] | null;
  Type?: string;
  Description?: string;
  InUse?: boolean;
  Shared?: boolean;
  Size?: number;
  CreatedAt?: string;
  LastUsedAt?: string | null;
}

function buildCacheRecord(b: RawBuildCache): BuildCacheRecord {
  const parents = b[' Parents'] ?? b.Parents ?? (b.Parent ? [b.Parent] : []);
  return {
    id: String(b.ID ?? ''),
    parents: parents.filter((p): p is string => typeof p === 'string' && p !== ''),
    type: String(b.Type ?? ''),
    description: String(b.Description ?? ''),
    inUse: b.InUse === true,
    shared: b.Shared === true,
    size: typeof b.Size === 'number' && b.Size >= 0 ? b.Size : null,
    createdAt: b.CreatedAt ?? null,
    lastUsedAt: b.LastUsedAt ?? null,
  };
}

export class DockerodeAdapter implements DockerPort {
  private readonly docker: Docker;
  private readonly transport: Transport;
  private readonly host: string;
  private readonly context: string | null;
  private apiVersion: string | null = null;
  private info: EngineInfo | null = null;
  private readonly imageVolumesCache = new Map<string, { volumes: string[]; size: number | null } | null>();
  private readonly timeoutMs: number;
  private swept: Promise<void> | null = null;
  private removedLeftovers = 0;
  private early: EarlyReads | null = null;
  private infoRead: Promise<EngineInfo> | null = null;
  /** Helpers made by `createVolumeWriter` (their volume at /v): Podman needs their uploads at /v (`putArchive`). */
  private readonly volumeWriters = new Set<string>();

  constructor(opts: AdapterOptions) {
    const c = opts.connection;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000;
    this.host = c.host;
    this.context = c.context;
    this.transport = createTransport(c);
    this.docker = this.transport.docker;
    if (c.pinnedApiVersion) this.apiVersion = c.pinnedApiVersion;
    // The launcher's early reads (./early-reads.ts), taken by the first adapter for the host they were sent to.
    const store = globalThis as { [EARLY_READS]?: EarlyReads };
    const early = store[EARLY_READS];
    if (early && early.host === this.host && !c.pinnedApiVersion) {
      this.early = early;
      delete store[EARLY_READS];
    }
  }

  close(): void {
    this.transport.close();
  }

  /** Raw request through dockerode's modem, with the negotiated API version prefixed. */
  private async dial<T>(o: DialOptions): Promise<T> {
    if (this.apiVersion === null && o.path !== '/version') await this.engineInfo({ signal: o.signal });
    // Before the first real request: remove the helpers that killed runs left (src/docker/sweep.ts), so that no
    // plan sees them holding a volume.
    if (!o.sweep && o.path !== '/version') {
      this.swept ??= this.sweepLeftovers(o.signal).then(() => undefined);
      await this.swept;
    }
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(o.query ?? {})) {
      if (v !== undefined) query[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    const prefix = this.apiVersion && o.path !== '/version' ? `/v${this.apiVersion}` : '';
    const modem = this.docker.modem as unknown as {
      dial(opts: Record<string, unknown>, cb: (err: unknown, data: unknown) => void): void;
      version?: string;
    };
    const limit = o.timeoutMs === undefined ? this.timeoutMs : (o.timeoutMs ?? 0);
    return new Promise<T>((resolve, reject) => {
      if (o.signal?.aborted) {
        reject(new DockerError('aborted', 'cancelled'));
        return;
      }
      // The engine may accept and never answer (frozen, overloaded, a wrong socket): each request has a deadline
      // for its answer. A local controller aborts the request itself, so no socket is left behind.
      const local = new AbortController();
      const signal = o.signal ? AbortSignal.any([o.signal, local.signal]) : local.signal;
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        f();
      };
      const timer =
        limit > 0
          ? setTimeout(() => {
              const e = timeoutError(this.host, `${o.method} ${o.path}`, limit);
              settle(() => reject(e));
              local.abort(e);
            }, limit)
          : null;
      const send = () =>
        modem.dial(
          {
            // The trailing `?` makes the modem append `_query` (and never the body) as the query string.
            path: `${prefix}${o.path}?`,
            method: o.method,
            // An empty `_body` keeps the modem from sending the options object itself as a POST body.
            options: { _query: query, _body: o.body ?? {} },
            file: o.file,
            isStream: o.stream ?? false,
            abortSignal: signal,
            headers: o.headers,
            statusCodes: {
              200: true,
              201: true,
              204: true,
              304: true,
              400: 'bad request',
              401: 'unauthorized',
              403: 'forbidden',
              404: 'not found',
              409: 'conflict',
              500: 'server error',
              503: 'unavailable',
            },
          },
          (err, data) =>
            settle(() => {
              if (err) reject(this.transport.mapError(err));
              else if (o.stream && o.stall && limit > 0)
                resolve(stallGuard(data as Readable, limit, () => stallError(this.host, o.path, limit)) as T);
              else resolve((o.stream ? data : normaliseBody(data)) as T);
            }),
        );
      // The launcher may have sent this very request already (./early-reads.ts): its answer, if a 200, stands in
      // for ours, under the same deadline; anything else and we send it ourselves.
      const early =
        o.stream || o.file ? undefined : this.early?.take(requestKey(o.method, `${prefix}${o.path}`, query));
      if (!early) {
        send();
        return;
      }
      const onAbort = () => settle(() => reject(new DockerError('aborted', 'cancelled')));
      signal.addEventListener('abort', onAbort, { once: true });
      early.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          if (settled) return;
          if (r?.status === 200) settle(() => resolve(normaliseBody(r.body) as T));
          else send();
        },
        () => send(),
      );
    });
  }

  /**
   * Removes leftover helpers of dead runs on this host (never a volume). Best effort: see src/docker/sweep.ts.
   * With `whole`, it reads the unfiltered `all=1` list (the one `listContainers` needs) instead of the list filtered
   * by the helper label, and returns it when it removed nothing: the run's first container list then doubles as the
   * sweep's (over ssh:// every request is one round trip on the session). Null otherwise: the caller lists again.
   */
  private async sweepLeftovers(signal?: AbortSignal, whole = false): Promise<ApiContainerSummary[] | null> {
    try {
      const list = await this.dial<ApiContainerSummary[]>({
        method: 'GET',
        path: '/containers/json',
        query: whole ? { all: 1 } : { all: 1, filters: JSON.stringify({ label: [HELPER_LABEL] }) },
        sweep: true,
        signal,
      });
      const removed = await this.removeLeftovers(list, signal);
      return whole && removed === 0 ? list : null;
    } catch (e) {
      // The sweep must not stop the command: the same engine error, if any, reaches the caller's own request. A
      // cancelled sweep is retried by the next request.
      if (e instanceof DockerError && e.kind === 'aborted') this.swept = null;
      return null;
    }
  }

  /** Removes the leftover helpers `list` holds (force, never their volumes); how many it removed. */
  private async removeLeftovers(list: readonly ApiContainerSummary[], signal?: AbortSignal): Promise<number> {
    const leftovers = list.filter((c) => isLeftover(labelsOf(c.Labels)));
    for (const c of leftovers) {
      await this.dial({
        method: 'DELETE',
        path: `/containers/${encodeURIComponent(c.Id)}`,
        query: { force: 1, v: 0 },
        sweep: true,
        signal,
      }).catch((e: unknown) => {
        // Gone meanwhile (another run swept it): that is the goal.
        if (!(e instanceof DockerError && e.kind === 'not-found')) throw e;
      });
    }
    this.removedLeftovers += leftovers.length;
    return leftovers.length;
  }

  async engineInfo(opts: CallOptions = {}): Promise<EngineInfo> {
    if (this.info) return this.info;
    // Callers that start together (the first requests of a run) share one `/version`; a failed one is asked again.
    // It carries no caller's signal (one caller cancelling must not fail the others; its deadline still applies):
    // each caller stops waiting when its own signal aborts.
    this.infoRead ??= this.readEngineInfo().finally(() => {
      this.infoRead = null;
    });
    const shared = this.infoRead;
    const signal = opts.signal;
    if (!signal) return shared;
    if (signal.aborted) throw new DockerError('aborted', 'cancelled');
    return new Promise<EngineInfo>((resolve, reject) => {
      const onAbort = () => reject(new DockerError('aborted', 'cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async readEngineInfo(): Promise<EngineInfo> {
    const v = await this.dial<{
      Version: string;
      ApiVersion: string;
      Os: string;
      Arch: string;
      Components?: { Name?: unknown }[] | null;
    }>({
      method: 'GET',
      path: '/version',
    });
    // Podman's compat service lists itself as a component; its version (4.3.1) is not a Docker version.
    const podman = Array.isArray(v.Components) && v.Components.some((c) => c?.Name === 'Podman Engine');
    const negotiated =
      this.apiVersion ?? (compareVersions(v.ApiVersion, CLIENT_MAX_API) < 0 ? v.ApiVersion : CLIENT_MAX_API);
    this.apiVersion = negotiated;
    this.info = {
      host: this.host,
      context: this.context,
      version: v.Version,
      apiVersion: negotiated,
      maxApiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      kind: podman ? 'podman' : 'docker',
    };
    return this.info;
  }

  leftoversRemoved(): number {
    return this.removedLeftovers;
  }

  async listContainers(opts: CallOptions = {}): Promise<ContainerInfo[]> {
    let list: ApiContainerSummary[] | null = null;
    if (this.swept === null) {
      // The run's first request after /version is this list (a plan, the explorer): it is the sweep's list too,
      // and the requests started beside it do not wait for it (set before any await). When it removes a leftover,
      // `leftoversRemoved` changes and the snapshot reads everything again (src/docker/snapshot.ts).
      this.swept = Promise.resolve();
      list = await this.sweepLeftovers(opts.signal, true);
    }
    list ??= await this.dial<ApiContainerSummary[]>({
      method: 'GET',
      path: '/containers/json',
      query: { all: 1 },
      signal: opts.signal,
    });
    return list.map(containerOf);
  }

  private async imageVolumes(imageId: string, signal?: AbortSignal): Promise<string[] | null> {
    return (await this.imageFacts(imageId, signal))?.volumes ?? null;
  }

  /** The image's `Config.Volumes` keys and `Size`, once per image; null when the image is gone. */
  private async imageFacts(
    imageId: string,
    signal?: AbortSignal,
  ): Promise<{ volumes: string[]; size: number | null } | null> {
    if (this.imageVolumesCache.has(imageId)) return this.imageVolumesCache.get(imageId) ?? null;
    try {
      const img = await this.dial<{ Config?: { Volumes?: Record<string, unknown> | null } | null; Size?: number }>({
        method: 'GET',
        path: `/images/${encodeURIComponent(imageId)}/json`,
        signal,
      });
      const facts = {
        volumes: Object.keys(img.Config?.Volumes ?? {}),
        size: typeof img.Size === 'number' && img.Size >= 0 ? img.Size : null,
      };
      this.imageVolumesCache.set(imageId, facts);
      return facts;
    } catch (e) {
      if (e instanceof DockerError && e.kind === 'not-found') {
        this.imageVolumesCache.set(imageId, null);
        return null;
      }
      throw e;
    }
  }

  async inspectContainer(idOrName: string, opts: CallOptions & { size?: boolean } = {}): Promise<ContainerInfo> {
    const c = await this.dial<ApiContainerInspect>({
      method: 'GET',
      path: `/containers/${encodeURIComponent(idOrName)}/json`,
      query: { size: opts.size ? 1 : undefined },
      signal: opts.signal,
    });
    const hc = c.HostConfig ?? {};
    const image = c.Image ? await this.imageFacts(c.Image, opts.signal) : null;
    const spec: ContainerSpec = {
      binds: hc.Binds ?? [],
      mounts: (hc.Mounts ?? []).map((m) => ({
        type: m.Type ?? 'volume',
        source: m.Source ?? '',
        target: m.Target ?? '',
        readOnly: m.ReadOnly ?? false,
      })),
      volumesFrom: hc.VolumesFrom ?? [],
      configVolumes: Object.keys(c.Config?.Volumes ?? {}),
      imageVolumes: image?.volumes ?? null,
      imageBytes: image?.size ?? null,
      tmpfs: Object.keys(hc.Tmpfs ?? {}),
      autoRemove: hc.AutoRemove ?? false,
      logDriver: hc.LogConfig?.Type ?? 'json-file',
      logPath: c.LogPath ?? '',
      graphDriver: c.GraphDriver?.Name ?? null,
      layerDir: this.layerDirOf(c),
      // Go's zero time until the first start.
      started: c.State?.StartedAt !== undefined && !c.State.StartedAt.startsWith('0001-'),
    };
    const state = mapState(c.State?.Status);
    return {
      id: c.Id,
      name: (c.Name ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      image: c.Config?.Image ?? '',
      imageId: c.Image ?? '',
      state,
      status: state,
      created: c.Created ? Math.floor(Date.parse(c.Created) / 1000) : 0,
      labels: labelsOf(c.Config?.Labels),
      mounts: (c.Mounts ?? []).map(mapMount),
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
      spec,
      // SizeRw is a pointer in inspect: present when size=1 was asked; absent then means 0 bytes.
      ...(opts.size ? { sizeRw: c.SizeRw ?? 0 } : {}),
    };
  }

  async listVolumes(opts: CallOptions = {}): Promise<VolumeInfo[]> {
    const r = await this.dial<{
      Volumes?:
        | {
            Name: string;
            Driver?: string;
            Labels?: Record<string, string> | null;
            Options?: Record<string, string> | null;
            Mountpoint?: string;
            CreatedAt?: string;
            Scope?: string;
          }[]
        | null;
    }>({ method: 'GET', path: '/volumes', signal: opts.signal });
    const anonymous = await this.podmanAnonymous(opts.signal);
    return (r.Volumes ?? []).map((v) => ({
      ...(anonymous ? { anonymous: anonymous.get(v.Name) ?? false } : {}),
      name: v.Name,
      driver: v.Driver ?? 'local',
      labels: labelsOf(v.Labels),
      options: v.Options ?? {},
      mountpoint: v.Mountpoint ?? '',
      createdAt: v.CreatedAt ?? null,
      scope: v.Scope ?? 'local',
    }));
  }

  /**
   * Podman only: which volumes libpod created anonymous (`GET /libpod/volumes/json`, `Anonymous`), which the compat
   * list hides; null on Docker. A volume missing from the libpod list (created meanwhile) counts as not anonymous
   * only if libpod says so: it is left out of the map, and `listVolumes` then says false.
   */
  private async podmanAnonymous(signal?: AbortSignal): Promise<Map<string, boolean> | null> {
    const info = await this.engineInfo({ signal });
    if (info.kind !== 'podman') return null;
    const list = await this.dial<{ Name: string; Anonymous?: boolean }[] | null>({
      method: 'GET',
      path: '/libpod/volumes/json',
      signal,
    });
    return new Map((list ?? []).map((v) => [v.Name, v.Anonymous === true]));
  }

  async volumeSizes(opts: CallOptions = {}): Promise<Map<string, number>> {
    const info = await this.engineInfo(opts);
    // `type=volume` (API >= 1.42) spares the engine measuring every container and image too.
    const typed = compareVersions(info.apiVersion, '1.42') >= 0;
    const r = await this.dial<{ Volumes?: { Name: string; UsageData?: { Size?: number } | null }[] | null }>({
      method: 'GET',
      path: '/system/df',
      query: typed ? { type: 'volume' } : {},
      signal: opts.signal,
    });
    const sizes = new Map<string, number>();
    for (const v of r.Volumes ?? []) {
      const size = v.UsageData?.Size;
      // -1 means the engine could not measure it: leave it out (unknown), never guess.
      if (typeof size === 'number' && size >= 0) sizes.set(v.Name, size);
    }
    return sizes;
  }

  async diskUsage(
    opts: CallOptions & { containers?: boolean; volumes?: boolean; buildCache?: boolean; list?: boolean } = {},
  ): Promise<DiskUsage> {
    const wantContainers = opts.containers ?? true;
    // With `list`, its containers (the same summaries as `/containers/json?all=1`, sizes added) stand in for the
    // container list; as the run's first list it is the sweep's too, as in listContainers. Set before any await:
    // a request started beside it (the data root's /info) would otherwise begin a sweep with a list of its own.
    const listing = opts.list === true && wantContainers;
    const sweeping = listing && this.swept === null;
    if (sweeping) this.swept = Promise.resolve();
    const info = await this.engineInfo(opts);
    const wantVolumes = opts.volumes ?? true;
    const wantCache = opts.buildCache ?? false;
    // `type` (API >= 1.42, repeatable) spares the engine measuring what is not asked for (images, above all);
    // older APIs measure everything.
    const types = [
      ...(wantContainers ? ['container'] : []),
      ...(wantVolumes ? ['volume'] : []),
      ...(wantCache ? ['build-cache'] : []),
    ];
    const typed = compareVersions(info.apiVersion, '1.42') >= 0 && types.length > 0;
    const r = await this.dial<{
      Containers?: (ApiContainerSummary & { SizeRw?: number })[] | null;
      Volumes?: { Name: string; UsageData?: { Size?: number } | null }[] | null;
      BuildCache?: RawBuildCache[] | null;
    }>({
      method: 'GET',
      path: '/system/df',
      query: typed ? { type: types } : {},
      signal: opts.signal,
    });
    let list: ContainerInfo[] | undefined;
    if (listing) {
      const raw = r.Containers ?? [];
      // A leftover removed: the snapshot reads everything again (`leftoversRemoved`), the list included.
      const removed = sweeping ? await this.removeLeftovers(raw, opts.signal).catch(() => 0) : 0;
      if (removed === 0) list = raw.map(containerOf);
    }
    const containers = new Map<string, number>();
    // SizeRw is `omitempty` in the summary: absent means 0 bytes (docker-semantics.md §5).
    if (wantContainers) for (const c of r.Containers ?? []) containers.set(c.Id, c.SizeRw ?? 0);
    const volumes = new Map<string, number>();
    if (wantVolumes) {
      for (const v of r.Volumes ?? []) {
        const size = v.UsageData?.Size;
        // -1 means the engine could not measure it: leave it out (unknown), never guess.
        if (typeof size === 'number' && size >= 0) volumes.set(v.Name, size);
      }
    }
    return {
      containers,
      volumes,
      ...(wantCache ? { buildCache: (r.BuildCache ?? []).map(buildCacheRecord) } : {}),
      ...(list ? { list } : {}),
    };
  }

  async listBuildCache(opts: CallOptions = {}): Promise<BuildCacheRecord[]> {
    const info = await this.engineInfo(opts);
    const typed = compareVersions(info.apiVersion, '1.42') >= 0;
    const r = await this.dial<{ BuildCache?: RawBuildCache[] | null }>({
      method: 'GET',
      path: '/system/df',
      query: typed ? { type: 'build-cache' } : {},
      signal: opts.signal,
    });
    return (r.BuildCache ?? []).map(buildCacheRecord);
  }

  async removeBuildCache(ids: readonly string[], opts: CallOptions = {}): Promise<string[]> {
    if (ids.length === 0) return [];
    // `id` is a regular expression for BuildKit: anchored, and IDs are [a-z0-9] only (never widened). One request:
    // BuildKit repeats its prune until nothing more matches, so a record goes after the records built on it.
    for (const id of ids) {
      if (!/^[a-z0-9]+$/.test(id)) throw new DockerError('bad-request', `not a build cache ID: ${id}`);
    }
    const r = await this.dial<{ CachesDeleted?: string[] | null }>({
      method: 'POST',
      path: '/build/prune',
      query: { all: 1, filters: JSON.stringify({ id: { [`^(${ids.join('|')})$`]: true } }) },
      signal: opts.signal,
    });
    return r.CachesDeleted ?? [];
  }

  async dataRoot(opts: CallOptions = {}): Promise<string | null> {
    const r = await this.dial<{ DockerRootDir?: string }>({ method: 'GET', path: '/info', signal: opts.signal });
    return r.DockerRootDir || null;
  }

  async listNetworks(
    opts: CallOptions & { readonly containers?: readonly ContainerInfo[] } = {},
  ): Promise<NetworkInfo[]> {
    const list = await this.dial<ApiNetwork[]>({ method: 'GET', path: '/networks', signal: opts.signal });
    // The list endpoint leaves `Containers` empty; only inspect reports the active endpoints. A predefined network
    // (bridge, host, none; Podman's podman) is never removed by any command lastlook plans, so its endpoints are not
    // read (null): one round trip fewer each, over ssh:// on the one session.
    const rules = engineRules(await this.engineInfo({ signal: opts.signal }));
    // On Docker the container list says the same as each inspect's `Containers`: a container has an endpoint on a
    // network when its `EndpointID` there is set (running and paused ones; test/engine/adapter.test.ts compares
    // both on 20.10, 26 and 28). Podman's inspect lists containers in any state: it is asked.
    const listed =
      rules.kind === 'docker' && opts.containers?.every((c) => c.endpointNetworks !== undefined)
        ? opts.containers
        : undefined;
    const read = await Promise.all(
      list.map(async (n): Promise<{ n: ApiNetwork; endpoints: string[] | null } | null> => {
        if (rules.predefinedNetworks.has(n.Name)) return { n, endpoints: null };
        if (listed) {
          return { n, endpoints: listed.filter((c) => c.endpointNetworks?.includes(n.Id)).map((c) => c.id) };
        }
        try {
          const i = await this.dial<ApiNetwork>({
            method: 'GET',
            path: `/networks/${encodeURIComponent(n.Id)}`,
            signal: opts.signal,
          });
          return { n: i, endpoints: Object.keys(i.Containers ?? {}).filter((id) => !id.startsWith('ep-')) };
        } catch (e) {
          if (e instanceof DockerError && e.kind === 'not-found') return null; // removed meanwhile
          throw e;
        }
      }),
    );
    return read
      .filter((r) => r !== null)
      .map(({ n, endpoints }) => ({
        id: n.Id,
        name: n.Name,
        driver: n.Driver ?? '',
        scope: n.Scope ?? 'local',
        labels: labelsOf(n.Labels),
        internal: n.Internal ?? false,
        configOnly: n.ConfigOnly ?? false,
        endpoints,
        createdMs: n.Created && !Number.isNaN(Date.parse(n.Created)) ? Date.parse(n.Created) : null,
      }));
  }

  async listImages(opts: CallOptions = {}): Promise<ImageInfo[]> {
    const list = await this.dial<
      {
        Id: string;
        RepoTags?: string[] | null;
        RepoDigests?: string[] | null;
        ParentId?: string;
        Size?: number;
        Created?: number;
        Labels?: Record<string, string> | null;
      }[]
    >({ method: 'GET', path: '/images/json', query: { all: 1 }, signal: opts.signal });
    // all=1: the intermediate parents too (legacy builder, docker commit), which a prune or `rmi` can take along.
    return list.map((i) => ({
      id: i.Id,
      repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      repoDigests: (i.RepoDigests ?? []).filter((t) => t !== '<none>@<none>'),
      parentId: i.ParentId ?? '',
      size: i.Size ?? 0,
      created: i.Created ?? 0,
      labels: labelsOf(i.Labels),
    }));
  }

  async containerChanges(id: string, opts: CallOptions = {}): Promise<Change[]> {
    const r = await this.dial<{ Path: string; Kind: number }[] | null>({
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/changes`,
      signal: opts.signal,
    });
    return mapChanges(r);
  }

  async archive(id: string, path: string, opts: CallOptions = {}): Promise<Readable> {
    const stream = await this.dial<Readable>({
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/archive`,
      query: { path },
      stream: true,
      stall: true,
      signal: opts.signal,
    });
    if ((await this.engineInfo(opts)).kind !== 'podman') return stream;
    // Podman names a never-started container's entries from `/`: give them Docker's `<base>/…` form.
    const rebased = rebaseArchive(posix.basename(posix.normalize(path)) || '.');
    pipeline(stream, rebased, () => undefined);
    return rebased;
  }

  /** The writable layer's directory, when it is one of this machine (ContainerSpec.layerDir). */
  private layerDirOf(c: ApiContainerInspect): string | null {
    // Only an engine on this machine: over ssh:// or tcp:// the path names a directory of another one.
    if (!this.host.startsWith('unix://')) return null;
    const upper = c.GraphDriver?.Data?.UpperDir;
    return OVERLAY_DRIVERS.has(c.GraphDriver?.Name ?? '') && typeof upper === 'string' && upper.startsWith('/')
      ? upper
      : null;
  }

  async statPath(id: string, path: string, opts: CallOptions = {}): Promise<ContainerPathStat | null> {
    let res: IncomingMessage;
    try {
      res = await this.dial<IncomingMessage>({
        method: 'HEAD',
        path: `/containers/${encodeURIComponent(id)}/archive`,
        query: { path },
        stream: true,
        signal: opts.signal,
      });
    } catch (e) {
      if (e instanceof DockerError && e.statusCode === 404) return null;
      throw e;
    }
    res.resume();
    const header = res.headers['x-docker-container-path-stat'];
    const text = typeof header === 'string' ? Buffer.from(header, 'base64').toString('utf8') : '';
    let raw: { name?: unknown; size?: unknown; mode?: unknown; linkTarget?: unknown };
    try {
      raw = JSON.parse(text) as typeof raw;
    } catch {
      throw new DockerError('protocol', `HEAD archive of ${path}: no readable X-Docker-Container-Path-Stat header`);
    }
    return {
      name: typeof raw.name === 'string' ? raw.name : '',
      size: typeof raw.size === 'number' && raw.size >= 0 ? raw.size : 0,
      mode: typeof raw.mode === 'number' ? raw.mode >>> 0 : 0,
      linkTarget: typeof raw.linkTarget === 'string' ? raw.linkTarget : '',
    };
  }

  async stopContainer(id: string, opts: CallOptions & { timeout?: number }): Promise<void> {
    // 304 (already stopped) is a success for us.
    await this.dial({
      method: 'POST',
      path: `/containers/${encodeURIComponent(id)}/stop`,
      query: { t: opts.timeout },
      // The engine itself waits up to t seconds (default 10, or the container's StopTimeout) before it kills.
      timeoutMs: this.timeoutMs > 0 ? this.timeoutMs + (opts.timeout ?? 10) * 1000 : null,
      signal: opts.signal,
    });
  }

  async removeContainer(id: string, opts: CallOptions & { force: boolean; volumes: boolean }): Promise<void> {
    await this.dial({
      method: 'DELETE',
      path: `/containers/${encodeURIComponent(id)}`,
      query: { force: opts.force ? 1 : undefined, v: opts.volumes ? 1 : undefined },
      signal: opts.signal,
    });
    this.volumeWriters.delete(id);
  }

  async removeVolume(name: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.dial({
      method: 'DELETE',
      path: `/volumes/${encodeURIComponent(name)}`,
      query: { force: opts.force ? 1 : undefined },
      signal: opts.signal,
    });
  }

  async removeNetwork(id: string, opts: CallOptions = {}): Promise<void> {
    await this.dial({ method: 'DELETE', path: `/networks/${encodeURIComponent(id)}`, signal: opts.signal });
  }

  async removeImage(id: string, opts: CallOptions & { force?: boolean; noprune?: boolean } = {}): Promise<void> {
    await this.dial({
      method: 'DELETE',
      path: `/images/${encodeURIComponent(id)}`,
      query: { force: opts.force ? 1 : undefined, noprune: opts.noprune ? 1 : undefined },
      signal: opts.signal,
    });
  }

  private async ensureEmptyImage(signal?: AbortSignal): Promise<void> {
    try {
      await this.dial({ method: 'GET', path: `/images/${encodeURIComponent(EMPTY_IMAGE)}/json`, signal });
      return;
    } catch (e) {
      if (!(e instanceof DockerError && e.kind === 'not-found')) throw e;
    }
    const [repo, tag] = EMPTY_IMAGE.split(':');
    // Podman 4.3.1 ignores `tag` on import (the image would be `:latest`, found by no later lookup, and left
    // dangling by the next import); `repo=name:tag` works on Podman and Docker alike.
    const podman = (await this.engineInfo({ signal })).kind === 'podman';
    // An empty tar (two zero blocks) imported as an image: one 0-byte layer, no Cmd, nothing that can run.
    const stream = await this.dial<Readable>({
      method: 'POST',
      path: '/images/create',
      query: podman ? { fromSrc: '-', repo: EMPTY_IMAGE } : { fromSrc: '-', repo, tag },
      file: Buffer.alloc(1024),
      stream: true,
      signal,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    await consumeJsonStream(stream);
  }

  /**
   * A never-started helper container from the empty image with `volume` mounted at /v: nothing can run in it
   * (its command does not exist), and it holds a reference to the volume until it is removed.
   */
  private async createVolumeHelper(volume: string, mode: 'reader' | 'writer', signal?: AbortSignal): Promise<string> {
    await this.ensureEmptyImage(signal);
    const r = await this.dial<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      body: {
        Image: EMPTY_IMAGE,
        Cmd: ['/lastlook-never-started'],
        Labels: { [HELPER_LABEL]: `volume-${mode}`, [OWNER_LABEL]: ownerTag() },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: 'none',
          Mounts: [
            {
              Type: 'volume',
              Source: volume,
              Target: '/v',
              ReadOnly: mode === 'reader',
              VolumeOptions: { NoCopy: true },
            },
          ],
        },
      },
      signal,
    });
    if (mode === 'writer') this.volumeWriters.add(r.Id);
    return r.Id;
  }

  async createVolumeReader(volume: string, opts: CallOptions = {}): Promise<string> {
    return this.createVolumeHelper(volume, 'reader', opts.signal);
  }

  async createVolumeWriter(volume: string, opts: CallOptions = {}): Promise<string> {
    return this.createVolumeHelper(volume, 'writer', opts.signal);
  }

  async createImageReader(image: string, opts: CallOptions = {}): Promise<string> {
    const volumes = (await this.imageVolumes(image, opts.signal)) ?? [];
    const r = await this.dial<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      body: {
        Image: image,
        // Never started; an explicit entrypoint also makes images without CMD acceptable to create.
        Entrypoint: ['/lastlook-never-started'],
        Cmd: [],
        Labels: { [HELPER_LABEL]: 'image-reader', [OWNER_LABEL]: ownerTag() },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none', Mounts: volumes.map((v) => ({ Type: 'tmpfs', Target: v })) },
      },
      signal: opts.signal,
    });
    return r.Id;
  }

  async exportContainer(id: string, opts: CallOptions = {}): Promise<Readable> {
    return this.dial<Readable>({
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/export`,
      stream: true,
      stall: true,
      signal: opts.signal,
    });
  }

  async putArchive(id: string, path: string, body: Readable, opts: CallOptions = {}): Promise<void> {
    let tar = body;
    const podman = (await this.engineInfo(opts)).kind === 'podman';
    if (path === '/' && this.volumeWriters.has(id) && podman) {
      // Podman extracts at `/` into the helper's own root filesystem, not into the volume mounted at /v: send the
      // `v/…` entries relative to /v instead (src/docker/archive-rebase.ts). An error of `body` reaches `tar`.
      const unbased = unbaseArchive('v');
      pipeline(body, unbased, () => undefined);
      tar = unbased;
      path = '/v';
    }
    // A failing body stream must fail the request: the modem only destroys the request, so also abort it.
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let bodyError: unknown = null;
    tar.once('error', (e) => {
      bodyError = e;
      ac.abort();
    });
    try {
      const res = await this.dial<Readable>({
        method: 'PUT',
        path: `/containers/${encodeURIComponent(id)}/archive`,
        // Podman's compat endpoint chowns every entry to the container's user unless told `copyUIDGID=false`
        // (Docker keeps the archive's owners by default): say it, so that owners survive a restore on Podman.
        query: { path, noOverwriteDirNonDir: true, ...(podman ? { copyUIDGID: false } : {}) },
        file: tar,
        stream: true,
        // The answer comes after the whole upload, whose length is the archive's: no deadline (Ctrl+C stops it).
        timeoutMs: null,
        signal: ac.signal,
        headers: { 'Content-Type': 'application/x-tar' },
      });
      res.resume();
      await new Promise<void>((resolve, reject) => {
        res.once('end', resolve);
        res.once('error', reject);
      });
    } catch (e) {
      if (bodyError) throw bodyError;
      throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (bodyError) throw bodyError;
  }

  async createVolume(spec: VolumeCreateSpec, opts: CallOptions = {}): Promise<void> {
    await this.dial({
      method: 'POST',
      path: '/volumes/create',
      body: {
        Name: spec.name,
        Driver: spec.driver ?? 'local',
        Labels: spec.labels ?? {},
        DriverOpts: spec.options ?? {},
      },
      signal: opts.signal,
    });
  }

  async commitContainer(
    id: string,
    spec: { repo: string; tag: string; comment?: string; pause?: boolean },
    opts: CallOptions = {},
  ): Promise<string> {
    const r = await this.dial<{ Id: string }>({
      method: 'POST',
      path: '/commit',
      query: { container: id, repo: spec.repo, tag: spec.tag, comment: spec.comment, pause: spec.pause ?? true },
      // Committing copies the whole writable layer: as long as it is big, no deadline (Ctrl+C stops it).
      timeoutMs: null,
      signal: opts.signal,
    });
    return r.Id;
  }

  async execStream(id: string, cmd: readonly string[], opts: CallOptions = {}): Promise<ExecStream> {
    const created = await this.dial<{ Id: string }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(id)}/exec`,
      body: { Cmd: [...cmd], AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false },
      signal: opts.signal,
    });
    const exec = this.docker.getExec(created.Id);
    const raw = (await exec.start({ hijack: true, stdin: false, abortSignal: opts.signal } as never)) as Readable;
    const stdout = new PassThrough();
    const stderrSink = new PassThrough();
    let stderr = '';
    stderrSink.on('data', (c: Buffer) => {
      // Capped: a chatty tool must not fill memory; the tail is what explains a failure.
      stderr = (stderr + c.toString('utf8')).slice(-16_384);
    });
    this.docker.modem.demuxStream(raw, stdout, stderrSink);
    const finished = new Promise<{ exitCode: number | null; stderr: string }>((resolve, reject) => {
      raw.once('error', (e) => {
        stdout.destroy(this.transport.mapError(e));
        reject(this.transport.mapError(e));
      });
      raw.once('end', () => {
        stdout.end();
        this.dial<{ ExitCode: number | null }>({ method: 'GET', path: `/exec/${created.Id}/json`, signal: opts.signal })
          .then((i) => resolve({ exitCode: i.ExitCode ?? null, stderr }))
          .catch(reject);
      });
    });
    finished.catch(() => {});
    return { stdout, finished };
  }

  async containerLogs(
    id: string,
    opts: CallOptions & { readonly tail: number; readonly follow: boolean },
  ): Promise<Readable> {
    const path = `/containers/${encodeURIComponent(id)}`;
    const info = await this.dial<{ Config?: { Tty?: boolean } }>({
      method: 'GET',
      path: `${path}/json`,
      signal: opts.signal,
    });
    const raw = await this.dial<Readable>({
      method: 'GET',
      path: `${path}/logs`,
      query: { stdout: 1, stderr: 1, tail: String(opts.tail), follow: opts.follow ? 1 : 0 },
      stream: true,
      signal: opts.signal,
    });
    // A TTY container's log is the terminal's byte stream; without one, each chunk is framed by stream (8-byte headers).
    if (info.Config?.Tty) return raw;
    const out = new PassThrough();
    this.docker.modem.demuxStream(raw, out, out);
    raw.once('end', () => out.end());
    raw.once('error', (e) => out.destroy(this.transport.mapError(e)));
    out.once('close', () => raw.destroy());
    return out;
  }

  async events(onEvent: (event: EngineEvent) => void, opts: CallOptions = {}): Promise<void> {
    const stream = await this.dial<Readable>({ method: 'GET', path: '/events', stream: true, signal: opts.signal });
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      const onAbort = () => {
        stream.destroy();
        resolve();
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) {
            try {
              onEvent(mapEvent(JSON.parse(line)));
            } catch {
              // A malformed line in the event stream is skipped: the next event refreshes anyway.
            }
          }
          nl = buf.indexOf('\n');
        }
      });
      stream.on('end', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      stream.on('error', (err) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (opts.signal?.aborted) resolve();
        else reject(this.transport.mapError(err));
      });
    });
  }
}

/** Engine change kinds: 0 modified, 1 added, 2 deleted (Engine API `ChangeType`); `null` means no changes. */
export function mapChanges(r: readonly { Path: string; Kind: number }[] | null | undefined): Change[] {
  return (r ?? []).map((c) => ({
    path: c.Path,
    kind: c.Kind === 1 ? 'added' : c.Kind === 2 ? 'deleted' : 'modified',
  }));
}

export function mapEvent(e: { Type?: string; Action?: string; Actor?: { ID?: string }; time?: number }): EngineEvent {
  const t = e.Type;
  return {
    type: t === 'container' || t === 'volume' || t === 'network' || t === 'image' ? t : 'other',
    action: e.Action ?? '',
    id: e.Actor?.ID ?? '',
    time: e.time ?? 0,
  };
}

/** The modem hands back a raw Buffer when the body is JSON `null` or empty; give callers JSON values only. */
function normaliseBody(data: unknown): unknown {
  if (!Buffer.isBuffer(data)) return data;
  const text = data.toString('utf8').trim();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function consumeJsonStream(stream: Readable): Promise<void> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
    if (msg.error) throw new DockerError('server', msg.errorDetail?.message ?? msg.error);
  }
}

function timeoutError(host: string, what: string, ms: number): DockerError {
  return new DockerError(
    'timeout',
    `the Docker engine at ${host} did not answer within ${ms / 1000} s (${what})`,
    'is it frozen or overloaded? Check it with `docker info`; to wait longer pass --timeout SECONDS ' +
      '(or set LASTLOOK_TIMEOUT; 0 waits forever)',
  );
}

function stallError(host: string, path: string, ms: number): DockerError {
  return new DockerError(
    'timeout',
    `the Docker engine at ${host} stopped sending data for ${ms / 1000} s (${path})`,
    'is it frozen or overloaded? Check it with `docker info`; nothing was kept. To wait longer pass ' +
      '--timeout SECONDS (or set LASTLOOK_TIMEOUT; 0 waits forever)',
  );
}

/**
 * A stream body with a stall policy instead of a total deadline: an export may rightly take an hour, but not
 * `ms` of silence while its reader waits for data. Time the reader spends not reading (back-pressure: data is
 * waiting in the buffer) is not the engine's: the clock only runs while the buffer is empty.
 */
export function stallGuard(source: Readable, ms: number, onStall: () => Error): Readable {
  const out = new PassThrough();
  let timer: NodeJS.Timeout | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const arm = () => {
    stop();
    timer = setTimeout(() => {
      if (out.destroyed || out.writableFinished) return;
      if (out.readableLength > 0 || out.writableLength > 0 || source.readableLength > 0) return arm();
      const e = onStall();
      source.destroy(e);
      out.destroy(e);
    }, ms);
  };
  source.on('data', arm);
  source.once('end', stop);
  out.once('close', () => {
    stop();
    // The reader gave up: let the request go too.
    if (!source.destroyed) source.destroy();
  });
  source.once('error', (e) => {
    stop();
    out.destroy(e);
  });
  source.pipe(out);
  arm();
  return out;
}

/** The real port. `timeoutMs`: see {@link AdapterOptions.timeoutMs}. */
export function connect(connection: Connection, opts: { timeoutMs?: number } = {}): DockerPort {
  return new DockerodeAdapter({ connection, ...opts });
}
