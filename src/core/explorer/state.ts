/**
 * The explorer's state and actions (STYLE §3.6): the engine data it needs to interpret keys, the mode, the
 * selection and the preview/confirm/run flow. Selectors are ./selectors.ts, the reducer ./reducer.ts.
 */
import type { ContentDiff } from '../content-diff.js';
import type { DiffTree, VisibleRow } from '../diff-tree.js';
import type { DriftItem } from '../drift.js';
import type { FileViewState } from '../file-view.js';
import {
  ANONYMOUS_VOLUME_LABEL,
  COMPOSE_LABELS,
  type ContainerInfo,
  type EngineInfo,
  type MountPoint,
  type VolumeInfo,
} from '../model.js';
import type { Fate, FateCommand } from '../mount-fates.js';
import type { Plan } from '../plan/types.js';
import type { BackupState, ContentsState, InsideAction, LogsState } from './inside-state.js';

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
  | 'viewing'
  /** Backing up what the preview's plan destroys, before offering the removal (./inside.ts). */
  | 'backup'
  /** A volume's file tree, read through a never-started helper (./inside.ts). */
  | 'contents'
  /** The tail of a container's logs, followed (./inside.ts). */
  | 'logs';
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

/** The selected container's mount table: every mount (tmpfs too, from inspect) and each one's fate per command. */
export interface MountTable {
  readonly id: string;
  readonly mounts: readonly MountPoint[];
  /** Fates by mount destination; null while being planned. */
  readonly fates: ReadonlyMap<string, Readonly<Record<FateCommand, Fate>>> | null;
  /** Why the fates could not be planned (the table then shows no verdicts). */
  readonly fatesError: string | null;
}

/** One row of the mount table, in the order of what is at stake (core/mounts.ts `orderByStake`). */
export interface MountRow {
  readonly mount: MountPoint;
  readonly fates: Readonly<Record<FateCommand, Fate>> | null;
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

/**
 * Memoised selector results of one explorer (see ./selectors.ts): grouping 1,000 containers or flattening 100,000
 * changed paths on every key would cost a frame. Owned by the explorer's state, never shared between explorers.
 */
export interface SelectorMemo {
  list: { key: readonly unknown[]; rows: ListRow[] } | null;
  changes: { key: readonly unknown[]; rows: VisibleRow[] } | null;
  mounts?: { key: readonly unknown[]; rows: MountRow[] } | null;
}

export interface ExplorerState {
  readonly engine: EngineInfo;
  /** The selectors' memo (absent in hand-made states: they compute every time). */
  readonly memo?: SelectorMemo;
  readonly readOnly: boolean;
  readonly containers: readonly ContainerInfo[] | null;
  readonly volumes: readonly VolumeInfo[] | null;
  readonly volumeSizes: ReadonlyMap<string, number> | null;
  /** Writable-layer bytes by container ID (`SizeRw` of the same `/system/df` read); null until read. */
  readonly layerSizes: ReadonlyMap<string, number> | null;
  readonly loadError: string | null;
  readonly view: View;
  readonly mode: Mode;
  readonly focus: Pane;
  readonly cursor: number;
  readonly volumeCursor: number;
  readonly changesCursor: number;
  /** Row of the mount table under the cursor (rows in the order of `mountRows`). */
  readonly mountCursor: number;
  /** First line of the `?` help on screen, and how many lines it has (to bound the scroll). */
  readonly helpScroll: number;
  readonly helpLines: number;
  /** The terminal's size (scrolls are bounded by what fits on screen); null until the UI says. */
  readonly viewport: { readonly columns: number; readonly rows: number } | null;
  /** The selected container's mounts as inspected (with tmpfs) and their fates; null until read. */
  readonly mountTable: MountTable | null;
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
  /** The backup of the preview's plan (mode `backup`, and the confirmation after it). */
  readonly backup: BackupState | null;
  /** The volume whose contents are open (mode `contents`). */
  readonly contents: ContentsState | null;
  /** The container whose logs are open (mode `logs`). */
  readonly logs: LogsState | null;
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
  | { readonly type: 'layer-sizes-loaded'; readonly sizes: ReadonlyMap<string, number> }
  | { readonly type: 'mounts-loaded'; readonly id: string; readonly mounts: readonly MountPoint[] }
  | {
      readonly type: 'mount-fates-loaded';
      readonly id: string;
      readonly fates: ReadonlyMap<string, Readonly<Record<FateCommand, Fate>>>;
      readonly error: string | null;
    }
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
  | { readonly type: 'open-help'; readonly lines?: number }
  | { readonly type: 'resize'; readonly columns: number; readonly rows: number }
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
  | { readonly type: 'quit' }
  | InsideAction;

export function initialState(engine: EngineInfo, readOnly: boolean): ExplorerState {
  return {
    engine,
    readOnly,
    containers: null,
    volumes: null,
    volumeSizes: null,
    layerSizes: null,
    loadError: null,
    view: 'containers',
    mode: 'browsing',
    focus: 'list',
    cursor: 0,
    volumeCursor: 0,
    changesCursor: 0,
    mountCursor: 0,
    helpScroll: 0,
    helpLines: 0,
    viewport: null,
    mountTable: null,
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
    backup: null,
    contents: null,
    logs: null,
    memo: { list: null, changes: null },
  };
}
