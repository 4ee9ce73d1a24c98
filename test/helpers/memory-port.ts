/**
 * An in-memory implementation of OUR port (DockerPort, STYLE §3.11), fed with JSON recorded from a real engine by
 * scripts/record-fixtures.mjs (test/fixtures/engine-json/README.md). Removals really remove from its lists, every
 * method honours its AbortSignal, and a test can hold chosen methods ("deferred") and settle each call itself to
 * reach a deterministic idle state (lazygit's Busy.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type {
  Change,
  ContainerInfo,
  EngineEvent,
  EngineInfo,
  ImageInfo,
  NetworkInfo,
  VolumeInfo,
} from '../../src/core/model.js';
import { DockerError } from '../../src/docker/errors.js';
import type { CallOptions, DockerPort } from '../../src/docker/port.js';

/** The recorded fixture, as written by scripts/record-fixtures.mjs. */
export interface EngineFixture {
  readonly recorded: { readonly by: string; readonly at: string; readonly engine: string };
  readonly engine: EngineInfo;
  readonly containers: readonly ContainerInfo[];
  readonly inspected: Readonly<Record<string, ContainerInfo>>;
  readonly changes: Readonly<Record<string, readonly Change[]>>;
  readonly volumes: readonly VolumeInfo[];
  readonly volumeSizes: Readonly<Record<string, number>>;
  readonly networks: readonly NetworkInfo[];
  readonly images: readonly ImageInfo[];
}

const FIXTURES = join(import.meta.dirname, '../fixtures/engine-json');

export function loadFixture(file = 'demo-26.1.5.json'): EngineFixture {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as EngineFixture;
}

/** A recorded container by name (tests never copy IDs). */
export function containerNamed(f: Pick<EngineFixture, 'containers'>, name: string): ContainerInfo {
  const c = f.containers.find((x) => x.name === name);
  if (!c) throw new Error(`the fixture has no container ${name}`);
  return c;
}

export type PortMethod = Exclude<keyof DockerPort, never>;

/** One call held in deferred mode, until the test settles it. */
export interface PendingCall {
  readonly method: PortMethod;
  readonly args: readonly unknown[];
  readonly signal: AbortSignal | undefined;
  /** Runs the call against the port's state now, and settles it with the result. */
  resolve(): void;
  reject(error: Error): void;
  readonly settled: boolean;
  /** True when its signal aborted it before the test settled it. */
  readonly aborted: boolean;
}

export interface MemoryPortOptions {
  /** Methods whose calls wait until the test settles them (see `pending`, `nextPending`). @default none */
  readonly deferred?: readonly PortMethod[];
  /**
   * When false, an aborted deferred call still settles with its result when the test resolves it: a response
   * that was already on its way when the caller gave up (what the caller must ignore). @default true
   */
  readonly honourAbort?: boolean;
  /**
   * Offer `diskUsage` (one `/system/df`: writable-layer bytes recorded by name in demo-26.1.5-df.json, volume bytes
   * from the fixture). Off by default: without it, callers fall back to `volumeSizes` as for a port that lacks it.
   */
  readonly diskUsage?: boolean;
}

/** Writable-layer bytes by container name, recorded from the demo engine (`record-fixtures.mjs --disk-usage`). */
export function loadLayerSizes(file = 'demo-26.1.5-df.json'): Readonly<Record<string, number>> {
  return (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { containers: Record<string, number> }).containers;
}

function aborted(): DockerError {
  return new DockerError('aborted', 'cancelled');
}

function notFound(what: string): DockerError {
  return new DockerError('not-found', `No such ${what}`, null, 404);
}

export class MemoryPort implements DockerPort {
  containers: ContainerInfo[];
  volumes: VolumeInfo[];
  networks: NetworkInfo[];
  images: ImageInfo[];
  private readonly inspected: Map<string, ContainerInfo>;
  private readonly changes: Map<string, readonly Change[]>;
  private readonly sizes: Map<string, number>;
  private readonly deferred: ReadonlySet<PortMethod>;
  private readonly honourAbort: boolean;
  private readonly held: PendingCall[] = [];
  private readonly waiters: { method: PortMethod; take: (p: PendingCall) => void }[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** Every call made, in order (method and first argument), for assertions on what the UI asked. */
  readonly calls: { readonly method: PortMethod; readonly arg: unknown }[] = [];

  constructor(
    readonly fixture: EngineFixture,
    opts: MemoryPortOptions = {},
  ) {
    this.containers = [...fixture.containers];
    this.volumes = [...fixture.volumes];
    this.networks = [...fixture.networks];
    this.images = [...fixture.images];
    this.inspected = new Map(Object.entries(fixture.inspected));
    this.changes = new Map(Object.entries(fixture.changes));
    this.sizes = new Map(Object.entries(fixture.volumeSizes));
    this.deferred = new Set(opts.deferred ?? []);
    this.honourAbort = opts.honourAbort ?? true;
    if (opts.diskUsage) {
      const layers = loadLayerSizes();
      this.diskUsage = (o: CallOptions = {}) =>
        this.call('diskUsage', [], o.signal, () => ({
          containers: new Map(
            this.containers.flatMap((c) => (layers[c.name] === undefined ? [] : [[c.id, layers[c.name] as number]])),
          ),
          volumes: new Map([...this.sizes].filter(([n]) => this.volumes.some((v) => v.name === n))),
        }));
    }
  }

  /** One `/system/df` (only with the `diskUsage` option). */
  readonly diskUsage?: DockerPort['diskUsage'];

  // ---- test controls ----

  /** Unsettled deferred calls, oldest first (of one method, or all). */
  pending(method?: PortMethod): PendingCall[] {
    return this.held.filter((p) => !p.settled && (method === undefined || p.method === method));
  }

  /** The next deferred call of `method` (one already waiting, or the next one made); fails after `timeoutMs`. */
  nextPending(method: PortMethod, timeoutMs = 2000): Promise<PendingCall> {
    const waiting = this.pending(method).find((p) => !this.claimed.has(p));
    if (waiting) {
      this.claimed.add(waiting);
      return Promise.resolve(waiting);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no ${method} call within ${timeoutMs} ms (calls so far: ${this.describeCalls()})`));
      }, timeoutMs);
      const w = {
        method,
        take: (p: PendingCall) => {
          clearTimeout(timer);
          this.claimed.add(p);
          resolve(p);
        },
      };
      this.waiters.push(w);
    });
  }

  private readonly claimed = new WeakSet<PendingCall>();

  /** Settles every unsettled deferred call with its result. */
  resolveAll(method?: PortMethod): void {
    for (const p of this.pending(method)) p.resolve();
  }

  /** Delivers an event to every subscriber of `events()`. */
  pushEvent(event: EngineEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  get eventSubscribers(): number {
    return this.listeners.size;
  }

  describeCalls(): string {
    return this.calls.map((c) => `${c.method}(${typeof c.arg === 'string' ? c.arg.slice(0, 12) : ''})`).join(', ');
  }

  // ---- the call machinery ----

  private call<T>(method: PortMethod, args: readonly unknown[], signal: AbortSignal | undefined, run: () => T) {
    this.calls.push({ method, arg: args[0] });
    if (signal?.aborted) return Promise.reject(aborted());
    if (!this.deferred.has(method)) {
      // Settles on a later microtask, like any I/O; the signal is checked again then.
      return Promise.resolve().then(() => {
        if (signal?.aborted) throw aborted();
        return run();
      });
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let wasAborted = false;
      const onAbort = () => {
        wasAborted = true;
        if (!this.honourAbort) return;
        settled = true;
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const p: PendingCall = {
        method,
        args,
        signal,
        get settled() {
          return settled;
        },
        get aborted() {
          return wasAborted;
        },
        resolve: () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          try {
            resolve(run());
          } catch (e) {
            reject(e);
          }
        },
        reject: (e) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      this.held.push(p);
      const w = this.waiters.findIndex((x) => x.method === method);
      if (w >= 0) this.waiters.splice(w, 1)[0]?.take(p);
    });
  }

  private findContainer(idOrName: string): ContainerInfo {
    const exact = this.containers.find((c) => c.id === idOrName || c.name === idOrName);
    if (exact) return exact;
    const byPrefix = this.containers.filter((c) => c.id.startsWith(idOrName));
    if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
    throw notFound(`container: ${idOrName}`);
  }

  private emit(type: EngineEvent['type'], action: string, id: string): void {
    this.pushEvent({ type, action, id, time: Math.floor(Date.now() / 1000) });
  }

  // ---- DockerPort ----

  engineInfo(opts: CallOptions = {}): Promise<EngineInfo> {
    return this.call('engineInfo', [], opts.signal, () => this.fixture.engine);
  }

  listContainers(opts: CallOptions = {}): Promise<ContainerInfo[]> {
    return this.call('listContainers', [], opts.signal, () => [...this.containers]);
  }

  inspectContainer(idOrName: string, opts: CallOptions & { readonly size?: boolean } = {}): Promise<ContainerInfo> {
    return this.call('inspectContainer', [idOrName], opts.signal, () => {
      const c = this.findContainer(idOrName);
      return { ...(this.inspected.get(c.id) ?? c), state: c.state, status: c.status };
    });
  }

  listVolumes(opts: CallOptions = {}): Promise<VolumeInfo[]> {
    return this.call('listVolumes', [], opts.signal, () => [...this.volumes]);
  }

  volumeSizes(opts: CallOptions = {}): Promise<Map<string, number>> {
    return this.call('volumeSizes', [], opts.signal, () => {
      const names = new Set(this.volumes.map((v) => v.name));
      return new Map([...this.sizes].filter(([n]) => names.has(n)));
    });
  }

  listNetworks(opts: CallOptions = {}): Promise<NetworkInfo[]> {
    return this.call('listNetworks', [], opts.signal, () => [...this.networks]);
  }

  listImages(opts: CallOptions = {}): Promise<ImageInfo[]> {
    return this.call('listImages', [], opts.signal, () => [...this.images]);
  }

  containerChanges(id: string, opts: CallOptions = {}): Promise<Change[]> {
    return this.call('containerChanges', [id], opts.signal, () => {
      const c = this.findContainer(id);
      return [...(this.changes.get(c.id) ?? [])];
    });
  }

  stopContainer(id: string, opts: CallOptions & { readonly timeout: number }): Promise<void> {
    return this.call('stopContainer', [id], opts.signal, () => {
      const c = this.findContainer(id);
      this.containers = this.containers.map((x) =>
        x.id === c.id ? { ...x, state: 'exited' as const, status: 'Exited (143) just now' } : x,
      );
      // A stopped container has no endpoint on its networks any more.
      this.networks = this.networks.map((n) => ({ ...n, endpoints: n.endpoints?.filter((e) => e !== c.id) ?? null }));
      this.emit('container', 'stop', c.id);
    });
  }

  removeContainer(
    id: string,
    opts: CallOptions & { readonly force: boolean; readonly volumes: boolean },
  ): Promise<void> {
    return this.call('removeContainer', [id], opts.signal, () => {
      const c = this.findContainer(id);
      if (!opts.force && (c.state === 'running' || c.state === 'paused' || c.state === 'restarting')) {
        throw new DockerError('conflict', `cannot remove container ${c.name}: container is ${c.state}`, null, 409);
      }
      this.containers = this.containers.filter((x) => x.id !== c.id);
      this.networks = this.networks.map((n) => ({ ...n, endpoints: n.endpoints?.filter((e) => e !== c.id) ?? null }));
      if (opts.volumes) {
        // `rm -v` removes the volumes the engine created anonymously for this container.
        const anon = new Set(c.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name as string));
        this.volumes = this.volumes.filter(
          (v) => !(anon.has(v.name) && 'com.docker.volume.anonymous' in v.labels && !this.volumeInUse(v.name)),
        );
      }
      this.emit('container', 'destroy', c.id);
    });
  }

  private volumeInUse(name: string): boolean {
    return this.containers.some((c) => c.mounts.some((m) => m.type === 'volume' && m.name === name));
  }

  removeVolume(name: string, opts: CallOptions & { readonly force?: boolean } = {}): Promise<void> {
    return this.call('removeVolume', [name], opts.signal, () => {
      if (!this.volumes.some((v) => v.name === name)) throw notFound(`volume: ${name}`);
      if (this.volumeInUse(name)) {
        throw new DockerError('conflict', `remove ${name}: volume is in use`, null, 409);
      }
      this.volumes = this.volumes.filter((v) => v.name !== name);
      this.emit('volume', 'destroy', name);
    });
  }

  removeNetwork(id: string, opts: CallOptions = {}): Promise<void> {
    return this.call('removeNetwork', [id], opts.signal, () => {
      const n = this.networks.find((x) => x.id === id || x.name === id);
      if (!n) throw notFound(`network: ${id}`);
      if ((n.endpoints ?? []).length > 0) {
        throw new DockerError('conflict', `error while removing network: network ${n.name} has active endpoints`);
      }
      this.networks = this.networks.filter((x) => x.id !== n.id);
      this.emit('network', 'destroy', n.id);
    });
  }

  removeImage(
    id: string,
    opts: CallOptions & { readonly force?: boolean; readonly noprune?: boolean } = {},
  ): Promise<void> {
    return this.call('removeImage', [id], opts.signal, () => {
      const img = this.images.find((i) => i.id === id || i.repoTags.includes(id));
      if (!img) throw notFound(`image: ${id}`);
      if (img.id !== id && img.repoTags.length > 1) {
        // A reference of an image with several: only that tag goes (the engine's untag).
        this.images = this.images.map((i) =>
          i.id === img.id ? { ...i, repoTags: i.repoTags.filter((t) => t !== id) } : i,
        );
        this.emit('image', 'untag', img.id);
        return;
      }
      if (!opts.force && this.containers.some((c) => c.imageId === img.id)) {
        throw new DockerError('conflict', `unable to delete ${id}: image is being used by a container`, null, 409);
      }
      this.images = this.images.filter((i) => i.id !== img.id);
      this.emit('image', 'delete', img.id);
    });
  }

  events(onEvent: (event: EngineEvent) => void, opts: CallOptions = {}): Promise<void> {
    this.calls.push({ method: 'events', arg: undefined });
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(aborted());
    this.listeners.add(onEvent);
    // Like the adapter: the stream stays open until the caller aborts it.
    return new Promise<void>((resolve) => {
      signal?.addEventListener(
        'abort',
        () => {
          this.listeners.delete(onEvent);
          resolve();
        },
        { once: true },
      );
    });
  }

  // Streams and helper containers are not part of the recording: the explorer's browsing and removal flow
  // never calls them, and a test that reaches one fails loudly.
  private unsupported(method: PortMethod): Promise<never> {
    this.calls.push({ method, arg: undefined });
    return Promise.reject(new Error(`MemoryPort: ${method} is not part of the recorded engine JSON`));
  }

  /**
   * Log streams a test feeds (`logFeed(id).write(…)`, `.end()`), by container ID: the explorer's `l` reads them through
   * `containerLogs`. A container without a feed answers like an engine whose log driver cannot be read.
   */
  readonly logFeeds = new Map<string, PassThrough>();

  logFeed(id: string): PassThrough {
    let feed = this.logFeeds.get(id);
    if (!feed) {
      feed = new PassThrough();
      this.logFeeds.set(id, feed);
    }
    return feed;
  }

  containerLogs(
    id: string,
    opts: CallOptions & { readonly tail: number; readonly follow: boolean },
  ): Promise<Readable> {
    this.calls.push({ method: 'containerLogs', arg: id });
    const feed = this.logFeeds.get(id);
    if (!feed) {
      return Promise.reject(new DockerError('server', 'configured logging driver does not support reading', null, 501));
    }
    opts.signal?.addEventListener('abort', () => feed.destroy(), { once: true });
    return Promise.resolve(feed);
  }

  archive(_id: string, _path: string, _opts?: CallOptions): Promise<Readable> {
    return this.unsupported('archive');
  }

  createVolumeReader(_volume: string, _opts?: CallOptions): Promise<string> {
    return this.unsupported('createVolumeReader');
  }

  createVolumeWriter(_volume: string, _opts?: CallOptions): Promise<string> {
    return this.unsupported('createVolumeWriter');
  }

  createImageReader(_image: string, _opts?: CallOptions): Promise<string> {
    return this.unsupported('createImageReader');
  }

  exportContainer(_id: string, _opts?: CallOptions): Promise<Readable> {
    return this.unsupported('exportContainer');
  }

  putArchive(_id: string, _path: string, _tar: Readable, _opts?: CallOptions): Promise<void> {
    return this.unsupported('putArchive');
  }

  createVolume(_spec: unknown, _opts?: CallOptions): Promise<void> {
    return this.unsupported('createVolume');
  }

  commitContainer(_id: string, _spec: unknown, _opts?: CallOptions): Promise<string> {
    return this.unsupported('commitContainer');
  }

  execStream(_id: string, _cmd: readonly string[], _opts?: CallOptions): Promise<never> {
    return this.unsupported('execStream');
  }
}
