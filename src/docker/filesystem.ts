/**
 * Streaming readers of container and volume filesystems: only tar headers are read, entry bodies are skipped
 * as they stream past (never buffered whole, never extracted).
 *
 * Why our own tar scanner (core/tar-scan.ts, shared with the backups) rather than tar-stream: Docker's tars are
 * written by Go's archive/tar, which puts every non-ASCII name into a PAX `path` record holding the name's raw
 * bytes; tar-stream decodes PAX records as UTF-8 whatever `filenameEncoding` says, so a byte like 0xFF became
 * U+FFFD and the real name was lost. The scanner keeps the bytes (core/escape.ts `decodeNameBytes`), and it does
 * not create a stream object per entry, which matters at 200,000 entries.
 */
import type { Readable } from 'node:stream';
import { archiveIsSafe } from '../core/content-diff.js';
import type { PathStat } from '../core/diff-tree.js';
import { decodeNameBytes, engineFormOf } from '../core/escape.js';
import type { Change, FsEntry, MountPoint } from '../core/model.js';
import { planSizeReads, type SizeReads } from '../core/size-reads.js';
import { type TarEntryType, TarFormatError, TarScanner } from '../core/tar-scan.js';
import { type VolumeContents, VolumeTreeBuilder } from '../core/volume-tree.js';
import { DockerError } from './errors.js';
import type { ExportGate } from './export-gate.js';
import { readLayerSizes } from './layer-sizes.js';
import type { CallOptions, ContainerPathStat, DockerPort } from './port.js';

/** One tar header, name bytes decoded losslessly (raw bytes as U+DC80..U+DCFF). */
export interface TarHeader {
  /** As in the tar: relative, no leading `/` (e.g. `etc/passwd`, `v/data/x`); a directory's trailing `/` removed. */
  readonly name: string;
  readonly type: FsEntry['type'];
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly linkName: string | null;
}

/** The diff tree's entry types, from the scanner's finer ones (devices and fifos are `other`). */
function typeOf(t: TarEntryType): FsEntry['type'] {
  return t === 'file' || t === 'directory' || t === 'symlink' || t === 'link' ? t : 'other';
}

function cleanName(raw: Buffer): string {
  let s = decodeNameBytes(raw);
  if (s.startsWith('./')) s = s.slice(2);
  while (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  return s;
}

/**
 * Reads every header of a tar stream through the shared scanner (core/tar-scan.ts), skipping bodies. `onEntry`
 * may return `false` to stop early (the stream is then destroyed, which ends the engine's request). Resolves
 * after the last header or the stop.
 */
export async function readTarHeaders(
  stream: Readable,
  onEntry: (h: TarHeader) => boolean | undefined,
  opts: CallOptions = {},
): Promise<{ readonly entries: number; readonly bytes: number }> {
  let entries = 0;
  let bytes = 0;
  let stopped = false;
  const scanner = new TarScanner({
    onEntry: (e) => {
      // One chunk can hold many headers: once stopped (or aborted), the rest of it is not reported.
      if (stopped || opts.signal?.aborted) return false;
      entries++;
      const keepGoing = onEntry({
        name: cleanName(e.name),
        type: typeOf(e.type),
        size: e.type === 'file' ? e.size : 0,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        linkName: e.linkname ? decodeNameBytes(e.linkname) : null,
      });
      if (keepGoing === false) stopped = true;
      // Bodies are never kept: they stream past.
      return false;
    },
  });
  const onAbort = () => stream.destroy(new DockerError('aborted', 'cancelled'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      scanner.write(chunk);
      if (stopped || opts.signal?.aborted) break;
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
    if (e instanceof TarFormatError) throw new DockerError('protocol', `unreadable tar from the engine: ${e.message}`);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (stopped || !stream.readableEnded) stream.destroy();
  }
  if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
  return { entries, bytes };
}

export interface ChangedSizes {
  /** Keyed by the path as `/changes` spells it; added and changed paths only. */
  readonly sizes: Map<string, PathStat>;
  /** Tar entries read, and bytes streamed, before all wanted paths were found. */
  readonly entriesRead: number;
  readonly bytesStreamed: number;
}

/**
 * Sizes of the added and changed paths of a container, read from the tar headers of
 * `GET /containers/{id}/export`.
 *
 * Why export and not `GET /containers/{id}/archive`: archive mounts the container's volumes and binds into a
 * private namespace and creates missing mountpoints in the writable layer (docker-semantics.md §5), which would
 * change the very `changes` we show for a container that never started. Export mounts only the root filesystem
 * (test/engine/diff-nonmutation.test.ts proves `changes` stays identical in every state, on both engines).
 * Export streams the whole root filesystem, image layers included; the stream is closed as soon as every
 * wanted path has been seen.
 */
export async function changedSizes(
  port: DockerPort,
  containerId: string,
  changes: readonly Change[] | Promise<readonly Change[]>,
  opts: CallOptions = {},
): Promise<ChangedSizes> {
  const sizes = new Map<string, PathStat>();
  // The wanted set; null while `changes` is still on its way: then every entry is kept, and pruned on arrival.
  // Passing the promise lets the export stream while the engine computes the changes (they take about as long).
  let wanted: Set<string> | null = null;
  const setWanted = (list: readonly Change[]) => {
    const w = new Set<string>();
    for (const c of list) if (c.kind !== 'deleted') w.add(c.path);
    for (const k of sizes.keys()) if (!w.has(k)) sizes.delete(k);
    wanted = w;
  };
  if (Array.isArray(changes)) {
    setWanted(changes as readonly Change[]);
    if (wanted === null || (wanted as Set<string>).size === 0) return { sizes, entriesRead: 0, bytesStreamed: 0 };
  } else {
    // A rejection is the caller's to report (it awaits the same promise); here it only stops the pruning.
    (changes as Promise<readonly Change[]>).then(setWanted, () => undefined);
  }
  const stream = await port.exportContainer(containerId, opts);
  const read = await readTarHeaders(
    stream,
    (h) => {
      const raw = `/${h.name}`;
      const key = engineFormOf(raw);
      const w = wanted as Set<string> | null;
      if ((w !== null && !w.has(key)) || sizes.has(key)) return true;
      sizes.set(key, {
        type: h.type,
        size: h.size,
        // A hardlink's target is another path of the same archive (relative); a symlink's is verbatim.
        linkTarget: h.type === 'link' && h.linkName !== null ? `/${h.linkName}` : h.linkName,
        ...(raw !== key ? { rawPath: raw } : {}),
      });
      return w === null || sizes.size < w.size;
    },
    opts,
  );
  if (wanted === null) setWanted(await changes);
  return { sizes, entriesRead: read.entries, bytesStreamed: read.bytes };
}

/** Go's `os.FileMode` type bits, as the engine's path stat carries them. */
const GO_MODE_DIR = 0x80000000;
const GO_MODE_SYMLINK = 0x08000000;
/** Device, named pipe, socket, char device, irregular. */
const GO_MODE_OTHER = 0x04000000 | 0x02000000 | 0x01000000 | 0x00200000 | 0x00080000;

/** A path stat from the engine (`HEAD …/archive`) as the diff tree's PathStat. */
export function pathStatOf(s: ContainerPathStat): PathStat {
  if (s.mode & GO_MODE_DIR) return { type: 'directory', size: 0, linkTarget: null };
  if (s.mode & GO_MODE_SYMLINK) return { type: 'symlink', size: 0, linkTarget: s.linkTarget };
  if (s.mode & GO_MODE_OTHER) return { type: 'other', size: 0, linkTarget: null };
  return { type: 'file', size: s.size, linkTarget: null };
}

/** The container as the size reader needs it: whether it ever started, and its mounts (tmpfs included). */
export interface SizeTarget {
  readonly id: string;
  readonly started: boolean;
  readonly mounts: readonly MountPoint[];
  /** The image's size (inspect's `spec.imageBytes`): how much an export would stream at least. */
  readonly imageBytes?: number | null;
  /** Its writable layer as a directory of this machine (inspect's `spec.layerDir`), read there when it can serve. */
  readonly layerDir?: string | null;
}

export interface ReadSizesOptions extends CallOptions {
  /** Requests in flight at once for the per-path reads. @default 8 */
  readonly concurrency?: number;
  /** Called with every size as it arrives (per-path reads only; the export reports once at the end). */
  readonly onSizes?: (batch: ReadonlyMap<string, PathStat>) => void;
  /**
   * Most per-path requests (stats plus archives) before the whole export is preferred instead. See BENCHMARKS.md
   * "## diff" for where the crossover was measured. @default sizeRequestLimit(target.imageBytes)
   */
  readonly requestLimit?: number;
  /** Wraps the whole export when it is chosen (the explorer's debounce and single flight: ./export-gate.ts). */
  readonly exportGate?: ExportGate;
}

/**
 * Where one export becomes cheaper than reads by path (BENCHMARKS.md "## diff", Docker 26.1.5 on 2 cores): a
 * HEAD archive costs ~5 ms of the engine's time even 8 at a time (it mounts the container's filesystem in a new
 * namespace each time), the export ~0.3 s for a busybox container plus ~3-4 ms per MB of image. So: up to
 * SIZE_REQUESTS_BASE requests, plus one per SIZE_BYTES_PER_REQUEST bytes of the image.
 */
export const SIZE_REQUESTS_BASE = 50;
export const SIZE_BYTES_PER_REQUEST = 1_000_000;

/** Most reads by path before the export is cheaper, for an image of `imageBytes` (null: unknown, the base). */
export function sizeRequestLimit(imageBytes: number | null | undefined): number {
  return SIZE_REQUESTS_BASE + Math.floor((imageBytes ?? 0) / SIZE_BYTES_PER_REQUEST);
}

export interface ReadSizesResult extends ChangedSizes {
  /**
   * `layer`: the writable layer read on this machine (./layer-sizes.ts); `archive`: per-path stats and
   * smallest-subtree archives; `export`: the whole root filesystem.
   */
  readonly method: 'layer' | 'archive' | 'export';
  /** Why the export was chosen, when it was. */
  readonly reason: string | null;
}

/**
 * Sizes of the added and changed paths of a container at a cost that follows the changes: per-path stats and
 * archives of the smallest added subtrees (core/size-reads.ts), `concurrency` requests at a time over the
 * agent's kept-alive connections. The archive endpoint mounts the container's volumes, which creates missing
 * mountpoints in a container that never started (test/engine/diff-nonmutation.test.ts): it is used only where
 * core `archiveIsSafe` allows it, and the whole export otherwise, or when a name cannot be asked for, or when
 * there are more requests than `requestLimit`, or when the engine refuses a per-path read.
 *
 * Call it after `/changes` has answered, never at the same time: the engine's pivot_root into the container
 * creates `/.pivot_root<N>` in its writable layer for the duration (test/engine/diff-cli.test.ts).
 */
export async function readChangeSizes(
  port: DockerPort,
  target: SizeTarget,
  changes: readonly Change[],
  opts: ReadSizesOptions = {},
): Promise<ReadSizesResult> {
  const exportAll = async (reason: string): Promise<ReadSizesResult> => {
    const read = () => changedSizes(port, target.id, changes, opts);
    const r = opts.exportGate ? await opts.exportGate(read, opts.signal) : await read();
    opts.onSizes?.(r.sizes);
    return { ...r, method: 'export', reason };
  };
  const layer = await readFromLayer(target, changes, opts);
  if (layer) return layer;
  if (!port.statPath) return exportAll('the port cannot stat a path');
  const safe = archiveIsSafe(target.started, target.mounts, changes);
  if (!safe.safe) return exportAll(safe.reason);
  const plan = planSizeReads(changes, target.mounts);
  if (plan.unnameable > 0) return exportAll(`${plan.unnameable} name(s) the engine's JSON cannot spell`);
  const requests = plan.archives.length + plan.stats.length;
  const limit = opts.requestLimit ?? sizeRequestLimit(target.imageBytes);
  if (requests > limit) return exportAll(`${requests} reads by path (more than ${limit})`);
  try {
    return { ...(await readByPath(port, target.id, plan, opts)), method: 'archive', reason: null };
  } catch (e) {
    if (opts.signal?.aborted || (e instanceof DockerError && e.kind === 'aborted')) throw e;
    if (e instanceof DockerError && e.kind === 'unreachable') throw e;
    return exportAll(`a read by path failed: ${(e as Error).message}`);
  }
}

/**
 * The sizes read from the container's writable layer on this machine, when the target names it and it can serve
 * (./layer-sizes.ts); null to ask the engine. It never mounts anything, so it serves a container that never started
 * as well as one that runs.
 */
async function readFromLayer(
  target: SizeTarget,
  changes: readonly Change[],
  opts: ReadSizesOptions,
): Promise<ReadSizesResult | null> {
  if (!target.layerDir) return null;
  const read = await readLayerSizes(target.layerDir, changes, opts.signal ? { signal: opts.signal } : {});
  if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
  if (!read.sizes) return null;
  opts.onSizes?.(read.sizes);
  return { sizes: read.sizes, entriesRead: read.sizes.size, bytesStreamed: 0, method: 'layer', reason: null };
}

async function readByPath(
  port: DockerPort,
  id: string,
  plan: SizeReads,
  opts: ReadSizesOptions,
): Promise<ChangedSizes> {
  const statPath = port.statPath?.bind(port) as NonNullable<DockerPort['statPath']>;
  // No filter on the archives' entries: under an added directory everything is a change (a path made since
  // /changes answered is kept too, and never looked up); mounts were left out of the plan (core/size-reads.ts).
  const sizes = new Map<string, PathStat>();
  let entriesRead = 0;
  let bytesStreamed = 0;
  const jobs: (() => Promise<void>)[] = [];
  for (const root of plan.archives) {
    jobs.push(async () => {
      // Straight into the result unless someone shows sizes as they arrive (a second map of 200,000 is not free).
      const batch = opts.onSizes ? new Map<string, PathStat>() : sizes;
      // The archive names its entries from the root's last segment (`b`, `b/x` for /a/b).
      const parent = root.slice(0, root.lastIndexOf('/'));
      const read = await readTarHeaders(
        await port.archive(id, root, opts),
        (h) => {
          const raw = `${parent}/${h.name}`;
          const key = engineFormOf(raw);
          batch.set(key, {
            type: h.type,
            size: h.size,
            linkTarget: h.type === 'link' && h.linkName !== null ? `${parent}/${h.linkName}` : h.linkName,
            ...(raw !== key ? { rawPath: raw } : {}),
          });
          return true;
        },
        opts,
      );
      entriesRead += read.entries;
      bytesStreamed += read.bytes;
      if (batch !== sizes) {
        for (const [k, v] of batch) sizes.set(k, v);
        opts.onSizes?.(batch);
      }
    });
  }
  for (const path of plan.stats) {
    jobs.push(async () => {
      const st = await statPath(id, path, opts);
      entriesRead++;
      // Gone since /changes answered (a running container): its size stays unknown.
      if (st === null) return;
      let stat = pathStatOf(st);
      // The stat's linkTarget is the engine's resolution (`/rw.txt` for `rel -> rw.txt`); the link as written is
      // in the archive of the path itself, whose one entry is the link (not its target).
      if (stat.type === 'symlink') stat = { ...stat, linkTarget: await literalLinkTarget(port, id, path, opts) };
      const one = new Map([[path, stat]]);
      sizes.set(path, one.get(path) as PathStat);
      opts.onSizes?.(one);
    });
  }
  await runLimited(jobs, opts.concurrency ?? 8, opts.signal);
  return { sizes, entriesRead, bytesStreamed };
}

/**
 * The target of the symlink at `path` as written: the archive's one entry. Podman 4.3.1 archives the file the link
 * points to instead (test/engine/diff-nonmutation.test.ts): that throws, and the reader falls back to the export.
 */
async function literalLinkTarget(port: DockerPort, id: string, path: string, opts: CallOptions): Promise<string> {
  let target: string | null = null;
  await readTarHeaders(
    await port.archive(id, path, opts),
    (h) => {
      if (h.type === 'symlink') target = h.linkName;
      return false;
    },
    opts,
  );
  if (target === null) throw new Error(`the engine archived the symlink ${path} without its link`);
  return target;
}

/** Runs `jobs` with at most `limit` in flight; the first failure stops the rest and is thrown. */
async function runLimited(jobs: (() => Promise<void>)[], limit: number, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < jobs.length) {
      if (signal?.aborted) throw new DockerError('aborted', 'cancelled');
      const job = jobs[next++] as () => Promise<void>;
      try {
        await job();
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  if (failed !== null) throw failed;
  if (signal?.aborted) throw new DockerError('aborted', 'cancelled');
}

export interface VolumeSummaryOptions extends CallOptions {
  /** Levels of the volume's tree to list. @default 1 */
  readonly depth?: number;
  /** Most entries to list. @default 500 */
  readonly limit?: number;
  /** Called for every tar entry read (progress). */
  readonly onEntry?: (entry: TarHeader) => void;
}

/**
 * The top of a volume's tree with sizes and file counts, read through a never-started helper container from
 * an empty image (`port.createVolumeReader`) and `GET /containers/{helper}/archive?path=/v`: nothing runs and
 * nothing is written. The helper is removed afterwards, also on error and on abort, so it leaves no reference
 * that would block `docker volume rm` or a prune.
 */
export async function volumeSummary(
  port: DockerPort,
  volume: string,
  opts: VolumeSummaryOptions = {},
): Promise<VolumeContents> {
  const builder = new VolumeTreeBuilder(opts.depth ?? 1);
  const helper = await port.createVolumeReader(volume, { signal: opts.signal });
  let result: VolumeContents;
  try {
    const stream = await port.archive(helper, '/v', { signal: opts.signal });
    await readTarHeaders(
      stream,
      (h) => {
        opts.onEntry?.(h);
        // Entries are `v`, `v/a`, `v/a/b`…: strip the archive's own root.
        const rel = h.name === 'v' ? '' : h.name.startsWith('v/') ? h.name.slice(1) : `/${h.name}`;
        builder.add({ path: rel, type: h.type, size: h.size });
        return true;
      },
      { signal: opts.signal },
    );
    result = builder.result(volume, opts.limit);
  } catch (e) {
    // Deliberately without the caller's signal: the cleanup must run after an abort too. The reading error is
    // the one to report; a failed cleanup on top of it is not allowed to hide it.
    await port.removeContainer(helper, { force: true, volumes: false }).catch(() => undefined);
    throw e;
  }
  await port.removeContainer(helper, { force: true, volumes: false });
  return result;
}
