/**
 * What a container changed, as a tree: built from `GET /containers/{id}/changes`, with the sizes of added and
 * changed files (read from tar headers by src/docker/filesystem.ts) and the container's mounts laid over it.
 *
 * Usage (the UI keeps the collapsed set in its own state, outside the tree, like lazygit's filetree):
 * ```ts
 * const tree = buildDiffTree(changes, { sizes, mounts });          // once per load
 * const rows = flatten(tree, collapsed, { kinds: new Set(['added']), minSize: 1024, search: 'log' }, 'size');
 * // rows[i].node.path is the stable key: toggleCollapsed(collapsed, rows[i].node.path) on enter/space.
 * ```
 * Pure: no I/O. Nodes are plain data and never mutated after buildDiffTree returns.
 */
import type { Change, ChangeKind, FsEntry, MountPoint } from './model.js';

/** What the tar header of a path said (src/docker/filesystem.ts). Keys of the sizes map are engine-form paths. */
export interface PathStat {
  readonly type: FsEntry['type'];
  /** Bytes of the file body; 0 for directories, symlinks and hardlinks (a hardlink's bytes are counted once). */
  readonly size: number;
  readonly linkTarget: string | null;
  /** The real name, raw bytes kept (see core/escape.ts), when it differs from the engine's JSON form. */
  readonly rawPath?: string;
}

export interface DiffNode {
  /** Last path segment, or several joined by `/` when a single-child chain was compressed. */
  readonly name: string;
  /** Full path as `/changes` reports it (the stable key for the collapsed set). `/` for the root. */
  readonly path: string;
  /** The real path with raw bytes when the tar header had them (else equal to `path`). */
  readonly rawPath: string;
  /** The engine's own kind for this path; null for a directory that is only implied, or a mount point. */
  readonly kind: ChangeKind | null;
  /**
   * The letter to show: a file's kind; for a directory, the one kind shared by itself and everything changed
   * under it, or `modified` when they are mixed. null when nothing under it changed (a bare mount point).
   */
  readonly status: ChangeKind | null;
  readonly isDir: boolean;
  /** From the tar header; null when sizes were not read, or the path is deleted. */
  readonly type: FsEntry['type'] | null;
  /** Own bytes (files); null when unknown or deleted. */
  readonly size: number | null;
  /** Own bytes plus every descendant's, deleted paths excluded. */
  readonly bytes: number;
  /** Change entries in this subtree, this node included. */
  readonly count: number;
  /** Added or changed non-directory paths in this subtree whose size is unknown (so `bytes` is a lower bound). */
  readonly unsized: number;
  /** The mount this path is at or under: `changes` never shows what lies inside it. */
  readonly mount: MountPoint | null;
  /** True for the node exactly at the mount's destination. */
  readonly isMountPoint: boolean;
  readonly linkTarget: string | null;
  readonly children: readonly DiffNode[];
  /** Directories merged into this node by chain compression, outermost first (their own path and kind). */
  readonly absorbed: readonly { readonly path: string; readonly kind: ChangeKind | null }[];
}

export interface DiffTree {
  readonly root: DiffNode;
  /** Number of change entries. */
  readonly paths: number;
  /** Bytes of added and changed files. */
  readonly bytes: number;
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Whether sizes were read at all. */
  readonly sized: boolean;
}

export interface BuildOptions {
  /** Tar header facts keyed by engine-form path (`/a/b`). Omit when sizes were not read. */
  readonly sizes?: ReadonlyMap<string, PathStat>;
  readonly mounts?: readonly MountPoint[];
  /** Merge single-child directory chains into one node (`usr/local/lib`). @default true */
  readonly compress?: boolean;
}

interface MutableNode {
  name: string;
  path: string;
  rawPath: string;
  kind: ChangeKind | null;
  status: ChangeKind | null;
  isDir: boolean;
  type: FsEntry['type'] | null;
  size: number | null;
  bytes: number;
  count: number;
  unsized: number;
  mount: MountPoint | null;
  isMountPoint: boolean;
  linkTarget: string | null;
  children: MutableNode[];
  absorbed: { path: string; kind: ChangeKind | null }[];
  /** Only while building. */
  byName: Map<string, MutableNode> | null;
}

function newNode(name: string, path: string): MutableNode {
  return {
    name,
    path,
    rawPath: path,
    kind: null,
    status: null,
    isDir: false,
    type: null,
    size: null,
    bytes: 0,
    count: 0,
    unsized: 0,
    mount: null,
    isMountPoint: false,
    linkTarget: null,
    // Shared until the first child or merge (2 arrays per node were most of the garbage at 200,000 paths).
    children: NO_CHILDREN,
    absorbed: NO_ABSORBED,
    byName: null,
  };
}

const NO_CHILDREN: MutableNode[] = [];
const NO_ABSORBED: { path: string; kind: ChangeKind | null }[] = [];

/**
 * The node at `path`, created with its missing ancestors. `/changes` lists a directory's entries one after the
 * other, so the parent of the previous change is remembered (`last`): most changes then cost one lookup in their
 * parent's children instead of a walk from the root (splitting every path cost ~1.5 s at 200,000 paths).
 */
function ensure(root: MutableNode, last: { path: string; node: MutableNode }, path: string): MutableNode {
  const cut = path.lastIndexOf('/');
  if (cut > 0 && cut < path.length - 1 && path.startsWith('/')) {
    const parentPath = path.slice(0, cut);
    if (parentPath !== last.path) {
      last.path = parentPath;
      last.node = ensureBySegments(root, parentPath);
    }
    return childOf(last.node, path.slice(cut + 1));
  }
  return ensureBySegments(root, path);
}

function childOf(node: MutableNode, seg: string): MutableNode {
  node.isDir = true;
  node.byName ??= new Map();
  let child = node.byName.get(seg);
  if (!child) {
    child = newNode(seg, node.path === '/' ? `/${seg}` : `${node.path}/${seg}`);
    node.byName.set(seg, child);
    if (node.children === NO_CHILDREN) node.children = [];
    node.children.push(child);
  }
  return child;
}

function ensureBySegments(root: MutableNode, path: string): MutableNode {
  let node = root;
  for (const seg of path.split('/')) if (seg !== '') node = childOf(node, seg);
  return node;
}

/** Byte-order comparison of names: deterministic, locale-free (like Go's sort of paths). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the change tree. `changes` may be in any order; duplicates keep the last kind. */
export function buildDiffTree(changes: readonly Change[], opts: BuildOptions = {}): DiffTree {
  const root = newNode('/', '/');
  root.isDir = true;
  const last = { path: '/', node: root };
  const counts: Record<ChangeKind, number> = { added: 0, modified: 0, deleted: 0 };
  for (const c of changes) {
    const node = ensure(root, last, c.path);
    if (node === root) continue;
    node.kind = c.kind;
    counts[c.kind]++;
    const stat = c.kind === 'deleted' ? undefined : opts.sizes?.get(c.path);
    if (stat) {
      node.type = stat.type;
      node.linkTarget = stat.linkTarget;
      if (stat.rawPath !== undefined) node.rawPath = stat.rawPath;
      if (stat.type === 'directory') node.isDir = true;
      else node.size = stat.size;
    }
  }
  // Mounts, outermost first, so that a nested mount overrides its parent for the paths under it.
  const mounts = [...(opts.mounts ?? [])].sort((a, b) => a.destination.length - b.destination.length);
  for (const m of mounts) {
    const node = ensure(root, last, m.destination);
    node.isMountPoint = true;
    if (m.type !== 'bind' || node.children.length > 0) node.isDir = true;
    markMount(node, m);
  }
  aggregate(root);
  const out = opts.compress === false ? root : compress(root);
  return {
    root: freeze(out),
    paths: changes.length,
    bytes: root.bytes,
    counts,
    sized: opts.sizes !== undefined,
  };
}

function markMount(node: MutableNode, m: MountPoint): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop() as MutableNode;
    n.mount = m;
    stack.push(...n.children);
  }
}

/** Post-order, iterative (4 KiB paths are ~2,000 levels deep: no recursion). */
function aggregate(root: MutableNode): void {
  const order: MutableNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as MutableNode;
    order.push(n);
    for (const c of n.children) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as MutableNode;
    n.byName = null;
    if (n.children.length > 0) n.isDir = true;
    let bytes = n.kind !== 'deleted' && n.size !== null ? n.size : 0;
    let count = n.kind !== null ? 1 : 0;
    let unsized = n.kind !== null && n.kind !== 'deleted' && !n.isDir && n.size === null ? 1 : 0;
    let status: ChangeKind | null = n.kind;
    let mixed = false;
    for (const c of n.children) {
      bytes += c.bytes;
      count += c.count;
      unsized += c.unsized;
      if (c.status !== null) {
        if (status === null) status = c.status;
        else if (status !== c.status) mixed = true;
      }
    }
    n.bytes = bytes;
    n.count = count;
    n.unsized = unsized;
    n.status = mixed ? 'modified' : status;
  }
}

function isContainerKind(k: ChangeKind | null): boolean {
  return k === null || k === 'modified';
}

/**
 * Merges a directory with its only child when that child is a directory too, neither is a mount point, and
 * merging hides nothing: both have the same kind, or both are just "a directory something changed in".
 */
function compress(root: MutableNode): MutableNode {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as MutableNode;
    if (n !== root) {
      for (;;) {
        const only = n.children.length === 1 ? (n.children[0] as MutableNode) : null;
        if (
          !only?.isDir ||
          only.children.length === 0 ||
          n.isMountPoint ||
          only.isMountPoint ||
          n.mount !== only.mount ||
          !(n.kind === only.kind || (isContainerKind(n.kind) && isContainerKind(only.kind)))
        ) {
          break;
        }
        if (n.absorbed === NO_ABSORBED) n.absorbed = [];
        n.absorbed.push({ path: n.path, kind: n.kind });
        n.name = `${n.name}/${only.name}`;
        n.path = only.path;
        n.rawPath = only.rawPath;
        n.kind = only.kind;
        n.type = only.type;
        n.children = only.children;
        // bytes, count, unsized and status already cover the child's subtree.
      }
    }
    for (const c of n.children) stack.push(c);
  }
  return root;
}

function freeze(n: MutableNode): DiffNode {
  // The build-only field is already null (aggregate): deleting it would turn every node into a slow dictionary
  // object (V8), which cost more than the whole build at 200,000 paths.
  return n as DiffNode;
}

// ---------------------------------------------------------------------------------------------------------
// Visible rows

export interface DiffFilters {
  /** Show only paths of these kinds (and the directories leading to them). Empty or absent: all kinds. */
  readonly kinds?: ReadonlySet<ChangeKind>;
  /** Show only paths whose bytes (a directory: its subtree's) are at least this. @default 0 */
  readonly minSize?: number;
  /** Case-insensitive substring of the full path. */
  readonly search?: string;
}

export type DiffSort = 'name' | 'size';

export interface VisibleRow {
  readonly node: DiffNode;
  /** 0 for the root's children. */
  readonly depth: number;
  readonly isCollapsed: boolean;
  /** Whether the node has children that the filters let through (so it can be expanded). */
  readonly hasChildren: boolean;
  /** Whether the node itself matches the filters (false for a directory shown only as a way to a match). */
  readonly isMatch: boolean;
  /** Per depth level above this row, whether that ancestor has later siblings (for drawing `│` guides). */
  readonly guides: readonly boolean[];
  readonly isLast: boolean;
}

function filtersActive(f: DiffFilters): boolean {
  return (f.kinds !== undefined && f.kinds.size > 0) || (f.minSize ?? 0) > 0 || (f.search ?? '') !== '';
}

function matches(n: DiffNode, f: DiffFilters, search: string): boolean {
  if (f.kinds !== undefined && f.kinds.size > 0 && (n.kind === null || !f.kinds.has(n.kind))) return false;
  const min = f.minSize ?? 0;
  if (min > 0 && (n.kind === 'deleted' || n.bytes < min)) return false;
  if (search !== '' && !n.rawPath.toLowerCase().includes(search) && !n.path.toLowerCase().includes(search)) {
    return false;
  }
  return true;
}

function sorter(sort: DiffSort): (a: DiffNode, b: DiffNode) => number {
  if (sort === 'size') return (a, b) => b.bytes - a.bytes || compareNames(a.name, b.name);
  // Directories first, then by name (lazygit, dive).
  return (a, b) => Number(b.isDir) - Number(a.isDir) || compareNames(a.name, b.name);
}

/**
 * The rows the UI shows: depth-first, children sorted, collapsed directories' subtrees left out, and with
 * filters only the matching nodes plus the directories leading to them. The root itself is not a row.
 *
 * @param collapsed paths (`node.path`) of collapsed directories; kept by the caller, outside the tree.
 */
export function flatten(
  tree: DiffTree,
  collapsed: ReadonlySet<string>,
  filters: DiffFilters = {},
  sort: DiffSort = 'name',
): VisibleRow[] {
  const active = filtersActive(filters);
  const search = (filters.search ?? '').toLowerCase();
  // Which nodes stay visible: a node that matches, or one with a visible descendant. Post-order, iteratively.
  const keep = new Set<DiffNode>();
  const selfMatch = new Set<DiffNode>();
  if (active) {
    const order: DiffNode[] = [];
    const stack: DiffNode[] = [tree.root];
    while (stack.length > 0) {
      const n = stack.pop() as DiffNode;
      order.push(n);
      for (const c of n.children) stack.push(c);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i] as DiffNode;
      const self = n !== tree.root && matches(n, filters, search);
      if (self) selfMatch.add(n);
      if (self || n.children.some((c) => keep.has(c))) keep.add(n);
    }
  }
  const visible = (n: DiffNode) => !active || keep.has(n);
  const cmp = sorter(sort);
  const rows: VisibleRow[] = [];
  interface Frame {
    readonly node: DiffNode;
    readonly depth: number;
    readonly guides: readonly boolean[];
    readonly isLast: boolean;
  }
  const stack: Frame[] = [];
  const pushChildren = (n: DiffNode, depth: number, guides: readonly boolean[]) => {
    const kids = n.children.filter(visible).sort(cmp);
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i] as DiffNode, depth, guides, isLast: i === kids.length - 1 });
    }
  };
  pushChildren(tree.root, 0, []);
  while (stack.length > 0) {
    const f = stack.pop() as Frame;
    const n = f.node;
    const hasChildren = n.children.some(visible);
    const isCollapsed = hasChildren && collapsed.has(n.path);
    rows.push({
      node: n,
      depth: f.depth,
      isCollapsed,
      hasChildren,
      isMatch: !active || selfMatch.has(n),
      guides: f.guides,
      isLast: f.isLast,
    });
    if (hasChildren && !isCollapsed) pushChildren(n, f.depth + 1, [...f.guides, !f.isLast]);
  }
  return rows;
}

/** A new collapsed set with `path` toggled (the UI's state update). */
export function toggleCollapsed(collapsed: ReadonlySet<string>, path: string): Set<string> {
  const next = new Set(collapsed);
  if (next.has(path)) next.delete(path);
  else next.add(path);
  return next;
}

/** Every directory path in the tree: `collapseAll = new Set(allDirectoryPaths(tree))`. */
export function allDirectoryPaths(tree: DiffTree): string[] {
  const out: string[] = [];
  const stack = [...tree.root.children];
  while (stack.length > 0) {
    const n = stack.pop() as DiffNode;
    if (n.children.length > 0) out.push(n.path);
    stack.push(...n.children);
  }
  return out;
}

/** Totals over the nodes that match the filters themselves (what a summary line shows under a filter). */
export function matchTotals(
  tree: DiffTree,
  filters: DiffFilters,
): { readonly paths: number; readonly bytes: number; readonly counts: Readonly<Record<ChangeKind, number>> } {
  const search = (filters.search ?? '').toLowerCase();
  const counts: Record<ChangeKind, number> = { added: 0, modified: 0, deleted: 0 };
  let paths = 0;
  let bytes = 0;
  const stack = [...tree.root.children];
  while (stack.length > 0) {
    const n = stack.pop() as DiffNode;
    stack.push(...n.children);
    for (const a of n.absorbed) {
      // A merged directory: the same tests, on its own path and kind (a directory has no bytes of its own).
      if (a.kind !== null && matches({ ...n, path: a.path, rawPath: a.path, kind: a.kind }, filters, search)) {
        paths++;
        counts[a.kind]++;
      }
    }
    if (n.kind === null || !matches(n, filters, search)) continue;
    paths++;
    counts[n.kind]++;
    if (n.kind !== 'deleted' && n.size !== null) bytes += n.size;
  }
  return { paths, bytes, counts };
}

/** One letter per kind, so the tree reads without colour. */
export const KIND_LETTER: Readonly<Record<ChangeKind, string>> = { added: 'A', modified: 'C', deleted: 'D' };
