/**
 * The effects of the explorer's "inside" screens (core/explorer/inside.ts): the backup of a preview's plan, a
 * volume's contents, a container's logs. Each reads through ExplorerServices, dispatches results tagged with its
 * screen's `seq`, and stops (abort) when the screen closes; a cancelled backup cleans up before it reports.
 */
import { useEffect, useRef } from 'react';
import type { ExplorerAction, ExplorerState } from '../../core/explorer-reducer.js';
import { shouldEmit } from '../../core/progress.js';
import { followLogs } from '../../docker/logs.js';
import type { BackupRunOptions, ExplorerServices } from '../services.js';

type Dispatch = (a: ExplorerAction) => void;

/** The tail of the log shown when `l` opens (then followed). */
export const LOG_TAIL = 200;

function describe(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

function useBackup(services: ExplorerServices, s: ExplorerState, dispatch: Dispatch): void {
  const b = s.backup;
  const active = b && (b.phase === 'running' || b.phase === 'cancelling') ? b.seq : null;
  const plan = useRef(s.preview?.plan ?? null);
  plan.current = s.preview?.plan ?? null;
  const stop = useRef(!s.readOnly);
  stop.current = !s.readOnly;
  const ctrl = useRef<AbortController | null>(null);
  useEffect(() => {
    if (active === null) return;
    const seq = active;
    const ac = new AbortController();
    ctrl.current = ac;
    if (!services.backup || !plan.current) {
      dispatch({ type: 'backup-failed', seq, error: 'backups are not available on this connection' });
      return;
    }
    // At most one progress frame per 100 ms; the latest one skipped is shown when the interval ends.
    let last: number | null = null;
    let held: ReturnType<typeof setTimeout> | null = null;
    let latest: Parameters<BackupRunOptions['onProgress']>[0] | null = null;
    const show = () => {
      held = null;
      if (latest === null) return;
      last = performance.now();
      dispatch({ type: 'backup-progress', seq, ...latest, atMs: last });
      latest = null;
    };
    services
      .backup(plan.current, {
        signal: ac.signal,
        stop: stop.current,
        onDir: (dir) => dispatch({ type: 'backup-dir', seq, dir }),
        onNotice: (text, stopped) => dispatch({ type: 'backup-notice', seq, text, ...(stopped ? { stopped } : {}) }),
        onProgress: (p) => {
          latest = p;
          if (shouldEmit(last, performance.now(), 100)) show();
          else held ??= setTimeout(show, 100);
        },
      })
      .then((r) => {
        if (held) clearTimeout(held);
        dispatch({ type: 'backup-done', seq, ...r });
      })
      .catch((e) => dispatch({ type: 'backup-failed', seq, error: ac.signal.aborted ? 'cancelled' : describe(e) }));
    return () => ac.abort();
  }, [active, services, dispatch]);
  const cancelling = b?.phase === 'cancelling';
  useEffect(() => {
    if (cancelling) ctrl.current?.abort();
  }, [cancelling]);
}

function useContents(services: ExplorerServices, s: ExplorerState, dispatch: Dispatch): void {
  const c = s.mode === 'contents' ? s.contents : null;
  const seq = c?.seq ?? null;
  const volume = c?.volume ?? null;
  useEffect(() => {
    if (seq === null || volume === null) return;
    if (!services.volumeContents) {
      dispatch({ type: 'contents-failed', seq, error: 'volume contents are not available on this connection' });
      return;
    }
    const ac = new AbortController();
    services
      .volumeContents(volume, ac.signal)
      .then((contents) => dispatch({ type: 'contents-loaded', seq, contents }))
      .catch((e) => {
        if (!ac.signal.aborted) dispatch({ type: 'contents-failed', seq, error: describe(e) });
      });
    return () => ac.abort();
  }, [seq, volume, services, dispatch]);
}

function useLogs(services: ExplorerServices, s: ExplorerState, dispatch: Dispatch): void {
  const l = s.mode === 'logs' ? s.logs : null;
  const seq = l?.seq ?? null;
  const container = useRef(s.containers?.find((c) => c.id === l?.id) ?? null);
  container.current = s.containers?.find((c) => c.id === l?.id) ?? container.current;
  useEffect(() => {
    const target = container.current;
    if (seq === null || !target) return;
    const ac = new AbortController();
    // Chunks are gathered for a frame (~50 ms): a chatty container must not cost one render per write.
    let pending = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      if (pending !== '') dispatch({ type: 'logs-data', seq, text: pending });
      pending = '';
    };
    followLogs(services.port, target.id, {
      signal: ac.signal,
      tail: LOG_TAIL,
      onText: (t) => {
        pending += t;
        timer ??= setTimeout(flush, 50);
      },
    })
      .then(() => {
        flush();
        if (!ac.signal.aborted) dispatch({ type: 'logs-ended', seq, error: null });
      })
      .catch((e) => {
        flush();
        if (!ac.signal.aborted) dispatch({ type: 'logs-ended', seq, error: describe(e) });
      });
    return () => {
      ac.abort();
      if (timer) clearTimeout(timer);
    };
  }, [seq, services, dispatch]);
}

/** All three effects; the app calls this once. */
export function useInside(services: ExplorerServices, s: ExplorerState, dispatch: Dispatch): void {
  useBackup(services, s, dispatch);
  useContents(services, s, dispatch);
  useLogs(services, s, dispatch);
}
