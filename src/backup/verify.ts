/**
 * Full read-back of a backup archive: sha256 of the file, gunzip, and a parse of every tar entry, compared
 * with the manifest beside it. Used by `lastlook verify`, by every backup before it renames its archive into
 * place, and by `restore` as its first (validating) pass.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type TarEntry, TarFormatError, TarScanner } from '../core/tar-scan.js';
import { EntryPolicy } from './entry-policy.js';
import { ArchiveError } from './errors.js';
import {
  type BackupManifest,
  type ContentStats,
  countEntry,
  emptyStats,
  manifestPathFor,
  readManifest,
} from './manifest.js';

export { ArchiveError, type ArchiveErrorKind } from './errors.js';

export interface ReadBack {
  readonly sha256: string;
  /** Bytes of the archive file. */
  readonly bytes: number;
  /** Counts of the tar inside; null for a dump (not a tar). */
  readonly stats: ContentStats | null;
  /** Bytes after gunzip. */
  readonly rawBytes: number;
}

export interface ReadBackOptions {
  readonly signal?: AbortSignal;
  /** Treat the content as a tar and parse it. @default true */
  readonly tar?: boolean;
  /** Sees every entry in order (restore's policy). Throwing aborts the read. */
  readonly onEntry?: (e: TarEntry) => void;
  /** Compressed bytes read so far. */
  readonly onProgress?: (bytesRead: number) => void;
}

/**
 * Opens an archive once, for everything that reads it afterwards (restore validates and extracts through this
 * one descriptor, so a file swapped in at the same path meanwhile is never read). Non-blocking, so that a FIFO
 * put at the path cannot hang the open; anything but a regular file is refused.
 */
export async function openArchive(path: string): Promise<FileHandle> {
  let h: FileHandle;
  try {
    h = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArchiveError('missing', `${path}: no such archive`);
    throw new ArchiveError('unreadable', `${path}: cannot read it (${code ?? String(e)})`);
  }
  const s = await h.stat();
  if (!s.isFile()) {
    await h.close();
    throw new ArchiveError('unreadable', `${path} is not a file`);
  }
  return h;
}

/** A fresh stream over the whole file; a handle is read from its start and stays open. */
export function archiveStream(source: string | FileHandle): NodeJS.ReadableStream {
  return typeof source === 'string'
    ? createReadStream(source, { highWaterMark: 1 << 20 })
    : source.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 20 });
}

/**
 * Streams the archive once: hash of the file, gunzip, tar parse. Throws ArchiveError('mismatch') on corrupt data.
 * `source` is a path, or a handle from {@link openArchive} (read from its start; left open).
 */
export async function readBack(source: string | FileHandle, opts: ReadBackOptions = {}): Promise<ReadBack> {
  const path = typeof source === 'string' ? source : 'the archive';
  const hash = createHash('sha256');
  let bytes = 0;
  let rawBytes = 0;
  const stats = emptyStats();
  const isTar = opts.tar ?? true;
  const scanner = new TarScanner({
    onEntry: (e) => {
      countEntry(stats, e);
      opts.onEntry?.(e);
      return false;
    },
  });
  const hashTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      opts.onProgress?.(bytes);
      cb(null, chunk);
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      rawBytes += chunk.length;
      try {
        if (isTar) scanner.write(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    final(cb) {
      try {
        if (isTar) scanner.end();
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  try {
    await pipeline(archiveStream(source), hashTap, createGunzip(), sink, {
      signal: opts.signal,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err instanceof ArchiveError || err.name === 'AbortError') throw e;
    if (err.code === 'ENOENT') throw new ArchiveError('missing', `${path}: no such file`);
    if (err.code === 'EACCES' || err.code === 'EISDIR' || err.code === 'EPERM') {
      throw new ArchiveError('unreadable', `${path}: cannot read it (${err.code})`);
    }
    if (err instanceof TarFormatError || (typeof err.code === 'string' && err.code.startsWith('Z_'))) {
      throw new ArchiveError('mismatch', `${path} is corrupt: ${err.message}`, [err.message]);
    }
    throw e;
  }
  return { sha256: hash.digest('hex'), bytes, stats: isTar ? stats : null, rawBytes };
}

/** Field-by-field differences between what the manifest promises and what was read. */
export function compareWithManifest(m: BackupManifest, r: ReadBack): string[] {
  const problems: string[] = [];
  if (r.sha256 !== m.archive.sha256) problems.push(`sha256 is ${r.sha256}, manifest says ${m.archive.sha256}`);
  if (r.bytes !== m.archive.bytes) problems.push(`archive is ${r.bytes} bytes, manifest says ${m.archive.bytes}`);
  if (m.content && r.stats) {
    for (const k of ['entries', 'files', 'directories', 'symlinks', 'hardlinks', 'other', 'bytes'] as const) {
      if (r.stats[k] !== m.content[k])
        problems.push(`${k}: ${r.stats[k]} in the archive, manifest says ${m.content[k]}`);
    }
  }
  if (m.dump && r.rawBytes !== m.dump.rawBytes) {
    problems.push(`dump is ${r.rawBytes} bytes uncompressed, manifest says ${m.dump.rawBytes}`);
  }
  return problems;
}

/** Reads the manifest beside `archive`, mapping file errors to ArchiveError. */
export async function loadManifest(archive: string): Promise<BackupManifest> {
  try {
    const s = await stat(archive);
    if (!s.isFile()) throw new ArchiveError('unreadable', `${archive} is not a file`);
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArchiveError('missing', `${archive}: no such archive`);
    throw new ArchiveError('unreadable', `${archive}: cannot read it (${code ?? String(e)})`);
  }
  const mpath = manifestPathFor(archive);
  try {
    const m = await readManifest(mpath);
    if (m.archive.file !== basename(archive)) {
      // Renamed archives are fine, but say so: the manifest names the file it was written for.
      return { ...m, warnings: [...m.warnings, `the manifest was written for ${m.archive.file}`] };
    }
    return m;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ArchiveError('missing', `${archive}: its manifest ${basename(mpath)} is missing beside it`);
    }
    throw new ArchiveError('unreadable', `${mpath}: ${(e as Error).message}`);
  }
}

export interface VerifyResult {
  readonly manifest: BackupManifest;
  readonly readBack: ReadBack;
}

/**
 * Verifies `archive` against its manifest. Resolves when everything matches; throws ArchiveError otherwise
 * (`missing` / `unreadable` / `mismatch`).
 */
export async function verifyArchive(archive: string, opts: ReadBackOptions = {}): Promise<VerifyResult> {
  const manifest = await loadManifest(archive);
  // Restore's own checks too: an archive that verifies is one that restore accepts.
  const policy = manifest.kind === 'dump' ? null : new EntryPolicy({ root: manifest.kind === 'volume' ? 'v' : '' });
  const refused: string[] = [];
  const r = await readBack(archive, {
    ...opts,
    tar: manifest.kind !== 'dump',
    onEntry: (e) => {
      opts.onEntry?.(e);
      const why = policy?.check(e);
      if (why && refused.length < 10) refused.push(why);
    },
  });
  const problems = compareWithManifest(manifest, r);
  if (problems.length > 0) {
    throw new ArchiveError('mismatch', `${archive} does not match its manifest: ${problems.join('; ')}`, problems);
  }
  if (refused.length > 0) {
    throw new ArchiveError(
      'mismatch',
      `${archive} could not be restored: restore refuses ${refused.join('; ')}`,
      refused,
    );
  }
  return { manifest, readBack: r };
}
