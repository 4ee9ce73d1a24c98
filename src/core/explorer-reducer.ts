/**
 * The explorer's one reducer (STYLE §3.6). It holds the engine data it needs to interpret keys (several keys can
 * arrive in one stdin chunk, so a handler must never compute the next state from values it closed over), the mode,
 * the selection and the preview/confirm/run flow. Effects (loading, planning, executing) watch this state and
 * dispatch results back; results for a selection or preview that is no longer current are ignored.
 */

import type { ContentDiff } from './content-diff.js';
import { type DiffTree, flatten, type VisibleRow } from './diff-tree.js';
import type { DriftItem } from './drift.js';
import { PREVIEWS, type PreviewSelection } from './families/index.js';
import { type FileViewState, fileViewFailed, fileViewLoaded, openFileView, scrollFileView } from './file-view.js';
import {
  ANONYMOUS_VOLUME_LABEL,
  COMPOSE_LABELS,
  type ContainerInfo,
  type EngineInfo,
  type VolumeInfo,
} from './model.js';
import { requiredConfirmation } from './plan/contract.js';
import type { Plan } from './plan/types.js';
import { previewLines } from './plan-lines.js';

export type View = 'containers' | 'volumes';
export type Mode =
  | 'browsing'
  | 'filtering'
  | 'command'
  | 'help'
  | 'previewing'
  | 'confirming'
  | 'running'
  | 'done'
  | 'error'
  /** The content diff of one file of the change tree (core/file-view.ts). */
  | 'viewing';
export type Pane = 'list' | 'mounts' | 'changes';

export const PROJECT_LABEL = COMPOSE_LABELS.project;
export const SERVICE_LABEL = COMPOSE_LABELS.service;
export const ANONYMOUS_LABEL = ANONYMOUS_VOLUME_LABEL;

export type ListRow =
  | {
      readonly kind: 'group';
      readonly key: string;
      readonly label: string;
      /** Compose project name, null for the standalone group. */
      readonly project: string | null;
      readonly count: number;
      readonly collapsed: boolean;
    }
  | {
      readonly kind: 'container';
      readonly key: string;
      readonly container: ContainerInfo;
      readonly project: string | null;
    };

export interface VolumeRow {
  readonly key: string;
  readonly volume: VolumeInfo;
  /** Names of the containers (any state) that mount it. */
  readonly usedBy: readonly string[];
  readonly project: string | null;
  /** Looks anonymous: a 64-hex name or the anonymous label. */
  readonly anonymous: boolean;
}

export interface ExecutionLine {
  readonly text: string;
  readonly status: 'removing' | 'removed' | 'failed';
}

export interface PreviewState {
  /** The docker command line being previewed (with the leading `docker`). */
  readonly argv: readonly string[];
  /** Increases with each new preview: late results for an older one are ignored. */
  readonly seq: number;
  readonly plan: Plan | null;
  readonly error: string | null;
  readonly scroll: number;
}

export interface RunState {
  readonly lines: readonly ExecutionLine[];
  readonly done: number;
  readonly total: number;
  readonly removed: number | null;
  readonly failed: readonly string[];
  readonly drift: readonly DriftItem[] | null;
  readonly error: string | null;
}

export interface ExplorerState {
  readonly engine: EngineInfo;
  readonly readOnly: boolean;
  readonly containers: readonly ContainerInfo[] | null;
  readonly volumes: readonly VolumeInfo[] | null;
  readonly volumeSizes: ReadonlyMap<string, number> | null;
  readonly loadError: string | null;
  readonly view: View;
  readonly mode: Mode;
  readonly focus: Pane;
  readonly cursor: number;
  readonly volumeCursor: number;
  readonly changesCursor: number;
  /** The selected container's change tree (the reducer needs its rows to interpret keys in the changes pane). */
  readonly changeTree: { readonly id: string; readonly tree: DiffTree } | null;
  readonly filter: string;
  /** Text typed in the filter, command or confirmation prompt. */
  readonly input: string;
  readonly collapsedGroups: ReadonlySet<string>;
  readonly collapsedPaths: ReadonlySet<string>;
  readonly marked: ReadonlySet<string>;
  readonly preview: PreviewState | null;
  readonly run: RunState | null;
  /** A one-line notice (why a key is disabled, what just happened). */
  readonly message: string | null;
  /** Set when the user asked to quit. */
  readonly quitting: boolean;
  /** Bumped to ask the data hook for a fresh read (after an execution, or `R`efresh). */
  readonly reloadSeq: number;
  /** Bumped by `C`: the explorer's shell opens the docker context picker (src/ui/context-root.tsx). */
  readonly contextsSeq: number;
  /** Sequence number of the last preview opened (results carry it, so late ones are recognised). */
  readonly previewSeq: number;
  /** The file whose content diff is open (mode `viewing`). */
  readonly fileView: FileViewState | null;
}

/** The id of an explorer preview key: a command family's `PreviewBinding.id` (core/families). */
export type PreviewKind = string;

export type ExplorerAction =
  | {
      readonly type: 'data-loaded';
      readonly containers: readonly ContainerInfo[];
      /** Absent when only the containers have been read so far (the first frame does not wait for volumes). */
      readonly volumes?: readonly VolumeInfo[];
    }
  | { readonly type: 'volumes-loaded'; readonly volumes: readonly VolumeInfo[] }
  | { readonly type: 'volume-sizes-loaded'; readonly sizes: ReadonlyMap<string, number> }
  | { readonly type: 'load-failed'; readonly error: string }
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'move-to'; readonly where: 'top' | 'bottom' }
  | { readonly type: 'next-pane' }
  | { readonly type: 'toggle-view' }
  | { readonly type: 'toggle-open' }
  | { readonly type: 'tree-loaded'; readonly id: string; readonly tree: DiffTree }
  | { readonly type: 'file-diff-loaded'; readonly seq: number; readonly diff: ContentDiff }
  | { readonly type: 'file-diff-failed'; readonly seq: number; readonly error: string }
  | { readonly type: 'toggle-mark' }
  | { readonly type: 'open-filter' }
  | { readonly type: 'open-command' }
  | { readonly type: 'open-help' }
  | { readonly type: 'input-char'; readonly text: string }
  | { readonly type: 'input-backspace' }
  | { readonly type: 'submit' }
  | { readonly type: 'back' }
  | { readonly type: 'request-preview'; readonly kind: PreviewKind }
  | { readonly type: 'preview-command'; readonly argv: readonly string[] }
  | { readonly type: 'plan-loaded'; readonly seq: number; readonly plan: Plan }
  | { readonly type: 'plan-failed'; readonly seq: number; readonly error: string }
  | { readonly type: 'scroll-preview'; readonly delta: number }
  | { readonly type: 'confirm' }
  | { readonly type: 'confirm-yes' }
  | { readonly type: 'run-progress'; readonly line: ExecutionLine; readonly done: number; readonly total: number }
  | { readonly type: 'run-finished'; readonly removed: number; readonly failed: readonly string[] }
  | { readonly type: 'run-drift'; readonly items: readonly DriftItem[] }
  | { readonly type: 'run-failed'; readonly error: string }
  | { readonly type: 'message'; readonly text: string | null }
  | { readonly type: 'reload' }
  | { readonly type: 'open-contexts' }
  | { readonly type: 'quit' };

export function initialState(engine: EngineInfo, readOnly: boolean): ExplorerState {
  return {
    engine,
    readOnly,
    containers: null,
    volumes: null,
    volumeSizes: null,
    loadError: null,
    view: 'containers',
    mode: 'browsing',
    focus: 'list',
    cursor: 0,
    volumeCursor: 0,
    changesCursor: 0,
    changeTree: null,
    filter: '',
    input: '',
    collapsedGroups: new Set(),
    collapsedPaths: new Set(),
    marked: new Set(),
    preview: null,
    run: null,
    message: null,
    quitting: false,
    reloadSeq: 0,
    contextsSeq: 0,
    previewSeq: 0,
    fileView: null,
  };
}

function matchesFilter(c: ContainerInfo, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return (
    c.name.toLowerCase().includes(f) ||
    c.image.toLowerCase().includes(f) ||
    (c.labels[PROJECT_LABEL] ?? '').toLowerCase().includes(f) ||
    c.id.startsWith(f)
  );
}

let listCache: {
  containers: ExplorerState['containers'];
  filter: string;
  collapsed: ReadonlySet<string>;
  rows: ListRow[];
} | null = null;

/**
 * Containers grouped by compose project (sorted), standalone ones last; collapsed groups hide their members.
 * Memoised on (containers, filter, collapsed set): the reducer and the render both need the rows on every key,
 * and grouping and sorting 1,000 containers each time would be wasted.
 */
export function listRows(s: Pick<ExplorerState, 'containers' | 'filter' | 'collapsedGroups'>): ListRow[] {
  const c = listCache;
  if (c && c.containers === s.containers && c.filter === s.filter && c.collapsed === s.collapsedGroups) return c.rows;
  const rows = groupRows(s);
  listCache = { containers: s.containers, filter: s.filter, collapsed: s.collapsedGroups, rows };
  return rows;
}

function groupRows(s: Pick<ExplorerState, 'containers' | 'filter' | 'collapsedGroups'>): ListRow[] {
  const groups = new Map<string | null, ContainerInfo[]>();
  for (const c of s.containers ?? []) {
    if (!matchesFilter(c, s.filter)) continue;
    const p = c.labels[PROJECT_LABEL] ?? null;
    const list = groups.get(p) ?? [];
    list.push(c);
    groups.set(p, list);
  }
  const names = [...groups.keys()].filter((k): k is string => k !== null).sort();
  const order: (string | null)[] = [...names, ...(groups.has(null) ? [null] : [])];
  const rows: ListRow[] = [];
  for (const p of order) {
    const members = [...(groups.get(p) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    const key = p === null ? 'group:' : `group:${p}`;
    const collapsed = s.collapsedGroups.has(key);
    rows.push({
      kind: 'group',
      key,
      label: p === null ? 'standalone' : `${p} (compose)`,
      project: p,
      count: members.length,
      collapsed,
    });
    if (!collapsed) for (const c of members) rows.push({ kind: 'container', key: c.id, container: c, project: p });
  }
  return rows;
}

function isAnonymousName(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}

export function volumeRows(s: Pick<ExplorerState, 'volumes' | 'containers' | 'filter'>): VolumeRow[] {
  const users = new Map<string, string[]>();
  for (const c of s.containers ?? []) {
    for (const m of c.mounts) {
      if (m.type !== 'volume' || !m.name) continue;
      const list = users.get(m.name) ?? [];
      list.push(c.name);
      users.set(m.name, list);
    }
  }
  const f = s.filter.toLowerCase();
  return [...(s.volumes ?? [])]
    .filter((v) => !f || v.name.toLowerCase().includes(f) || (v.labels[PROJECT_LABEL] ?? '').includes(f))
    .sort((a, b) => {
      // Named volumes first (they are what people care about), then anonymous ones, each by name.
      const aa = isAnonymousName(a.name);
      const bb = isAnonymousName(b.name);
      return aa === bb ? a.name.localeCompare(b.name) : aa ? 1 : -1;
    })
    .map((v) => ({
      key: v.name,
      volume: v,
      usedBy: (users.get(v.name) ?? []).sort(),
      project: v.labels[PROJECT_LABEL] ?? null,
      anonymous: isAnonymousName(v.name) || ANONYMOUS_LABEL in v.labels,
    }));
}

let rowsCache: { tree: DiffTree; collapsed: ReadonlySet<string>; rows: VisibleRow[] } | null = null;

/**
 * The change tree's visible rows for the selected container (empty while loading or for another container).
 * Memoised on the tree and the collapsed set: flattening 100,000 paths on every key would cost a frame.
 */
export function visibleChanges(s: ExplorerState): VisibleRow[] {
  const t = s.changeTree;
  if (!t || t.id !== selectedContainer(s)?.id) return [];
  if (rowsCache && rowsCache.tree === t.tree && rowsCache.collapsed === s.collapsedPaths) return rowsCache.rows;
  const rows = flatten(t.tree, s.collapsedPaths);
  rowsCache = { tree: t.tree, collapsed: s.collapsedPaths, rows };
  return rows;
}

/** A new filter: the cursor goes to the first matching container (not its group's header). */
function withFilter(s: ExplorerState, text: string): ExplorerState {
  const next = { ...s, input: text, filter: text };
  const first = listRows(next).findIndex((r) => r.kind === 'container');
  return { ...next, cursor: Math.max(0, first), volumeCursor: 0, changesCursor: 0 };
}

function clamp(n: number, length: number): number {
  return length <= 0 ? 0 : Math.max(0, Math.min(length - 1, n));
}

export function selectedRow(s: ExplorerState): ListRow | null {
  const rows = listRows(s);
  return rows[clamp(s.cursor, rows.length)] ?? null;
}

export function selectedContainer(s: ExplorerState): ContainerInfo | null {
  const row = selectedRow(s);
  return row?.kind === 'container' ? row.container : null;
}

export function selectedVolume(s: ExplorerState): VolumeRow | null {
  const rows = volumeRows(s);
  return rows[clamp(s.volumeCursor, rows.length)] ?? null;
}

/** What the selection offers a preview key (the families' bindings read only this). */
export function previewSelection(s: ExplorerState): PreviewSelection {
  const row = selectedRow(s);
  const containers =
    s.marked.size > 0
      ? (s.containers ?? []).filter((c) => s.marked.has(c.id)).map((c) => c.name)
      : row?.kind === 'container'
        ? [row.container.name]
        : [];
  return {
    view: s.view,
    containers,
    containerSelected: row?.kind === 'container',
    marked: s.marked.size,
    project: row?.project ?? null,
    volume: selectedVolume(s)?.volume.name ?? null,
  };
}

const previewBinding = (kind: PreviewKind) => PREVIEWS.find((p) => p.id === kind);

/** Why a preview key cannot be used right now, or null when it can (drives the keymap's disabled reasons). */
export function previewDisabledReason(s: ExplorerState, kind: PreviewKind): string | null {
  if (s.readOnly) return 'read-only mode: destructive actions are disabled (use `lastlook plan` to preview)';
  if (s.containers === null) return 'still loading';
  return previewBinding(kind)?.disabled?.(previewSelection(s)) ?? null;
}

/** The docker command line a preview key stands for, from the current selection. */
export function previewArgv(s: ExplorerState, kind: PreviewKind): string[] | null {
  return previewBinding(kind)?.argv(previewSelection(s)) ?? null;
}

/** What the user must type to confirm: the plan carries it (core/plan/contract.ts holds the policy). */
export { requiredConfirmation };

/** Splits a typed command line into words, honouring single and double quotes. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

function openPreview(s: ExplorerState, argv: readonly string[]): ExplorerState {
  const seq = s.previewSeq + 1;
  return {
    ...s,
    mode: 'previewing',
    input: '',
    message: null,
    run: null,
    previewSeq: seq,
    preview: { argv, seq, plan: null, error: null, scroll: 0 },
  };
}

export function explorerReducer(s: ExplorerState, a: ExplorerAction): ExplorerState {
  switch (a.type) {
    case 'data-loaded': {
      const next = { ...s, containers: a.containers, volumes: a.volumes ?? s.volumes, loadError: null };
      // On the first load, start on the first container rather than on its group's header.
      if (s.containers === null && listRows(next)[0]?.kind === 'group' && listRows(next)[1]) {
        return { ...next, cursor: 1 };
      }
      return next;
    }
    case 'volumes-loaded':
      return { ...s, volumes: a.volumes };
    case 'volume-sizes-loaded':
      return { ...s, volumeSizes: a.sizes };
    case 'load-failed':
      return { ...s, loadError: a.error };
    case 'move': {
      if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.delta) };
      if (s.mode === 'previewing' || s.mode === 'done' || s.mode === 'confirming') {
        return explorerReducer(s, { type: 'scroll-preview', delta: a.delta });
      }
      if (s.view === 'volumes') {
        const n = volumeRows(s).length;
        return { ...s, volumeCursor: clamp(s.volumeCursor + a.delta, n), message: null };
      }
      if (s.focus === 'changes') {
        const n = visibleChanges(s).length;
        return { ...s, changesCursor: clamp(clamp(s.changesCursor, n) + a.delta, n), message: null };
      }
      const n = listRows(s).length;
      return { ...s, cursor: clamp(clamp(s.cursor, n) + a.delta, n), changesCursor: 0, message: null };
    }
    case 'move-to': {
      if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.where) };
      if (s.view === 'volumes') {
        return { ...s, volumeCursor: a.where === 'top' ? 0 : Math.max(0, volumeRows(s).length - 1) };
      }
      if (s.focus === 'changes') {
        return { ...s, changesCursor: a.where === 'top' ? 0 : Math.max(0, visibleChanges(s).length - 1) };
      }
      return { ...s, cursor: a.where === 'top' ? 0 : Math.max(0, listRows(s).length - 1), changesCursor: 0 };
    }
    case 'next-pane': {
      if (s.view === 'volumes') return s;
      const order: Pane[] = ['list', 'mounts', 'changes'];
      return { ...s, focus: order[(order.indexOf(s.focus) + 1) % order.length] as Pane };
    }
    case 'toggle-view':
      return { ...s, view: s.view === 'containers' ? 'volumes' : 'containers', focus: 'list', message: null };
    case 'toggle-open': {
      if (s.view === 'containers' && s.focus === 'changes') {
        const rows = visibleChanges(s);
        const row = rows[clamp(s.changesCursor, rows.length)];
        const c = selectedContainer(s);
        // A file (or an empty directory): its content diff. A directory with rows under it folds.
        if (row && !row.hasChildren && c) {
          const seq = s.previewSeq + 1;
          return { ...s, mode: 'viewing', previewSeq: seq, fileView: openFileView(seq, c.id, row.node.path) };
        }
        if (!row?.hasChildren) return s;
        const next = new Set(s.collapsedPaths);
        if (next.has(row.node.path)) next.delete(row.node.path);
        else next.add(row.node.path);
        return { ...s, collapsedPaths: next };
      }
      const row = s.view === 'containers' ? selectedRow(s) : null;
      if (row?.kind === 'group') {
        const next = new Set(s.collapsedGroups);
        if (next.has(row.key)) next.delete(row.key);
        else next.add(row.key);
        return { ...s, collapsedGroups: next };
      }
      if (row?.kind === 'container') return { ...s, focus: 'changes', changesCursor: 0 };
      return s;
    }
    case 'toggle-mark': {
      const c = s.view === 'containers' ? selectedContainer(s) : null;
      if (!c) return { ...s, message: 'space marks containers (for rm of several)' };
      const next = new Set(s.marked);
      if (next.has(c.id)) next.delete(c.id);
      else next.add(c.id);
      return { ...s, marked: next, message: null };
    }
    case 'open-filter':
      return { ...s, mode: 'filtering', input: s.filter };
    case 'open-command':
      return { ...s, mode: 'command', input: '' };
    case 'open-help':
      return { ...s, mode: 'help' };
    case 'input-char':
      if (s.mode === 'filtering') return withFilter(s, s.input + a.text);
      if (s.mode === 'command' || s.mode === 'confirming') return { ...s, input: s.input + a.text };
      return s;
    case 'input-backspace': {
      const input = [...s.input].slice(0, -1).join('');
      if (s.mode === 'filtering') return withFilter(s, input);
      return { ...s, input };
    }
    case 'submit': {
      if (s.mode === 'filtering') return { ...s, mode: 'browsing', input: '' };
      if (s.mode === 'command') {
        const words = splitWords(s.input);
        if (words.length === 0) return { ...s, mode: 'browsing', input: '' };
        return openPreview(s, words[0] === 'docker' || words[0] === 'docker-compose' ? words : ['docker', ...words]);
      }
      if (s.mode === 'confirming' && s.preview?.plan) {
        const need = requiredConfirmation(s.preview.plan);
        if (need !== null && s.input === need) return startRun(s);
        return { ...s, message: need === null ? null : `type ${need} exactly to confirm, or esc to cancel` };
      }
      if (s.mode === 'done') return explorerReducer(s, { type: 'back' });
      return s;
    }
    case 'back':
      switch (s.mode) {
        case 'filtering':
          return { ...s, mode: 'browsing', input: '', filter: '' };
        case 'command':
        case 'help':
          return { ...s, mode: 'browsing', input: '' };
        case 'previewing':
          return { ...s, mode: 'browsing', preview: null, message: null };
        case 'viewing':
          return { ...s, mode: 'browsing', fileView: null, message: null };
        case 'confirming':
          return { ...s, mode: 'previewing', input: '', message: 'not confirmed: nothing was removed' };
        case 'done':
        case 'error':
          return { ...s, mode: 'browsing', preview: null, run: null, marked: new Set() };
        case 'running':
          return s;
        default:
          return s.filter ? { ...s, filter: '' } : s;
      }
    case 'request-preview': {
      const reason = previewDisabledReason(s, a.kind);
      if (reason) return { ...s, message: reason };
      const argv = previewArgv(s, a.kind);
      return argv ? openPreview(s, argv) : { ...s, message: 'nothing selected' };
    }
    case 'preview-command':
      return openPreview(s, a.argv);
    case 'plan-loaded':
      if (!s.preview || s.preview.seq !== a.seq) return s;
      return { ...s, preview: { ...s.preview, plan: a.plan } };
    case 'plan-failed':
      if (!s.preview || s.preview.seq !== a.seq) return s;
      return { ...s, preview: { ...s.preview, error: a.error } };
    case 'scroll-preview': {
      if (!s.preview) return s;
      const last = s.preview.plan ? Math.max(0, previewLines(s.preview.plan).length - 1) : 0;
      return { ...s, preview: { ...s.preview, scroll: Math.max(0, Math.min(last, s.preview.scroll + a.delta)) } };
    }
    case 'file-diff-loaded':
      return { ...s, fileView: fileViewLoaded(s.fileView, a.seq, a.diff) };
    case 'file-diff-failed':
      return { ...s, fileView: fileViewFailed(s.fileView, a.seq, a.error) };
    case 'tree-loaded':
      // A tree for a container that is no longer selected is dropped (latest wins).
      if (selectedContainer(s)?.id !== a.id) return s;
      return { ...s, changeTree: { id: a.id, tree: a.tree } };
    case 'confirm': {
      if (s.mode !== 'previewing' || !s.preview?.plan) return s;
      if (s.readOnly) return { ...s, message: 'read-only mode: lastlook will not carry this out' };
      const plan = s.preview.plan;
      if (plan.blocked) return { ...s, message: `the engine would refuse this: ${plan.blocked.reason}` };
      if (executionCount(plan) === 0) return { ...s, message: 'nothing to remove' };
      return { ...s, mode: 'confirming', input: '', message: null };
    }
    case 'confirm-yes': {
      if (s.mode !== 'confirming' || !s.preview?.plan) return s;
      const need = requiredConfirmation(s.preview.plan);
      return need === null ? startRun(s) : s;
    }
    case 'run-progress':
      if (!s.run) return s;
      return {
        ...s,
        // Only the last 200 lines are kept: a prune of thousands of objects must not grow state without bound.
        run: { ...s.run, lines: [...s.run.lines, a.line].slice(-200), done: a.done, total: a.total },
      };
    case 'run-finished':
      return {
        ...s,
        mode: 'done',
        run: { ...(s.run ?? emptyRun()), removed: a.removed, failed: a.failed },
        reloadSeq: s.reloadSeq + 1,
      };
    case 'run-drift':
      return { ...s, mode: 'done', run: { ...(s.run ?? emptyRun()), drift: a.items }, reloadSeq: s.reloadSeq + 1 };
    case 'run-failed':
      return { ...s, mode: 'done', run: { ...(s.run ?? emptyRun()), error: a.error }, reloadSeq: s.reloadSeq + 1 };
    case 'message':
      return { ...s, message: a.text };
    case 'reload':
      return { ...s, reloadSeq: s.reloadSeq + 1 };
    case 'open-contexts':
      return { ...s, contextsSeq: s.contextsSeq + 1 };
    case 'quit':
      return s.mode === 'running'
        ? { ...s, message: 'removal in progress: wait for it to finish' }
        : { ...s, quitting: true };
  }
}

function emptyRun(): RunState {
  return { lines: [], done: 0, total: 0, removed: null, failed: [], drift: null, error: null };
}

export function executionCount(plan: Plan): number {
  const d = plan.destroy;
  return d.containers.length + d.volumes.length + d.networks.length + d.images.length;
}

function startRun(s: ExplorerState): ExplorerState {
  return {
    ...s,
    mode: 'running',
    input: '',
    message: null,
    run: { ...emptyRun(), total: executionCount(s.preview?.plan as Plan) },
  };
}
