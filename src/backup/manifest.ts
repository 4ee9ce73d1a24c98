/**
 * The backup manifest: a JSON file beside each archive (`<archive>.manifest.json`, mode 0600) saying what was
 * backed up, when, from which engine, and what the archive must contain. `verify` checks an archive against it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TarEntry } from '../core/tar-scan.js';

export const MANIFEST_SCHEMA = 'lastlook.backup/v1';

export type BackupKind = 'volume' | 'container' | 'dump';

/** Counts of a tar stream, compared by `verify`. */
export interface ContentStats {
  /** Every entry (files, directories, links, …). */
  entries: number;
  /** Regular files. */
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  /** Devices, fifos and unknown types. */
  other: number;
  /** Sum of regular file content bytes. */
  bytes: number;
}

export function emptyStats(): ContentStats {
  return { entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, other: 0, bytes: 0 };
}

export function countEntry(s: ContentStats, e: TarEntry): void {
  s.entries++;
  if (e.type === 'file') {
    s.files++;
    s.bytes += e.size;
  } else if (e.type === 'directory') s.directories++;
  else if (e.type === 'symlink') s.symlinks++;
  else if (e.type === 'link') s.hardlinks++;
  else s.other++;
}

export interface BackupManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly kind: BackupKind;
  /** What was backed up. */
  readonly source: {
    /** Volume name, or container name. */
    readonly name: string;
    /** Container ID; null for a volume. */
    readonly id: string | null;
    readonly labels: Readonly<Record<string, string>>;
    /** Volume driver and driver options (volumes only). */
    readonly driver?: string;
    readonly options?: Readonly<Record<string, string>>;
    /** Image reference and ID (containers and dumps). */
    readonly image?: string;
    readonly imageId?: string;
  };
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly engine: { readonly host: string; readonly version: string; readonly apiVersion: string };
  readonly archive: {
    /** File name (no folder): the manifest sits beside it. */
    readonly file: string;
    /** Compressed size in bytes. */
    readonly bytes: number;
    readonly sha256: string;
    readonly compression: 'gzip';
    readonly level: number;
  };
  /**
   * For tar archives: the counts and the root the entries live under (`v` for a volume: entries are `v/…`,
   * as the engine's archive endpoint names them; `` for a writable layer: paths relative to `/`).
   * Null for a dump (not a tar).
   */
  readonly content: (ContentStats & { readonly root: string }) | null;
  /** Writable layer only: paths the container deleted from its image (`docker diff` D), not restorable. */
  readonly deleted?: readonly string[];
  /** Writable layer with `--commit`: the image the layer was also committed to. */
  readonly commit?: { readonly image: string; readonly id: string } | null;
  /** Dumps: which database tool produced the file, and its uncompressed size. */
  readonly dump?: { readonly database: string; readonly command: readonly string[]; readonly rawBytes: number };
  /** Anything the user should know about this backup (e.g. live database files). */
  readonly warnings: readonly string[];
}

export function manifestPathFor(archivePath: string): string {
  return `${archivePath}.manifest.json`;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Reads and shape-checks a manifest. Throws ManifestError (with the reason) or the fs error (ENOENT …). */
export async function readManifest(path: string): Promise<BackupManifest> {
  const text = await readFile(path, 'utf8');
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new ManifestError(`${path} is not JSON`);
  }
  const o = m as Partial<BackupManifest> | null;
  if (!o || o.schema !== MANIFEST_SCHEMA) throw new ManifestError(`${path} is not a ${MANIFEST_SCHEMA} manifest`);
  if (o.kind !== 'volume' && o.kind !== 'container' && o.kind !== 'dump') {
    throw new ManifestError(`${path}: unknown kind ${String(o.kind)}`);
  }
  const a = o.archive;
  if (!a || typeof a.sha256 !== 'string' || typeof a.bytes !== 'number' || typeof a.file !== 'string') {
    throw new ManifestError(`${path}: archive section missing`);
  }
  if (o.kind !== 'dump' && (!o.content || typeof o.content.entries !== 'number')) {
    throw new ManifestError(`${path}: content section missing`);
  }
  // The root follows from the kind, never the other way round: a manifest cannot switch restore to other rules.
  const root = o.kind === 'volume' ? 'v' : '';
  if (o.kind !== 'dump' && o.content?.root !== root) {
    throw new ManifestError(
      `${path}: a ${o.kind} archive's content root is "${root}", not ${JSON.stringify(o.content?.root)}`,
    );
  }
  if (!o.source || typeof o.source.name !== 'string') throw new ManifestError(`${path}: source section missing`);
  return o as BackupManifest;
}

/** `2024-05-01T12:00:00.123Z` → `20240501T120000Z`, for file names. */
export function stamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * A file-name-safe form of a volume or container name. Names that had to be changed (other characters, or
 * longer than 100) get a hash of the whole name, so two different names never share a file name.
 */
export function safeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (clean === name && clean.length <= 100) return clean;
  return `${clean.slice(0, 80)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}
