/**
 * Streaming readers of container and volume filesystems: only tar headers are read, entry bodies are skipped
 * as they stream past (never buffered whole, never extracted).
 *
 * Why a small tar header reader of our own rather than tar-stream: Docker's tars are written by Go's
 * archive/tar, which puts every non-ASCII name into a PAX `path` record holding the name's raw bytes; tar-stream
 * decodes PAX records as UTF-8 whatever `filenameEncoding` says, so a byte like 0xFF became U+FFFD and the real
 * name was lost. This reader keeps the bytes (core/escape.ts `decodeNameBytes`), and it does not create a
 * stream object per entry, which matters at 200,000 entries.
 */
import type { Readable } from 'node:stream';
import type { PathStat } from '../core/diff-tree.js';
import { decodeNameBytes, engineFormOf } from '../core/escape.js';
import type { Change, FsEntry } from '../core/model.js';
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

const BLOCK = 512;

function cString(buf: Buffer, start: number, len: number): Buffer {
  const end = buf.indexOf(0, start);
  return buf.subarray(start, end === -1 || end > start + len ? start + len : end);
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for large numbers: high bit of the first byte set.
  if ((buf[start] as number) & 0x80) {
    let v = (buf[start] as number) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (buf[start + i] as number);
    return v;
  }
  const s = cString(buf, start, len).toString('latin1').trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
}

function typeOf(flag: number): FsEntry['type'] {
  switch (flag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
      return 'file';
    case 0x31:
      return 'link';
    case 0x32:
      return 'symlink';
    case 0x35:
      return 'directory';
    default:
      return 'other';
  }
}

/** PAX extended header records (`len key=value\n`), values kept as raw bytes. */
function parsePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < buf.length) {
    const sp = buf.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = Number.parseInt(buf.subarray(pos, sp).toString('latin1'), 10);
    if (!(len > 0)) break;
    const rec = buf.subarray(sp + 1, pos + len - 1); // without the trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.subarray(0, eq).toString('latin1'), rec.subarray(eq + 1));
    pos += len;
  }
  return out;
}

function cleanName(raw: Buffer): string {
  let s = decodeNameBytes(raw);
  if (s.startsWith('./')) s = s.slice(2);
  while (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  return s;
}

/**
 * Reads every header of a tar stream, skipping bodies. `onEntry` may return `false` to stop early (the stream is
 * then destroyed, which ends the engine's request). Resolves after the last header or the stop.
 */
export async function readTarHeaders(
  stream: Readable,
  onEntry: (h: TarHeader) => boolean | undefined,
  opts: CallOptions = {},
): Promise<{ readonly entries: number; readonly bytes: number }> {
  let carry: Buffer | null = null;
  let skip = 0; // body bytes (plus padding) still to pass over
  let longWant = 0; // bytes of a long-name / PAX body still to collect
  let longKind = 0;
  let longParts: Buffer[] = [];
  let longPadding = 0;
  let pax: Map<string, Buffer> | null = null;
  let gnuName: Buffer | null = null;
  let gnuLink: Buffer | null = null;
  let entries = 0;
  let bytes = 0;
  let stopped = false;
  const onAbort = () => stream.destroy(new DockerError('aborted', 'cancelled'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = null;
      let pos = 0;
      while (pos < buf.length) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length - pos);
          skip -= n;
          pos += n;
          continue;
        }
        if (longWant > 0) {
          const n = Math.min(longWant, buf.length - pos);
          longParts.push(Buffer.from(buf.subarray(pos, pos + n)));
          longWant -= n;
          pos += n;
          if (longWant === 0) {
            const body = Buffer.concat(longParts);
            longParts = [];
            if (longKind === 0x78)
              pax = parsePax(body); // 'x'
            else if (longKind === 0x4c)
              gnuName = cString(body, 0, body.length); // 'L'
            else if (longKind === 0x4b) gnuLink = cString(body, 0, body.length); // 'K'
            skip = longPadding; // 'g' (global PAX) is read and ignored
          }
          continue;
        }
        if (buf.length - pos < BLOCK) {
          carry = Buffer.from(buf.subarray(pos));
          break;
        }
        const h = buf.subarray(pos, pos + BLOCK);
        pos += BLOCK;
        if (h.every((b) => b === 0)) continue; // end-of-archive blocks
        const flag = h[156] as number;
        let size = octal(h, 124, 12);
        const padding = (BLOCK - (size % BLOCK)) % BLOCK;
        if (flag === 0x78 || flag === 0x67 || flag === 0x4c || flag === 0x4b) {
          if (size > 16 * 1024 * 1024)
            throw new DockerError('protocol', `tar extended header too large (${size} bytes)`);
          longKind = flag;
          longWant = size;
          longPadding = padding;
          if (size === 0) skip = padding;
          continue;
        }
        const isUstar = h.subarray(257, 263).toString('latin1') === 'ustar\u0000';
        let name: Buffer = cString(h, 0, 100);
        if (isUstar && h[345] !== 0) name = Buffer.concat([cString(h, 345, 155), Buffer.from('/'), name]);
        let link: Buffer | null = h[157] === 0 ? null : cString(h, 157, 100);
        if (gnuName) name = gnuName;
        if (gnuLink) link = gnuLink;
        const paxPath = pax?.get('path');
        if (paxPath) name = paxPath;
        const paxLink = pax?.get('linkpath');
        if (paxLink) link = paxLink;
        const paxSize = pax?.get('size');
        if (paxSize) size = Number.parseInt(paxSize.toString('latin1'), 10);
        pax = null;
        gnuName = null;
        gnuLink = null;
        const type = typeOf(flag);
        // Hardlinks and directories carry no body whatever the size field says (tar-stream does the same).
        skip = type === 'file' || type === 'other' ? size + ((BLOCK - (size % BLOCK)) % BLOCK) : 0;
        entries++;
        const keepGoing = onEntry({
          name: cleanName(name),
          type,
          size: type === 'file' ? size : 0,
          mode: octal(h, 100, 8),
          uid: octal(h, 108, 8),
          gid: octal(h, 116, 8),
          linkName: link ? decodeNameBytes(link) : null,
        });
        if (opts.signal?.aborted) break outer; // stop within the chunk too, not only at the next one
        if (keepGoing === false) {
          stopped = true;
          break outer;
        }
      }
      buf = Buffer.alloc(0);
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
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
