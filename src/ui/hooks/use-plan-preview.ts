import { type Dispatch, useEffect } from 'react';
import type { ExplorerAction, PreviewState } from '../../core/explorer-reducer.js';
import type { ExplorerServices } from '../services.js';

/** Computes the plan of the preview being shown (latest-wins: a newer preview aborts the older one). */
export function usePlanPreview(
  services: ExplorerServices,
  preview: PreviewState | null,
  dispatch: Dispatch<ExplorerAction>,
): void {
  const seq = preview?.seq ?? null;
  const argv = preview?.argv ?? null;
  useEffect(() => {
    if (seq === null || argv === null) return;
    const ac = new AbortController();
    services.planAll([argv], ac.signal).then(
      ([plan]) => {
        if (!ac.signal.aborted && plan) dispatch({ type: 'plan-loaded', seq, plan });
      },
      (e: Error) => {
        if (!ac.signal.aborted) dispatch({ type: 'plan-failed', seq, error: e.message });
      },
    );
    return () => ac.abort();
  }, [services, seq, argv, dispatch]);
}
