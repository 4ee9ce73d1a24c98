/**
 * What `restore` accepts, entry by entry, before it writes anything, and again while it writes (the extraction
 * stream runs every entry through the same check and stops at the first refusal). Pure: it sees tar headers
 * only. Names are handled as latin1 strings so that every byte is kept and `/` and `.` are still themselves.
 *
 * Symlinks are data: a symlink entry is accepted whatever it points to (absolute, or climbing out with `..`), and
 * is restored as a link; nothing is ever written through it: an entry below a symlink of the same archive is
 * refused, and a hard link may point only to an earlier file of the archive (volumes) or to a clean path
 * (writable layers).
 *
 * Refused: absolute paths; `..` components; entries outside the archive root (`v/` for a volume archive);
 * entries below a symlink of the same archive; hard links to anything but an earlier non-directory entry of the
 * archive (volumes); character and block devices; unknown entry types. For a writable layer, whose root is the
 * container's `/`, also: any entry at or below a mount of the target container (`mounts`), any entry whose
 * parent directory is not itself an earlier directory entry of the archive (so that the extraction never goes
 * through a path of the container, e.g. a symlink into a mount, that was not checked), and hard links whose
 * target is at or below a mount.
 */
import type { TarEntry } from '../core/tar-scan.js';

export interface PolicyOptions {
  /** `v` for a volume archive (every entry is `v` or `v/…`), `` for a writable layer (paths relative to `/`). */
  readonly root: 'v' | '';
  /**
   * Writable layer: the target container's mount destinations (`/data`, `/etc/hosts` …); nothing is written at
   * or below them. @default []
   */
  readonly mounts?: readonly string[];
}

/** Files the engine bind-mounts into every container (not listed in its `Mounts`). */
export const ENGINE_MOUNTS = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'] as const;

/** Splits a tar name into clean components; null when it is absolute. `.` components and slashes collapse. */
function components(name: string): string[] | null {
  if (name.startsWith('/')) return null;
  return name.split('/').filter((c) => c !== '' && c !== '.');
}

/** Human form of a raw name for messages: printable, with odd bytes escaped. */
export function showName(raw: Buffer | string): string {
  const s = typeof raw === 'string' ? raw : raw.toString('latin1');
  return JSON.stringify(s).slice(1, -1);
}

export class EntryPolicy {
  private readonly symlinks = new Set<string>();
  private readonly linkable = new Set<string>();
  private readonly directories = new Set<string>();
  private readonly rootParts: string[];
  private readonly mounts: string[][];

  constructor(private readonly opts: PolicyOptions) {
    this.rootParts = opts.root === '' ? [] : opts.root.split('/');
    this.mounts = (opts.mounts ?? []).map((m) => components(m.replace(/^\/+/, '')) ?? []).filter((m) => m.length > 0);
  }

  /** The mount (shown) that `parts` is at or below, if any. */
  private mountOf(parts: readonly string[]): string | null {
    for (const m of this.mounts) {
      if (m.length <= parts.length && m.every((c, i) => parts[i] === c)) return `/${m.join('/')}`;
    }
    return null;
  }

  /** Null when the entry is acceptable, else the reason it is refused. Call in archive order. */
  check(e: TarEntry): string | null {
    const name = e.name.toString('latin1');
    const shown = showName(name);
    const parts = components(name);
    if (parts === null) return `absolute path "${shown}"`;
    if (parts.includes('..')) return `path with ".." "${shown}"`;
    if (!this.underRoot(parts)) return `"${shown}" is outside the archive root "${this.opts.root}/"`;
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.symlinks.has(parent)) return `"${shown}" would be written through the symlink "${showName(parent)}"`;
    }
    const key = parts.join('/');
    if (this.rootParts.length === 0) {
      const mount = this.mountOf(parts);
      if (mount !== null) return `"${shown}" is in ${showName(mount)}, a mount of the target container`;
      const parent = parts.slice(0, -1).join('/');
      if (parts.length > 1 && !this.directories.has(parent)) {
        return `"${shown}": its folder "${showName(parent)}" is not a folder of the archive (it would be written through whatever the container has there)`;
      }
    }
    switch (e.type) {
      case 'character-device':
      case 'block-device':
        return `device file "${shown}"`;
      case 'unknown':
        return `entry of unknown type '${showName(e.typeflag)}' "${shown}"`;
      case 'symlink':
        // Data, whatever it points to: the engine creates the link and never follows it for this entry.
        this.symlinks.add(key);
        this.linkable.delete(key);
        this.directories.delete(key);
        return null;
      case 'link': {
        const target = (e.linkname ?? Buffer.alloc(0)).toString('latin1');
        const tparts = components(target);
        if (tparts === null || tparts.includes('..') || !this.underRoot(tparts)) {
          return `hard link "${shown}" -> "${showName(target)}" escapes the archive root`;
        }
        const tkey = tparts.join('/');
        if (this.rootParts.length === 0) {
          // A writable layer may link to an unchanged file of the image (the target container has the same image),
          // never to anything in a mount or below a symlink of the archive.
          const mount = this.mountOf(tparts);
          if (mount !== null) return `hard link "${shown}" -> "${showName(target)}" points into the mount ${mount}`;
          for (let i = 1; i < tparts.length; i++) {
            if (this.symlinks.has(tparts.slice(0, i).join('/'))) {
              return `hard link "${shown}" -> "${showName(target)}" goes through a symlink of the archive`;
            }
          }
          if (this.directories.has(tkey)) return `hard link "${shown}" -> "${showName(target)}" points to a folder`;
        } else if (!this.linkable.has(tkey)) {
          return `hard link "${shown}" -> "${showName(target)}" does not point to an earlier file of the archive`;
        }
        this.linkable.add(key);
        this.directories.delete(key);
        this.symlinks.delete(key);
        return null;
      }
      case 'directory':
        this.symlinks.delete(key);
        this.linkable.delete(key);
        this.directories.add(key);
        return null;
      default:
        this.symlinks.delete(key);
        this.directories.delete(key);
        this.linkable.add(key);
        return null;
    }
  }

  private underRoot(parts: readonly string[]): boolean {
    if (parts.length < this.rootParts.length) return false;
    return this.rootParts.every((r, i) => parts[i] === r);
  }
}
