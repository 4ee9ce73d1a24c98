import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer, useRef } from 'react';
import { flatten, type VisibleRow } from '../core/diff-tree.js';
import {
  type ExplorerState,
  initialState,
  type ListRow,
  listRows,
  type MountRow,
  mountRows,
  selectedContainer,
  visibleChanges,
  volumeRows,
} from '../core/explorer-reducer.js';
import { cell, formatBytes, plural, safe } from '../core/format.js';
import { type KeyName, rootReducer, splitChunk } from '../core/keymap.js';
import { computeLayout } from '../core/layout.js';
import type { ContainerInfo, EngineInfo } from '../core/model.js';
import { requiredConfirmation } from '../core/plan/contract.js';
import { BackupProgress } from './components/backup-progress.js';
import { ChangesPane } from './components/changes-pane.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { ContainerList } from './components/container-list.js';
import { FileDiffPane } from './components/file-diff-pane.js';
import { Header } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { KeyHints } from './components/key-hints.js';
import { LogsView } from './components/logs-view.js';
import { MountsPane } from './components/mounts-pane.js';
import { RemovalPreview } from './components/removal-preview.js';
import { RunProgress } from './components/run-progress.js';
import { Text } from './components/text.js';
import { VolumesView } from './components/volumes-view.js';
import { useEngineData } from './hooks/use-engine-data.js';
import { useExecution } from './hooks/use-execution.js';
import { useFileDiff } from './hooks/use-file-diff.js';
import { useInside } from './hooks/use-inside.js';
import { usePlanPreview } from './hooks/use-plan-preview.js';
import { usePruneFates } from './hooks/use-prune-fates.js';
import { useSelectionDetail } from './hooks/use-selection-detail.js';
import type { ExplorerServices } from './services.js';
import { makeTheme, type Theme } from './theme.js';

export interface AppProps {
  readonly services: ExplorerServices;
  readonly engine: EngineInfo;
  /** Containers already read by the caller (the first frame then needs no round trip). */
  readonly initialContainers?: readonly ContainerInfo[];
  /** Hide and refuse every destructive action. @default false */
  readonly readOnly: boolean;
  /** Drop all colours (NO_COLOR, --no-color). @default false */
  readonly noColor: boolean;
  /** Terminal size; the CLI passes the live size, tests pass any. */
  readonly columns: number;
  readonly rows: number;
  /** Called once with the exit code when the user quits. */
  readonly onExit: (code: 0) => void;
  /** `C` was pressed: the shell (src/ui/context-root.tsx) opens the docker context picker. */
  readonly onOpenContexts?: () => void;
  /** Drawn under the header instead of the panes while set (the context picker); keys then go to it, not here. */
  readonly overlay?: ((width: number, height: number) => React.ReactNode) | null;
}

const NO_MOUNTS: readonly MountRow[] = [];
const NO_CHANGES: readonly VisibleRow[] = [];

function keyName(input: string, key: import('ink').Key): string | KeyName | null {
  if (key.ctrl && input === 'c') return 'ctrl-c';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.ctrl || key.meta) return null;
  return input.length > 0 ? input : null;
}

function groupHint(row: ListRow | undefined): string {
  if (row?.kind !== 'group') return 'no container selected';
  return row.project
    ? `compose project ${row.project}: ${row.count} container(s). d / D preview compose down / down -v.`
    : `${row.count} standalone container(s). Select one to see its mounts and changes.`;
}

/** The explorer: containers, mounts and changes side by side; previews, confirmation and execution. */
export function App(props: AppProps) {
  const { services, engine, initialContainers, readOnly, noColor, columns, rows, onExit, onOpenContexts } = props;
  const overlay = props.overlay ?? null;
  const { exit } = useApp();
  const [state, dispatch] = useReducer(rootReducer, undefined, () => {
    const s = initialState(engine, readOnly);
    return initialContainers ? rootReducer(s, { type: 'data-loaded', containers: initialContainers }) : s;
  });
  const theme = useMemo(() => makeTheme(noColor), [noColor]);
  useEngineData(services.port, dispatch, state.reloadSeq, initialContainers !== undefined);

  const { containers, volumes, filter } = state;
  const listRowsMemo = listRows(state);
  const volRows = useMemo(() => volumeRows({ volumes, containers, filter }), [volumes, containers, filter]);
  const container = state.view === 'containers' ? selectedContainer(state) : null;
  const detail = useSelectionDetail(services, container, state.reloadSeq, dispatch);
  const tree = container && state.changeTree?.id === container.id ? state.changeTree.tree : null;
  const changeRows = tree ? visibleChanges(state) : null;
  const pruneFates = usePruneFates(services, state.view === 'volumes' && state.mode === 'browsing', state.volumes);
  usePlanPreview(services, state.preview, dispatch);
  useFileDiff(services, state.mode === 'viewing' ? state.fileView : null, container, dispatch);
  useExecution(services, state.mode === 'running' ? (state.preview?.plan ?? null) : null, dispatch);
  useInside(services, state, dispatch);

  // Props kept identical between keys, so that memoised panes a key did not change are not drawn again.
  const summary = useMemo(() => (tree ? { paths: tree.paths, bytes: tree.bytes, sized: tree.sized } : null), [tree]);
  const changesCursor = changeRows ? Math.min(state.changesCursor, Math.max(0, changeRows.length - 1)) : 0;

  useKeys(dispatch, overlay !== null);
  // The reducer bounds scrolls by what fits on screen.
  useEffect(() => dispatch({ type: 'resize', columns, rows }), [columns, rows]);

  useShellEffects(state, onOpenContexts, () => {
    onExit(0);
    exit();
  });

  const mounts = mountRows(state);
  const mountTable = container && state.mountTable?.id === container.id ? state.mountTable : null;
  const layout = computeLayout(columns, rows, mounts.length);
  if (layout.tooSmall) return <TooSmall columns={columns} rows={rows} height={layout.height} />;

  let body: React.ReactNode =
    insideBody(state, services.backupRoot ?? '', columns, layout.bodyHeight, theme) ??
    modalBody(state, container?.name ?? '', columns, layout.bodyHeight, theme);
  const overlayHeight = layout.bodyHeight;
  if (body !== null) {
    // help, progress, preview or a file's diff
  } else if (state.view === 'volumes') {
    body = (
      <VolumesView
        rows={volRows}
        cursor={Math.min(state.volumeCursor, Math.max(0, volRows.length - 1))}
        sizes={state.volumeSizes}
        fates={pruneFates}
        width={columns}
        height={overlayHeight}
        theme={theme}
        filter={state.filter}
      />
    );
  } else {
    const cursor = Math.min(state.cursor, Math.max(0, listRowsMemo.length - 1));
    body = (
      <Box flexDirection="row" height={layout.bodyHeight}>
        <ContainerList
          rows={listRowsMemo}
          cursor={cursor}
          width={layout.listWidth}
          height={layout.bodyHeight}
          isFocused={state.focus === 'list'}
          marked={state.marked}
          theme={theme}
          filter={state.filter}
          sizes={state.layerSizes}
        />
        <Box flexDirection="column" width={layout.rightWidth}>
          <MountsPane
            title={
              container
                ? `${safe(container.name)}${container.state === 'running' || container.state === 'paused' ? ` (${container.state}: rm refused without -f)` : ''}`
                : '—'
            }
            rows={container ? mounts : NO_MOUNTS}
            fatesKnown={mountTable?.fates != null}
            cursor={state.mountCursor}
            sizes={state.volumeSizes}
            width={layout.rightWidth}
            height={layout.mountsHeight}
            showFates={layout.showFates}
            isFocused={state.focus === 'mounts'}
            theme={theme}
            error={mountTable?.fatesError ? `fates unknown: ${mountTable.fatesError}` : null}
            {...(container ? {} : { placeholder: groupHint(listRowsMemo[cursor]) })}
          />
          <ChangesPane
            rows={container ? changeRows : NO_CHANGES}
            cursor={changesCursor}
            summary={summary}
            width={layout.rightWidth}
            height={layout.changesHeight}
            isFocused={state.focus === 'changes'}
            theme={theme}
            error={detail?.error ?? null}
          />
        </Box>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={layout.height} width={columns}>
      <Header engine={engine} readOnly={state.readOnly} columns={columns} theme={theme} view={state.view} />
      {overlay ? (
        overlay(columns, layout.bodyHeight + 2)
      ) : (
        <Footed state={state} body={body} columns={columns} theme={theme} />
      )}
    </Box>
  );
}

/** The body, then the status line and the key hints. */
function Footed({
  state,
  body,
  columns,
  theme,
}: {
  state: ExplorerState;
  body: React.ReactNode;
  columns: number;
  theme: Theme;
}) {
  return (
    <>
      {state.containers === null && !state.loadError ? <Text>reading the engine…</Text> : body}
      <Text color={state.loadError ? theme.destroy : theme.orphan}>{cell(` ${statusLine(state)}`, columns)}</Text>
      <KeyHints state={state} columns={columns} theme={theme} />
    </>
  );
}

/** `C` opens the context picker (through the shell's callback, read by ref); quitting ends the app. */
function useShellEffects(state: ExplorerState, onOpenContexts: (() => void) | undefined, quit: () => void): void {
  const openContexts = useRef(onOpenContexts);
  openContexts.current = onOpenContexts;
  useEffect(() => {
    if (state.contextsSeq > 0) openContexts.current?.();
  }, [state.contextsSeq]);
  const quitRef = useRef(quit);
  quitRef.current = quit;
  useEffect(() => {
    if (state.quitting) quitRef.current();
  }, [state.quitting]);
}

/** Keys from Ink to the root reducer, which resolves them against the latest state (never a stale closure). */
function useKeys(dispatch: (a: { type: 'key'; key: string | KeyName }) => void, overlay: boolean): void {
  // Keys go to the overlay while it is up. Read through a ref set at render: Ink re-binds handlers in an effect, so a
  // key typed right after the overlay closes would otherwise meet the handler of the frame before.
  const overlayUp = useRef(false);
  overlayUp.current = overlay;
  useInput((input, key) => {
    if (overlayUp.current) return;
    // Esc then a key typed quickly arrive as one chunk, which Ink reads as Alt+key (meta). Users mean Esc, then the
    // key (esc-then-q must leave the preview and quit), and the explorer binds nothing to Alt: split it.
    if (key.meta && !key.ctrl && !key.escape && input.length === 1) {
      dispatch({ type: 'key', key: 'escape' });
      for (const one of splitChunk(input)) dispatch({ type: 'key', key: one });
      return;
    }
    const k = keyName(input, key);
    if (k === null) return;
    // Several characters can arrive in one chunk (fast typing, a paste): one key action per character.
    const named = ['up', 'down', 'pageUp', 'pageDown', 'enter', 'escape', 'tab', 'backspace', 'ctrl-c', 'home', 'end'];
    const keys = named.includes(k) ? [k] : splitChunk(k);
    for (const one of keys) dispatch({ type: 'key', key: one });
  });
}

/** The preview of a docker command line, with the confirmation under it while confirming. */
function PreviewScreen({
  state,
  preview,
  width,
  height,
  theme,
}: {
  state: ExplorerState;
  preview: NonNullable<ExplorerState['preview']>;
  width: number;
  height: number;
  theme: Theme;
}) {
  const confirmHeight = state.mode === 'confirming' ? 5 : 0;
  return (
    <Box flexDirection="column">
      <RemovalPreview
        argv={preview.argv}
        plan={preview.plan}
        error={preview.error}
        scroll={preview.scroll}
        width={width}
        height={height - confirmHeight}
        theme={theme}
        readOnly={state.readOnly}
      />
      {state.mode === 'confirming' && preview.plan ? (
        <ConfirmDialog
          plan={preview.plan}
          required={requiredConfirmation(preview.plan)}
          input={state.input}
          width={width}
          theme={theme}
        />
      ) : null}
    </Box>
  );
}

/** The status line: an engine error, a notice, or the prompt being typed. */
function statusLine(state: ExplorerState): string {
  if (state.loadError) return `engine: ${state.loadError}`;
  if (state.message !== null) return state.message;
  if (state.mode === 'filtering') return `/${state.input}█`;
  return state.mode === 'command' ? `: docker ${state.input}█` : '';
}

function TooSmall({ columns, rows, height }: { columns: number; rows: number; height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text>
        lastlook needs at least 80×24; this terminal is {columns}×{rows}. Enlarge it, or press q to quit.
      </Text>
    </Box>
  );
}

/** The screens that cover the panes: help, the run's progress, a preview, a file's content diff; else null. */
function modalBody(s: ExplorerState, containerName: string, width: number, height: number, theme: Theme) {
  if (s.mode === 'help') return <HelpOverlay state={s} width={width} height={height} theme={theme} />;
  if ((s.mode === 'running' || s.mode === 'done') && s.run) {
    return <RunProgress run={s.run} finished={s.mode === 'done'} width={width} height={height} theme={theme} />;
  }
  if ((s.mode === 'previewing' || s.mode === 'confirming') && s.preview) {
    return <PreviewScreen state={s} preview={s.preview} width={width} height={height} theme={theme} />;
  }
  if (s.mode === 'viewing' && s.fileView) {
    return <FileDiffPane view={s.fileView} containerName={containerName} width={width} height={height} theme={theme} />;
  }
  return null;
}

/** The screens of core/explorer/inside.ts: a plan's backup, a volume's contents, a container's logs; else null. */
function insideBody(s: ExplorerState, root: string, width: number, height: number, theme: Theme) {
  if (s.mode === 'backup' && s.backup && s.preview?.plan) {
    return (
      <BackupProgress
        backup={s.backup}
        plan={s.preview.plan}
        root={root}
        readOnly={s.readOnly}
        width={width}
        height={height}
        theme={theme}
      />
    );
  }
  if (s.mode === 'logs' && s.logs) return <LogsView logs={s.logs} width={width} height={height} theme={theme} />;
  if (s.mode === 'contents' && s.contents) {
    const c = s.contents;
    const rows = c.tree ? flatten(c.tree, c.collapsed) : null;
    const sum = c.summary;
    const what = sum
      ? `: ${plural(sum.files, 'file')}, ${plural(sum.dirs, 'folder')}, ${formatBytes(sum.bytes)}${sum.omitted ? ` (${sum.omitted} entries not listed)` : ''}`
      : '';
    return (
      <ChangesPane
        rows={rows}
        cursor={c.cursor}
        summary={c.tree ? { paths: c.tree.paths, bytes: c.tree.bytes, sized: true } : null}
        title={` Volume ${safe(c.volume)}${what} (read through a helper; esc back)`}
        empty="the volume is empty"
        width={width}
        height={height}
        isFocused
        theme={theme}
        error={c.error}
      />
    );
  }
  return null;
}
