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
import type { PathStat } from '../core/diff-tree.js';
import { decodeNameBytes, engineFormOf } from '../core/escape.js';
import type { Change, FsEntry } from '../core/model.js';
import { type TarEntryType, TarFormatError, TarScanner } from '../core/tar-scan.js';
import { type VolumeContents, VolumeTreeBuilder } from '../core/volume-tree.js';
import { DockerError } from './errors.js';
import type { CallOptions, DockerPort } from './port.js';

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
