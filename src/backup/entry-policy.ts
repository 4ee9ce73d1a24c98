/**
 * What `restore` accepts, entry by entry, before it writes anything (pass 1 of 2). Pure: it sees tar headers
 * only. Names are handled as latin1 strings so that every byte is kept and `/` and `.` are still themselves.
 *
 * Refused: absolute paths; `..` components; entries outside the archive root (`v/` for a volume archive);
 * entries below a symlink of the same archive (they would be written through it); symlinks whose target leaves
 * the root (for a volume: any absolute target, or a relative one that climbs above `v/`; for a writable layer,
 * whose root is the container's `/`: a relative target that climbs above `/`); hard links to anything but an
 * earlier non-directory entry of the archive; character and block devices; unknown entry types.
 */
import type { TarEntry } from '../core/tar-scan.js';

export interface PolicyOptions {
  /** `v` for a volume archive (every entry is `v` or `v/…`), `` for a writable layer (paths relative to `/`). */
  readonly root: string;
}

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
  private readonly rootParts: string[];

  constructor(private readonly opts: PolicyOptions) {
    this.rootParts = opts.root === '' ? [] : opts.root.split('/');
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
    switch (e.type) {
      case 'character-device':
      case 'block-device':
        return `device file "${shown}"`;
      case 'unknown':
        return `entry of unknown type '${showName(e.typeflag)}' "${shown}"`;
      case 'symlink': {
        const target = (e.linkname ?? Buffer.alloc(0)).toString('latin1');
        if (target.startsWith('/')) {
          if (this.rootParts.length > 0) {
            return `symlink "${shown}" points to the absolute path "${showName(target)}", outside the volume`;
          }
        } else if (!this.resolvesInside(parts.slice(0, -1), target)) {
          return `symlink "${shown}" -> "${showName(target)}" escapes the archive root`;
        }
        this.symlinks.add(key);
        this.linkable.delete(key);
        return null;
      }
      case 'link': {
        const target = (e.linkname ?? Buffer.alloc(0)).toString('latin1');
        const tparts = components(target);
        if (tparts === null || tparts.includes('..') || !this.underRoot(tparts)) {
          return `hard link "${shown}" -> "${showName(target)}" escapes the archive root`;
        }
        if (!this.linkable.has(tparts.join('/'))) {
          return `hard link "${shown}" -> "${showName(target)}" does not point to an earlier file of the archive`;
        }
        this.linkable.add(key);
        return null;
      }
      case 'directory':
        this.symlinks.delete(key);
        this.linkable.delete(key);
        return null;
      default:
        this.symlinks.delete(key);
        this.linkable.add(key);
        return null;
    }
  }

  private underRoot(parts: readonly string[]): boolean {
    if (parts.length < this.rootParts.length) return false;
    return this.rootParts.every((r, i) => parts[i] === r);
  }

  /** Lexical resolution of a relative link target from `dir` (entry components); inside the root? */
  private resolvesInside(dir: readonly string[], target: string): boolean {
    const stack = [...dir];
    for (const c of target.split('/')) {
      if (c === '' || c === '.') continue;
      if (c === '..') {
        if (stack.length <= this.rootParts.length) return false;
        stack.pop();
      } else stack.push(c);
    }
    return this.underRoot(stack);
  }
}
