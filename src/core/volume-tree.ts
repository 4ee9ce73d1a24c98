/**
 * The top of a volume's tree with sizes and file counts, accumulated entry by entry from tar headers (pure; the
 * reading is src/docker/filesystem.ts `volumeSummary`). Nothing but the counters is kept, so a volume with
 * millions of files costs memory only for the paths down to `depth`.
 */
import type { DiffNode, DiffTree } from './diff-tree.js';
import type { FsEntry } from './model.js';

export interface VolumeTreeNode {
  /** Path inside the volume, `/`-separated, starting with `/` (raw bytes kept as in core/escape.ts). */
  readonly path: string;
  /** 1 for top-level entries. */
  readonly depth: number;
  readonly type: FsEntry['type'];
  /** Bytes of regular files at or under this path. */
  readonly bytes: number;
  /** Non-directory entries at or under this path (the path itself included when it is one). */
  readonly files: number;
  /** Directories under this path (not counting itself). */
  readonly dirs: number;
}

export interface VolumeContents {
  readonly volume: string;
  readonly bytes: number;
  readonly files: number;
  readonly dirs: number;
  /** Entries down to the requested depth, each level sorted by bytes (largest first), then by name. */
  readonly entries: readonly VolumeTreeNode[];
  /** How many entries were left out of `entries` because of the limit. */
  readonly omitted: number;
}

interface Acc {
  path: string;
  depth: number;
  type: FsEntry['type'];
  bytes: number;
  files: number;
  dirs: number;
}

/** Feeds on entries with paths relative to the volume root (`/a/b`); `result()` gives the summary. */
export class VolumeTreeBuilder {
  private readonly nodes = new Map<string, Acc>();
  private bytes = 0;
  private files = 0;
  private dirs = 0;

  constructor(
    /** Levels to keep (1: only the volume's top-level entries). @default 1 */
    private readonly depth = 1,
  ) {}

  add(entry: { readonly path: string; readonly type: FsEntry['type']; readonly size: number }): void {
    const segs = entry.path.split('/').filter((s) => s !== '');
    if (segs.length === 0) return; // the volume root itself
    const isDir = entry.type === 'directory';
    const bytes = entry.type === 'file' ? entry.size : 0;
    this.bytes += bytes;
    if (isDir) this.dirs++;
    else this.files++;
    let at = '';
    const last = Math.min(segs.length, this.depth);
    for (let i = 0; i < last; i++) {
      at += `/${segs[i]}`;
      const own = i === segs.length - 1;
      let n = this.nodes.get(at);
      if (!n) {
        n = { path: at, depth: i + 1, type: own ? entry.type : 'directory', bytes: 0, files: 0, dirs: 0 };
        this.nodes.set(at, n);
      } else if (own) n.type = entry.type;
      n.bytes += bytes;
      if (!isDir) n.files++;
      else if (!own) n.dirs++;
    }
  }

  /** @param limit most entries to list @default 500 */
  result(volume: string, limit = 500): VolumeContents {
    const byParent = new Map<string, Acc[]>();
    for (const n of this.nodes.values()) {
      const parent = n.path.slice(0, n.path.lastIndexOf('/'));
      const list = byParent.get(parent);
      if (list) list.push(n);
      else byParent.set(parent, [n]);
    }
    const entries: VolumeTreeNode[] = [];
    const walk = (parent: string) => {
      const kids = (byParent.get(parent) ?? []).sort(
        (a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
      );
      for (const k of kids) {
        entries.push({ ...k });
        walk(k.path);
      }
    };
    walk('');
    return {
      volume,
      bytes: this.bytes,
      files: this.files,
      dirs: this.dirs,
      entries: entries.slice(0, limit),
      omitted: Math.max(0, entries.length - limit),
    };
  }
}

/**
 * A volume's listed entries as a DiffTree (core/diff-tree.ts), so that the explorer draws them with the change
 * tree's component: no change kinds (nothing changed: these are the contents), each node's bytes those of its
 * subtree as read from the tar headers. Directories deeper than the listing are shown with their totals.
 */
export function contentsTree(c: VolumeContents): DiffTree {
  type Mut = Omit<DiffNode, 'children'> & { children: Mut[] };
  const node = (
    path: string,
    name: string,
    isDir: boolean,
    type: FsEntry['type'] | null,
    bytes: number,
    files: number,
  ): Mut => ({
    name,
    path,
    rawPath: path,
    kind: null,
    status: null,
    isDir,
    type,
    size: isDir ? null : bytes,
    bytes,
    count: files,
    unsized: 0,
    mount: null,
    isMountPoint: false,
    linkTarget: null,
    children: [],
    absorbed: [],
  });
  const root = node('/', '', true, 'directory', c.bytes, c.files);
  const byPath = new Map<string, Mut>([['', root]]);
  for (const e of c.entries) {
    const cut = e.path.lastIndexOf('/');
    const parent = byPath.get(e.path.slice(0, cut)) ?? root;
    const n = node(e.path, e.path.slice(cut + 1), e.type === 'directory', e.type, e.bytes, e.files);
    parent.children.push(n);
    byPath.set(e.path, n);
  }
  return { root, paths: c.files + c.dirs, bytes: c.bytes, counts: { added: 0, modified: 0, deleted: 0 }, sized: true };
}
