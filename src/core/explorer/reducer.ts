/**
 * The explorer's one reducer (STYLE §3.6), as a table of action handlers grouped by concern: data, navigation,
 * prompts, the preview → confirm → run flow. Several keys can arrive in one stdin chunk, so a handler never computes
 * the next state from values it closed over; effects (loading, planning, executing) watch this state and dispatch
 * results back; results for a selection or preview that is no longer current are ignored.
 */
import { fileViewFailed, fileViewLoaded, openFileView, scrollFileView } from '../file-view.js';
import { removalCount, requiredConfirmation } from '../plan/contract.js';
import type { Plan } from '../plan/types.js';
import { previewLines } from '../plan-lines.js';
import { INSIDE_HANDLERS, openContents } from './inside.js';
import { previewArgv, previewDisabledReason, typedCommand } from './preview-commands.js';
import { clamp, listRows, selectedContainer, selectedRow, visibleChanges, volumeRows } from './selectors.js';
import type { ExplorerAction, ExplorerState, Pane, RunState } from './state.js';

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
  return { ...next, cursor: Math.max(0, first), volumeCursor: 0, changesCursor: 0 };
}

const data: Pick<
  Handlers,
  | 'data-loaded'
  | 'volumes-loaded'
  | 'volume-sizes-loaded'
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
    return next;
  },
  'volumes-loaded': (s, a) => ({ ...s, volumes: a.volumes }),
  'volume-sizes-loaded': (s, a) => ({ ...s, volumeSizes: a.sizes }),
  'load-failed': (s, a) => ({ ...s, loadError: a.error }),
  // A tree for a container that is no longer selected is dropped (latest wins).
  'tree-loaded': (s, a) => (selectedContainer(s)?.id !== a.id ? s : { ...s, changeTree: { id: a.id, tree: a.tree } }),
  'file-diff-loaded': (s, a) => ({ ...s, fileView: fileViewLoaded(s.fileView, a.seq, a.diff) }),
  'file-diff-failed': (s, a) => ({ ...s, fileView: fileViewFailed(s.fileView, a.seq, a.error) }),
};

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

const navigation: Pick<Handlers, 'move' | 'move-to' | 'next-pane' | 'toggle-view' | 'toggle-open' | 'toggle-mark'> = {
  move: (s, a) => {
    if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.delta) };
    if (s.mode === 'previewing' || s.mode === 'done' || s.mode === 'confirming') {
      return explorerReducer(s, { type: 'scroll-preview', delta: a.delta });
    }
    if (s.view === 'volumes') {
      return { ...s, volumeCursor: clamp(s.volumeCursor + a.delta, volumeRows(s).length), message: null };
    }
    if (s.focus === 'changes') {
      const n = visibleChanges(s).length;
      return { ...s, changesCursor: clamp(clamp(s.changesCursor, n) + a.delta, n), message: null };
    }
    const n = listRows(s).length;
    return { ...s, cursor: clamp(clamp(s.cursor, n) + a.delta, n), changesCursor: 0, message: null };
  },
  'move-to': (s, a) => {
    if (s.mode === 'viewing' && s.fileView) return { ...s, fileView: scrollFileView(s.fileView, a.where) };
    const end = (n: number) => (a.where === 'top' ? 0 : Math.max(0, n - 1));
    if (s.view === 'volumes') return { ...s, volumeCursor: end(volumeRows(s).length) };
    if (s.focus === 'changes') return { ...s, changesCursor: end(visibleChanges(s).length) };
    return { ...s, cursor: end(listRows(s).length), changesCursor: 0 };
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
  'open-help': (s) => ({ ...s, mode: 'help' }),
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
    const last = s.preview.plan ? Math.max(0, previewLines(s.preview.plan).length - 1) : 0;
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

const running: Pick<
  Handlers,
  'run-progress' | 'run-finished' | 'run-drift' | 'run-failed' | 'message' | 'reload' | 'open-contexts' | 'quit'
> = {
  'run-progress': (s, a) =>
    !s.run
      ? s
      : // Only the last 200 lines are kept: a prune of thousands of objects must not grow state without bound.
        { ...s, run: { ...s.run, lines: [...s.run.lines, a.line].slice(-200), done: a.done, total: a.total } },
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
