import { type Dispatch, useEffect } from 'react';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import type { Plan } from '../../core/plan/types.js';
import { DriftError } from '../../docker/execute.js';
import type { ExplorerServices } from '../services.js';

/** Progress is throttled to about 10 frames a second; the final state always arrives. */
const PROGRESS_MS = 100;

/** Carries out `plan` when it is set (mode running): drift check, removal by ID, report read back. */
export function useExecution(services: ExplorerServices, plan: Plan | null, dispatch: Dispatch<ExplorerAction>): void {
  useEffect(() => {
    if (!plan) return;
    const ac = new AbortController();
    let last = 0;
    services
      .execute(plan, {
        signal: ac.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (p.status === 'removing' && now - last < PROGRESS_MS) return;
          last = now;
          dispatch({
            type: 'run-progress',
            line: { text: `${p.step.kind} ${p.step.name}${p.error ? `: ${p.error}` : ''}`, status: p.status },
            done: p.done,
            total: p.total,
          });
        },
      })
      .then(
        (report) =>
          dispatch({
            type: 'run-finished',
            removed: report.removed.length,
            failed: report.failed.map((f) => `${f.kind} ${f.name} (${f.error})`),
          }),
        (e: unknown) => {
          if (e instanceof DriftError) dispatch({ type: 'run-drift', items: e.items });
          else dispatch({ type: 'run-failed', error: (e as Error).message });
        },
      );
    // An execution is not aborted by re-renders; only unmount (quit is refused while running) would abort it.
    return () => ac.abort();
  }, [services, plan, dispatch]);
}
