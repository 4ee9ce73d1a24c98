/**
 * The explorer's one reducer (STYLE §3.6), as a table of action handlers grouped by concern: data, navigation,
 * prompts, the preview → confirm → run flow. Several keys can arrive in one stdin chunk, so a handler never computes
 * the next state from values it closed over; effects (loading, planning, executing) watch this state and dispatch
 * results back; results for a selection or preview that is no longer current are ignored.
 */
import type { DiffTree } from '../diff-tree.js';
import { fileViewFailed, fileViewLoaded, openFileView, scrollFileView } from '../file-view.js';
import { computeLayout, helpLayout } from '../layout.js';
import { removalCount, requiredConfirmation } from '../plan/contract.js';
import type { Plan } from '../plan/types.js';
import { previewLines } from '../plan-lines.js';
import { INSIDE_HANDLERS, openContents } from './inside.js';
import { previewArgv, previewDisabledReason, typedCommand } from './preview-commands.js';
import {
  clamp,
  listRows,
  mountRows,
  selectedContainer,
  selectedRow,
  selectedVolume,
  visibleChanges,
  volumeRows,
} from './selectors.js';
import type { ExecutionLine, ExplorerAction, ExplorerState, Pane, RunState } from './state.js';

type Handlers = {
  [T in ExplorerAction['type']]: (s: ExplorerState, a: Extract<ExplorerAction, { type: T }>) => ExplorerState;
};

function emptyRun(): RunState {
  return { lines: [], done: 0, total: 0, removed: null, failed: [], drift: null, error: null };
}

function startRun(s: ExplorerState): ExplorerState {
  return {
    ...s,
    mode: 'running',
    input: '',
    message: null,
    run: { ...emptyRun(), total: removalCount(s.preview?.plan as Plan) },
  };
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

/** A new filter: the cursor goes to the first matching container (not its group's header). */
function withFilter(s: ExplorerState, text: string): ExplorerState {
  const next = { ...s, input: text, filter: text };
  const first = listRows(next).findIndex((r) => r.kind === 'container');
  return { ...next, cursor: Math.max(0, first), volumeCursor: 0, ...selectionMoved };
}

/**
 * After a refresh the same rows stay selected: the container (or group) by its ID and the volume by its name, not
 * by their index — an engine event adding or removing a container above must not move the highlight.
 */
function keepSelection(prev: ExplorerState, next: ExplorerState): ExplorerState {
  const row = prev.containers === null ? null : selectedRow(prev);
  const i = row ? listRows(next).findIndex((r) => r.key === row.key) : -1;
  const volume = prev.volumes === null ? null : selectedVolume(prev);
  const v = volume ? volumeRows(next).findIndex((r) => r.key === volume.key) : -1;
  return {
    ...next,
    ...(i >= 0 && i !== prev.cursor ? { cursor: i } : {}),
    ...(v >= 0 && v !== prev.volumeCursor ? { volumeCursor: v } : {}),
  };
}

const data: Pick<
  Handlers,
  | 'data-loaded'
  | 'volumes-loaded'
  | 'volume-sizes-loaded'
  | 'layer-sizes-loaded'
  | 'mounts-loaded'
  | 'mount-fates-loaded'
  | 'load-failed'
  | 'tree-loaded'
  | 'file-diff-loaded'
  | 'file-diff-failed'
> = {
  'data-loaded': (s, a) => {
    const next = { ...s, containers: a.containers, volumes: a.volumes ?? s.volumes, loadError: null };
    // On the first load, start on the first container rather than on its group's header.
    if (s.containers === null && listRows(next)[0]?.kind === 'group' && listRows(next)[1]) {
      return { ...next, cursor: 1 };
    }
    return keepSelection(s, next);
  },
  'volumes-loaded': (s, a) => keepSelection(s, { ...s, volumes: a.volumes }),
  'volume-sizes-loaded': (s, a) => ({ ...s, volumeSizes: a.sizes }),
  'layer-sizes-loaded': (s, a) => ({ ...s, layerSizes: a.sizes }),
  // Mounts and fates of a container that is no longer selected are dropped (latest wins).
  'mounts-loaded': (s, a) =>
    selectedContainer(s)?.id !== a.id
      ? s
      : { ...s, mountTable: { id: a.id, mounts: a.mounts, fates: null, fatesError: null } },
  'mount-fates-loaded': (s, a) => {
    const c = selectedContainer(s);
    if (c?.id !== a.id) return s;
    const base =
      s.mountTable?.id === a.id ? s.mountTable : { id: a.id, mounts: c.mounts, fates: null, fatesError: null };
    return { ...s, mountTable: { ...base, fates: a.fates, fatesError: a.error } };
  },
  'load-failed': (s, a) => ({ ...s, loadError: a.error }),
  // A tree for a container that is no longer selected is dropped (latest wins).
  'tree-loaded': (s, a) => (selectedContainer(s)?.id !== a.id ? s : treeReplaced(s, a.id, a.tree)),
  'file-diff-loaded': (s, a) => ({ ...s, fileView: fileViewLoaded(s.fileView, a.seq, a.diff) }),
  'file-diff-failed': (s, a) => ({ ...s, fileView: fileViewFailed(s.fileView, a.seq, a.error) }),
};

/**
 * The selected container's change tree, new or read again (sizes arrived, a reload): the cursor stays on the path it
 * was on, not on the row number, so that a row the new tree adds or drops above it never moves the selection under
 * the user's next key.
 */
function treeReplaced(s: ExplorerState, id: string, tree: DiffTree): ExplorerState {
  const next = { ...s, changeTree: { id, tree } };
  if (s.changeTree?.id !== id) return next;
  const before = visibleChanges(s);
  const path = before[clamp(s.changesCursor, before.length)]?.node.path;
  if (path === undefined) return next;
  const at = visibleChanges(next).findIndex((r) => r.node.path === path);
  return at < 0 || at === s.changesCursor ? next : { ...next, changesCursor: at };
}

function toggleOpen(s: ExplorerState): ExplorerState {
  if (s.view === 'volumes' || s.focus === 'mounts') return openContents(s);
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

/** A help scroll bounded so that the last screen shows the end of the help (whatever the terminal's size). */
function clampHelp(s: ExplorerState, scroll: number): number {
  const max = s.viewport
    ? helpLayout(s.helpLines, s.viewport.columns, s.viewport.rows).maxScroll
    : Math.max(0, s.helpLines - 1);
  return Math.max(0, Math.min(max, scroll));
}

/** What a new selection in the list resets: the cursors of its mount table and change tree. */
const selectionMoved = { changesCursor: 0, mountCursor: 0 } as const;

const navigation: Pick<Handlers, 'move' | 'move-to' | 'next-pane' | 'toggle-view' | 'toggle-open' | 'toggle-mark'> = {
  move: (s, a) => {
    if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.delta) };
    if (s.mode === 'previewing' || s.mode === 'done' || s.mode === 'confirming') {
      return explorerReducer(s, { type: 'scroll-preview', delta: a.delta });
    }
    if (s.mode === 'help') return { ...s, helpScroll: clampHelp(s, s.helpScroll + a.delta) };
    if (s.view === 'volumes') {
      return { ...s, volumeCursor: clamp(s.volumeCursor + a.delta, volumeRows(s).length), message: null };
    }
    if (s.focus === 'mounts') {
      const n = mountRows(s).length;
      return { ...s, mountCursor: clamp(clamp(s.mountCursor, n) + a.delta, n), message: null };
    }
    if (s.focus === 'changes') {
      const n = visibleChanges(s).length;
      return { ...s, changesCursor: clamp(clamp(s.changesCursor, n) + a.delta, n), message: null };
    }
    const n = listRows(s).length;
    return { ...s, cursor: clamp(clamp(s.cursor, n) + a.delta, n), ...selectionMoved, message: null };
  },
  'move-to': (s, a) => {
    if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.where) };
    const end = (n: number) => (a.where === 'top' ? 0 : Math.max(0, n - 1));
    if (s.mode === 'help') return { ...s, helpScroll: clampHelp(s, a.where === 'top' ? 0 : s.helpLines) };
    if (s.view === 'volumes') return { ...s, volumeCursor: end(volumeRows(s).length) };
    if (s.focus === 'mounts') return { ...s, mountCursor: end(mountRows(s).length) };
    if (s.focus === 'changes') return { ...s, changesCursor: end(visibleChanges(s).length) };
    return { ...s, cursor: end(listRows(s).length), ...selectionMoved };
  },
  'next-pane': (s) => {
    if (s.view === 'volumes') return s;
    const order: Pane[] = ['list', 'mounts', 'changes'];
    return { ...s, focus: order[(order.indexOf(s.focus) + 1) % order.length] as Pane };
  },
  'toggle-view': (s) => ({
    ...s,
    view: s.view === 'containers' ? 'volumes' : 'containers',
    focus: 'list',
    message: null,
  }),
  'toggle-open': toggleOpen,
  'toggle-mark': (s) => {
    const c = s.view === 'containers' ? selectedContainer(s) : null;
    if (!c) return { ...s, message: 'space marks containers (for rm of several)' };
    const next = new Set(s.marked);
    if (next.has(c.id)) next.delete(c.id);
    else next.add(c.id);
    return { ...s, marked: next, message: null };
  },
};

function submit(s: ExplorerState): ExplorerState {
  if (s.mode === 'filtering') return { ...s, mode: 'browsing', input: '' };
  if (s.mode === 'command') {
    const argv = typedCommand(s.input);
    return argv ? openPreview(s, argv) : { ...s, mode: 'browsing', input: '' };
  }
  if (s.mode === 'confirming' && s.preview?.plan) {
    const need = requiredConfirmation(s.preview.plan);
    if (need !== null && s.input === need) return startRun(s);
    return { ...s, message: need === null ? null : `type ${need} exactly to confirm, or esc to cancel` };
  }
  if (s.mode === 'done') return back(s);
  return s;
}

function back(s: ExplorerState): ExplorerState {
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
}

const prompts: Pick<
  Handlers,
  'open-filter' | 'open-command' | 'open-help' | 'input-char' | 'input-backspace' | 'submit' | 'back'
> = {
  'open-filter': (s) => ({ ...s, mode: 'filtering', input: s.filter }),
  'open-command': (s) => ({ ...s, mode: 'command', input: '' }),
  'open-help': (s, a) => ({ ...s, mode: 'help', helpScroll: 0, helpLines: a.lines ?? 0 }),
  'input-char': (s, a) => {
    if (s.mode === 'filtering') return withFilter(s, s.input + a.text);
    if (s.mode === 'command' || s.mode === 'confirming') return { ...s, input: s.input + a.text };
    return s;
  },
  'input-backspace': (s) => {
    const input = [...s.input].slice(0, -1).join('');
    return s.mode === 'filtering' ? withFilter(s, input) : { ...s, input };
  },
  submit,
  back,
};

const previewFlow: Pick<
  Handlers,
  | 'request-preview'
  | 'preview-command'
  | 'plan-loaded'
  | 'plan-failed'
  | 'scroll-preview'
  | 'confirm'
  | 'confirm-yes'
  | 'backup-proceed'
> = {
  'request-preview': (s, a) => {
    const reason = previewDisabledReason(s, a.kind);
    if (reason) return { ...s, message: reason };
    const argv = previewArgv(s, a.kind);
    return argv ? openPreview(s, argv) : { ...s, message: 'nothing selected' };
  },
  'preview-command': (s, a) => openPreview(s, a.argv),
  'plan-loaded': (s, a) =>
    !s.preview || s.preview.seq !== a.seq ? s : { ...s, preview: { ...s.preview, plan: a.plan } },
  'plan-failed': (s, a) =>
    !s.preview || s.preview.seq !== a.seq ? s : { ...s, preview: { ...s.preview, error: a.error } },
  'scroll-preview': (s, a) => {
    if (!s.preview) return s;
    const n = s.preview.plan ? previewLines(s.preview.plan).length : 0;
    // With the terminal's size known, the last scroll shows the plan's end (the preview box: the body less its
    // border, title, command and read-only line); without it, any line can be first.
    const room = s.viewport ? computeLayout(s.viewport.columns, s.viewport.rows).bodyHeight - 5 : 1;
    const last = n <= room ? 0 : Math.max(0, n - Math.max(1, room - 1));
    return { ...s, preview: { ...s.preview, scroll: Math.max(0, Math.min(last, s.preview.scroll + a.delta)) } };
  },
  confirm: (s) => {
    if (s.mode !== 'previewing' || !s.preview?.plan) return s;
    if (s.readOnly) return { ...s, message: 'read-only mode: lastlook will not carry this out' };
    const plan = s.preview.plan;
    if (plan.blocked) return { ...s, message: `the engine would refuse this: ${plan.blocked.reason}` };
    if (removalCount(plan) === 0) return { ...s, message: 'nothing to remove' };
    return { ...s, mode: 'confirming', input: '', message: null };
  },
  // `y` once the backup of the plan verified: the same confirmation as from the preview.
  'backup-proceed': (s) =>
    s.mode !== 'backup' || s.backup?.phase !== 'verified'
      ? s
      : previewFlow.confirm({ ...s, mode: 'previewing' }, { type: 'confirm' }),
  'confirm-yes': (s) => {
    if (s.mode !== 'confirming' || !s.preview?.plan) return s;
    return requiredConfirmation(s.preview.plan) === null ? startRun(s) : s;
  },
};

/**
 * The run's lines with one more: an object's outcome (✓ or ✗) replaces its `… removing` line rather than stacking
 * under it. Only the last 200 are kept: a prune of thousands of objects must not grow state without bound.
 */
function progressLines(lines: readonly ExecutionLine[], line: ExecutionLine): ExecutionLine[] {
  const i =
    line.status === 'removing' ? -1 : lines.findLastIndex((l) => l.status === 'removing' && l.text === line.text);
  const next = i >= 0 ? lines.map((l, j) => (j === i ? line : l)) : [...lines, line];
  return next.slice(-200);
}

const running: Pick<
  Handlers,
  | 'run-progress'
  | 'run-finished'
  | 'run-drift'
  | 'run-failed'
  | 'message'
  | 'reload'
  | 'resize'
  | 'open-contexts'
  | 'quit'
> = {
  'run-progress': (s, a) =>
    !s.run ? s : { ...s, run: { ...s.run, lines: progressLines(s.run.lines, a.line), done: a.done, total: a.total } },
  'run-finished': (s, a) => ({
    ...s,
    mode: 'done',
    run: { ...(s.run ?? emptyRun()), removed: a.removed, failed: a.failed },
    reloadSeq: s.reloadSeq + 1,
  }),
  'run-drift': (s, a) => ({
    ...s,
    mode: 'done',
    run: { ...(s.run ?? emptyRun()), drift: a.items },
    reloadSeq: s.reloadSeq + 1,
  }),
  'run-failed': (s, a) => ({
    ...s,
    mode: 'done',
    run: { ...(s.run ?? emptyRun()), error: a.error },
    reloadSeq: s.reloadSeq + 1,
  }),
  message: (s, a) => ({ ...s, message: a.text }),
  reload: (s) => ({ ...s, reloadSeq: s.reloadSeq + 1 }),
  resize: (s, a) => ({ ...s, viewport: { columns: a.columns, rows: a.rows } }),
  'open-contexts': (s) => ({ ...s, contextsSeq: s.contextsSeq + 1 }),
  quit: (s) =>
    s.mode === 'running'
      ? { ...s, message: 'removal in progress: wait for it to finish' }
      : s.mode === 'backup' && (s.backup?.phase === 'running' || s.backup?.phase === 'cancelling')
        ? { ...s, message: 'backup in progress: esc cancels it (nothing is removed, no file left)' }
        : { ...s, quitting: true },
};

const HANDLERS: Handlers = { ...data, ...navigation, ...prompts, ...previewFlow, ...running, ...INSIDE_HANDLERS };

export function explorerReducer(s: ExplorerState, a: ExplorerAction): ExplorerState {
  const handle = HANDLERS[a.type] as (s: ExplorerState, a: ExplorerAction) => ExplorerState;
  return handle(s, a);
}
