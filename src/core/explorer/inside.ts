/**
 * The reducer's handlers for the explorer's "inside" screens (issue 12; state in ./inside-state.ts): `b` on a
 * preview backs up what its plan destroys and only then offers the removal; `enter` on a volume opens its contents
 * (in the change tree's component); `l` follows a container's logs. Effects (src/ui/hooks/use-inside.ts) do the
 * reading and dispatch results tagged with the screen's `seq`: late results of a closed screen are ignored.
 */
import { flatten } from '../diff-tree.js';
import type { Plan } from '../plan/types.js';
import { contentsTree } from '../volume-tree.js';
import type { BackupState, InsideAction, LogsState } from './inside-state.js';
import { clamp, selectedContainer, selectedMount, volumeRows } from './selectors.js';
import type { ExplorerState } from './state.js';

type InsideHandlers = {
  [T in InsideAction['type']]: (s: ExplorerState, a: Extract<InsideAction, { type: T }>) => ExplorerState;
};

/** Lines of a container's log kept in memory (the tail; older ones are dropped). */
export const LOG_LINES = 2000;

/** Why `b` cannot back up this preview's plan now, or null. */
export function backupDisabledReason(s: ExplorerState): string | null {
  const plan = s.preview?.plan;
  if (!plan) return s.preview?.error ? 'this preview failed: nothing to back up' : 'the plan is still being computed';
  if (plan.blocked) return `the engine would refuse this: ${plan.blocked.reason}`;
  if (backupCount(plan) === 0) return 'nothing this plan destroys holds data (no volume, no writable layer)';
  return null;
}

/** The objects a backup of the plan writes an archive for: its volumes and its containers' writable layers. */
export function backupCount(plan: Plan): number {
  return plan.destroy.volumes.length + plan.destroy.containers.length;
}

function freshBackup(seq: number): BackupState {
  return {
    seq,
    phase: 'ready',
    stage: 'stopping',
    item: null,
    index: 0,
    count: 0,
    done: 0,
    total: null,
    startedMs: null,
    atMs: null,
    notices: [],
    dir: null,
    archives: [],
    archiveBytes: 0,
    error: null,
    stopped: [],
  };
}

/** Applies `f` to the backup when `seq` is the current one. */
function onBackup(s: ExplorerState, seq: number, f: (b: BackupState) => Partial<BackupState>): ExplorerState {
  if (!s.backup || s.backup.seq !== seq) return s;
  return { ...s, backup: { ...s.backup, ...f(s.backup) } };
}

/** The volume `enter` opens: the volumes view's row, or the volume mount under the mount pane's cursor. */
export function selectedVolumeName(s: ExplorerState): string | null {
  if (s.view === 'volumes') {
    const rows = volumeRows(s);
    return rows[clamp(s.volumeCursor, rows.length)]?.volume.name ?? null;
  }
  if (s.focus !== 'mounts') return null;
  // The row under the mount pane's own cursor (rows in the order of what is at stake).
  const m = selectedMount(s)?.mount;
  return m?.type === 'volume' && m.name ? m.name : null;
}

/** Opens the contents of the selected volume (the effect reads them). */
export function openContents(s: ExplorerState): ExplorerState {
  const volume = selectedVolumeName(s);
  if (!volume) {
    return { ...s, message: s.focus === 'mounts' ? 'this mount is not a volume: its contents are not read' : null };
  }
  const seq = s.previewSeq + 1;
  return {
    ...s,
    mode: 'contents',
    previewSeq: seq,
    message: null,
    contents: { seq, volume, tree: null, summary: null, error: null, cursor: 0, collapsed: new Set() },
  };
}

function appendLog(l: LogsState, text: string): LogsState {
  const parts = (l.partial + text).split('\n');
  const partial = parts.pop() ?? '';
  const all = parts.length === 0 ? l.lines : [...l.lines, ...parts];
  const drop = Math.max(0, all.length - LOG_LINES);
  return { ...l, lines: drop > 0 ? all.slice(drop) : all, partial, dropped: l.dropped + drop };
}

function scrollInside(s: ExplorerState, delta: number | 'top' | 'bottom'): ExplorerState {
  if (s.mode === 'logs' && s.logs) {
    const last = Math.max(0, s.logs.lines.length - 1);
    if (delta === 'bottom') return { ...s, logs: { ...s.logs, scroll: null } };
    const from = s.logs.scroll ?? last;
    const to = delta === 'top' ? 0 : Math.max(0, from + delta);
    return { ...s, logs: { ...s.logs, scroll: to >= last ? null : to } };
  }
  if (s.mode === 'contents' && s.contents?.tree) {
    const n = flatten(s.contents.tree, s.contents.collapsed).length;
    const to = delta === 'top' ? 0 : delta === 'bottom' ? n - 1 : clamp(s.contents.cursor, n) + delta;
    return { ...s, contents: { ...s.contents, cursor: clamp(to, n) } };
  }
  return s;
}

function foldContents(s: ExplorerState): ExplorerState {
  const c = s.contents;
  if (s.mode !== 'contents' || !c?.tree) return s;
  const rows = flatten(c.tree, c.collapsed);
  const row = rows[clamp(c.cursor, rows.length)];
  if (!row?.hasChildren) return s;
  const collapsed = new Set(c.collapsed);
  if (collapsed.has(row.node.path)) collapsed.delete(row.node.path);
  else collapsed.add(row.node.path);
  return { ...s, contents: { ...c, collapsed } };
}

function insideBack(s: ExplorerState): ExplorerState {
  if (s.mode === 'contents') return { ...s, mode: 'browsing', contents: null };
  if (s.mode === 'logs') return { ...s, mode: 'browsing', logs: null };
  if (s.mode !== 'backup' || !s.backup) return s;
  if (s.backup.phase === 'running') return { ...s, backup: { ...s.backup, phase: 'cancelling' } };
  if (s.backup.phase === 'cancelling') return s;
  const kept = s.backup.phase === 'verified' ? `; the verified backup stays in ${s.backup.dir}` : '';
  return {
    ...s,
    mode: 'previewing',
    backup: s.backup.phase === 'verified' ? s.backup : null,
    message: `nothing was removed${kept}`,
  };
}

const backupHandlers: Pick<
  InsideHandlers,
  'backup-open' | 'backup-start' | 'backup-notice' | 'backup-progress' | 'backup-dir' | 'backup-done' | 'backup-failed'
> = {
  'backup-open': (s) => {
    const reason = backupDisabledReason(s);
    if (reason) return { ...s, message: reason };
    const seq = s.previewSeq + 1;
    return { ...s, mode: 'backup', previewSeq: seq, message: null, backup: freshBackup(seq) };
  },
  'backup-start': (s) =>
    s.mode !== 'backup' || s.backup?.phase !== 'ready' ? s : { ...s, backup: { ...s.backup, phase: 'running' } },
  'backup-notice': (s, a) =>
    onBackup(s, a.seq, (b) => ({
      notices: [...b.notices, a.text],
      stopped: a.stopped ? [...b.stopped, a.stopped] : b.stopped,
    })),
  'backup-progress': (s, a) =>
    onBackup(s, a.seq, (b) => ({
      stage: a.stage,
      item: a.item,
      index: a.index,
      count: a.count,
      done: a.done,
      total: a.total,
      // Throughput and ETA count from the first progress of each stage.
      startedMs: b.stage === a.stage && b.startedMs !== null ? b.startedMs : a.atMs,
      atMs: a.atMs,
    })),
  'backup-dir': (s, a) => onBackup(s, a.seq, () => ({ dir: a.dir })),
  'backup-done': (s, a) =>
    onBackup(s, a.seq, () => ({
      phase: 'verified',
      dir: a.dir,
      archives: a.archives,
      archiveBytes: a.archiveBytes,
    })),
  'backup-failed': (s, a) => onBackup(s, a.seq, () => ({ phase: 'failed', error: a.error })),
};

export const INSIDE_HANDLERS: Omit<InsideHandlers, 'backup-proceed'> = {
  ...backupHandlers,
  'contents-loaded': (s, a) => {
    if (!s.contents || s.contents.seq !== a.seq) return s;
    const { entries: _e, volume: _v, ...summary } = a.contents;
    return { ...s, contents: { ...s.contents, tree: contentsTree(a.contents), summary } };
  },
  'contents-failed': (s, a) =>
    !s.contents || s.contents.seq !== a.seq ? s : { ...s, contents: { ...s.contents, error: a.error } },
  'logs-open': (s) => {
    const c = s.view === 'containers' ? selectedContainer(s) : null;
    if (!c) return { ...s, message: 'select a container to see its logs' };
    const seq = s.previewSeq + 1;
    const logs: LogsState = {
      seq,
      id: c.id,
      name: c.name,
      lines: [],
      partial: '',
      dropped: 0,
      error: null,
      ended: false,
      scroll: null,
    };
    return { ...s, mode: 'logs', previewSeq: seq, message: null, logs };
  },
  'logs-data': (s, a) => (!s.logs || s.logs.seq !== a.seq ? s : { ...s, logs: appendLog(s.logs, a.text) }),
  'logs-ended': (s, a) =>
    !s.logs || s.logs.seq !== a.seq ? s : { ...s, logs: { ...s.logs, ended: true, error: a.error } },
  'inside-scroll': (s, a) => scrollInside(s, a.delta),
  'inside-scroll-to': (s, a) => scrollInside(s, a.where),
  'inside-open': foldContents,
  'inside-back': insideBack,
};
