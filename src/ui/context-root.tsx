/**
 * The explorer's shell: one engine at a time, and the docker context picker (`C`). Switching connects to the
 * picked context first (the explorer stays on its engine if that fails, and says why), then mounts a fresh explorer
 * on it (selection, filter and previews start over) and closes the old engine's connection: its requests and event
 * stream are aborted by the old explorer's unmount, then its port is closed (an ssh:// connection ends).
 */
import { useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ContextChoice, openPicker, type PickerState, pickerKey } from '../core/context-picker.js';
import type { ContainerInfo, EngineInfo } from '../core/model.js';
import { App } from './app.js';
import { ContextPicker } from './components/context-picker.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { ExplorerServices } from './services.js';
import { makeTheme } from './theme.js';

/** One engine the explorer is connected to. */
export interface EngineSession {
  readonly services: ExplorerServices;
  readonly engine: EngineInfo;
  readonly initialContainers?: readonly ContainerInfo[];
  /** Ends the connection (called once the explorer on it is gone). */
  close(): void;
}

export interface ContextRootProps {
  readonly initial: EngineSession;
  /** The docker contexts, read when the picker opens. */
  listContexts(): readonly ContextChoice[];
  /** Connects to a context and reads its engine and containers; rejects with what went wrong. */
  open(name: string, signal: AbortSignal): Promise<EngineSession>;
  readonly readOnly: boolean;
  readonly noColor: boolean;
  readonly onExit: (code: 0) => void;
  /** Terminal size for tests; the live size otherwise. */
  readonly size?: { readonly columns: number; readonly rows: number };
}

function inkKey(input: string, key: import('ink').Key): string {
  if (key.escape) return 'escape';
  if (key.return) return 'enter';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  return input;
}

export function ContextRoot(props: ContextRootProps) {
  const live = useTerminalSize();
  const { columns, rows } = props.size ?? live;
  const [session, setSession] = useState<{ id: number; s: EngineSession }>({ id: 0, s: props.initial });
  const [picker, setPicker] = useState<PickerState | null>(null);
  const switching = useRef<AbortController | null>(null);
  const theme = makeTheme(props.noColor);
  const { listContexts, open } = props;

  // The old session's connection closes after the explorer on it has unmounted (its effects aborted their work).
  useEffect(() => () => session.s.close(), [session]);
  useEffect(() => () => switching.current?.abort(), []);

  const onOpenContexts = useCallback(() => {
    try {
      setPicker(openPicker(listContexts(), session.s.engine.context));
    } catch (e) {
      setPicker({ ...openPicker([], session.s.engine.context), error: (e as Error).message });
    }
  }, [listContexts, session]);

  // The picker as of the last key (keys of one burst come before React renders again).
  const current = useRef<PickerState | null>(null);
  current.current = picker;
  const show = (p: PickerState | null) => {
    current.current = p;
    setPicker(p);
  };
  const connect = (name: string) => {
    const ac = new AbortController();
    switching.current = ac;
    open(name, ac.signal).then(
      (next) => {
        if (ac.signal.aborted) {
          next.close();
          return;
        }
        setSession((cur) => ({ id: cur.id + 1, s: next }));
        show(null);
      },
      (e: Error) => {
        if (ac.signal.aborted || !current.current) return;
        show({ ...current.current, switching: null, error: `cannot switch to ${name}: ${e.message}` });
      },
    );
  };
  useInput((input, key) => {
    const p = current.current;
    if (!p) return;
    if (key.ctrl && input === 'c') {
      switching.current?.abort();
      show(null);
      return;
    }
    const out = pickerKey(p, inkKey(input, key));
    if (out.kind === 'close') {
      switching.current?.abort();
      show(null);
      return;
    }
    show(out.state);
    if (out.kind === 'switch') connect(out.name);
  });

  const overlay = picker
    ? (width: number, height: number) => <ContextPicker picker={picker} width={width} height={height} theme={theme} />
    : null;
  return (
    <App
      key={session.id}
      services={session.s.services}
      engine={session.s.engine}
      {...(session.s.initialContainers ? { initialContainers: session.s.initialContainers } : {})}
      readOnly={props.readOnly}
      noColor={props.noColor}
      columns={columns}
      rows={rows}
      onExit={props.onExit}
      onOpenContexts={onOpenContexts}
      overlay={overlay}
    />
  );
}
