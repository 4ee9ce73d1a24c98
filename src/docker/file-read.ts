/**
 * Reads one path of a container, and the same path of its image, for a content diff (core/content-diff.ts).
 *
 * - The container's side: `GET /containers/{id}/archive?path=…`, which streams just that path (the cost of the
 *   file, not of the image), when core `archiveIsSafe` says the read cannot create a mountpoint; otherwise the
 *   export, read up to that one entry (it mounts nothing: test/engine/diff-nonmutation.test.ts).
 * - The image's side: a never-started helper created from the container's image ID (labelled like every helper,
 *   so a killed run's helper is swept, src/docker/sweep.ts), read through the archive endpoint, removed afterwards
 *   also on error and on Ctrl+C/SIGTERM. Nothing runs: the helper is created, never started.
 *
 * Bodies stream through a sha256 and only the first `maxBytes` are kept; reading stops there.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  archiveIsSafe,
  buildContentDiff,
  type ContentDiff,
  type FileSide,
  locate,
  normalisePath,
} from '../core/content-diff.js';
import { decodeNameBytes, engineFormOf } from '../core/escape.js';
import type { Change, ContainerInfo, FsEntry, MountPoint } from '../core/model.js';
import { type TarEntry, TarFormatError, TarScanner } from '../core/tar-scan.js';
import { DockerError } from './errors.js';
import type { CallOptions, DockerPort } from './port.js';

export interface ReadOptions extends CallOptions {
  /** Keep at most this many bytes of a file's body (and stop reading there). */
  readonly maxBytes: number;
}

function typeOf(e: TarEntry): FsEntry['type'] {
  const t = e.type;
  return t === 'file' || t === 'directory' || t === 'symlink' || t === 'link' ? t : 'other';
}

function cleanName(raw: Buffer): string {
  let s = decodeNameBytes(raw);
  if (s.startsWith('./')) s = s.slice(2);
  while (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  return s;
}

/**
 * The first entry of a tar stream whose name `want` accepts: its header and the first `maxBytes` of its body,
 * with the body's sha256 when it was read whole. Null when no entry matched. The stream is destroyed afterwards
 * (the engine's request ends there).
 */
export async function readTarEntry(
  stream: Readable,
  want: (name: string) => boolean,
  opts: ReadOptions,
): Promise<FileSide | null> {
  let header: TarEntry | null = null;
  let done = false;
  const kept: Buffer[] = [];
  let keptLen = 0;
  let seen = 0;
  const hash = createHash('sha256');
  const scanner = new TarScanner({
    onEntry: (e) => {
      if (done || header !== null) {
        done = true;
        return false;
      }
      if (!want(cleanName(e.name))) return false;
      header = e;
      if (e.type !== 'file' || e.size === 0) done = true;
      return !done;
    },
    onData: (chunk) => {
      if (done) return;
      const size = (header as TarEntry).size;
      seen += chunk.length;
      hash.update(chunk);
      const room = opts.maxBytes - keptLen;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        kept.push(Buffer.from(part));
        keptLen += part.length;
      }
      if (seen >= size || keptLen >= opts.maxBytes) done = true;
    },
  });
  const onAbort = () => stream.destroy(new DockerError('aborted', 'cancelled'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanner.write(chunk);
      if (done) break;
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
    if (e instanceof TarFormatError) throw new DockerError('protocol', `unreadable tar from the engine: ${e.message}`);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    stream.destroy();
  }
  if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
  const h = header as TarEntry | null;
  if (h === null) return null;
  const type = typeOf(h);
  // The digest needs every byte of the body; reading stops at the limit, so a longer file has none (unless its
  // body came in the same chunk anyway).
  return {
    type,
    size: type === 'file' ? h.size : 0,
    mode: h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    linkTarget: h.linkname ? decodeNameBytes(h.linkname) : null,
    sha256: type === 'file' && seen >= h.size ? hash.digest('hex') : null,
    content: Buffer.concat(kept),
    truncated: type === 'file' && keptLen < h.size,
  };
}

/** `path` of a container through the archive endpoint (the first entry is the path itself); null when absent. */
export async function readThroughArchive(
  port: DockerPort,
  id: string,
  path: string,
  opts: ReadOptions,
): Promise<FileSide | null> {
  let stream: Readable;
  try {
    stream = await port.archive(id, path, { signal: opts.signal });
  } catch (e) {
    if (e instanceof DockerError && e.kind === 'not-found' && !/no such container/i.test(e.message)) return null;
    throw e;
  }
  return readTarEntry(stream, () => true, opts);
}

/** `path` of a container read from its export, stopping at that entry; null when the export has no such path. */
export async function readThroughExport(
  port: DockerPort,
  id: string,
  path: string,
  opts: ReadOptions,
): Promise<FileSide | null> {
  const stream = await port.exportContainer(id, { signal: opts.signal });
  const want = path.slice(1);
  return readTarEntry(stream, (name) => name === want || engineFormOf(name) === want, opts);
}

/**
 * `path` as the image has it: a never-started helper from `image` (an image ID), read through the archive
 * endpoint, then removed (without the caller's signal, so that an abort still cleans up).
 */
export async function readFromImage(
  port: DockerPort,
  image: string,
  path: string,
  opts: ReadOptions,
): Promise<FileSide | null> {
  // Created without the caller's signal: an abort during the request would leave a helper whose ID we never
  // learnt (the engine finishes the create anyway). An abort is seen right after, and the helper removed.
  if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
  const helper = await port.createImageReader(image);
  let side: FileSide | null;
  try {
    if (opts.signal?.aborted) throw new DockerError('aborted', 'cancelled');
    side = await readThroughArchive(port, helper, path, opts);
  } catch (e) {
    // The reading error is the one to report; a failed cleanup on top of it must not hide it.
    await port.removeContainer(helper, { force: true, volumes: true }).catch(() => undefined);
    throw e;
  }
  // Anonymous volumes of the helper (none: the image's VOLUMEs get a tmpfs) go with it; never another volume.
  await port.removeContainer(helper, { force: true, volumes: true });
  return side;
}

/** Why a path has no content diff: inside a mount, not among the changes, or not a usable path. */
export class PathNotDiffable extends Error {
  override readonly name = 'PathNotDiffable';
  constructor(
    readonly reason: 'mount' | 'unchanged' | 'bad-path',
    message: string,
  ) {
    super(message);
  }
}

export interface ContentDiffRequest extends ReadOptions {
  /** The container, inspected (its `spec.started` decides how its side is read). */
  readonly container: ContainerInfo;
  /** Its `/changes`. */
  readonly changes: readonly Change[];
  /** Its mounts, `--tmpfs` ones included. */
  readonly mounts: readonly MountPoint[];
  readonly path: string;
}

/** What the reads did, for tests and `--json`: `archive` or `export` for the container, `helper` or null for the image. */
export interface ContentDiffReads {
  readonly container: 'archive' | 'export' | null;
  readonly image: 'helper' | null;
}

/**
 * The content diff of one path: where it stands among the changes, then the container's side (A, C) and the
 * image's side (C, D), each read only for that path. Throws {@link PathNotDiffable} for a mount, an unchanged path
 * or a path with `..`.
 */
export async function readContentDiff(
  port: DockerPort,
  req: ContentDiffRequest,
): Promise<{ readonly diff: ContentDiff; readonly reads: ContentDiffReads }> {
  const path = normalisePath(req.path);
  if (path === null)
    throw new PathNotDiffable('bad-path', `"${req.path}" has a ".." segment: give the path as docker diff shows it`);
  const where = locate(path, req.changes, req.mounts);
  if (where.at === 'mount') {
    throw new PathNotDiffable(
      'mount',
      `${path} is ${where.mount.destination === path ? 'a mount' : 'inside a mount'} (${where.mount.type} at ${where.mount.destination}): its contents are not part of the container's changes`,
    );
  }
  if (where.at === 'unchanged') throw new PathNotDiffable('unchanged', `${path} is not among the container's changes`);
  const base = { path, maxBytes: req.maxBytes };
  if (where.at === 'directory') {
    return {
      diff: buildContentDiff({ ...base, kind: null, before: null, after: null, children: where.children }),
      reads: { container: null, image: null },
    };
  }
  const kind = where.change.kind;
  const { safe } = archiveIsSafe(req.container.spec?.started ?? false, req.mounts, req.changes);
  let after: FileSide | null = null;
  let before: FileSide | null = null;
  let note: string | null = null;
  const reads: { container: ContentDiffReads['container']; image: ContentDiffReads['image'] } = {
    container: null,
    image: null,
  };
  if (kind !== 'deleted') {
    reads.container = safe ? 'archive' : 'export';
    after = safe
      ? await readThroughArchive(port, req.container.id, path, req)
      : await readThroughExport(port, req.container.id, path, req);
    if (after === null) note = 'the container no longer has this path (it changed since /changes was read)';
  }
  if (kind !== 'added') {
    reads.image = 'helper';
    try {
      before = await readFromImage(port, req.container.imageId, path, req);
      if (before === null) note = "the image's version was not found";
    } catch (e) {
      if (!(e instanceof DockerError && e.kind === 'not-found')) throw e;
      note = `the image's version could not be read: ${e.message}`;
    }
  }
  return { diff: buildContentDiff({ ...base, kind, before, after, children: where.children, note }), reads };
}
