import { type Dispatch, useEffect, useRef } from 'react';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import type { FileViewState } from '../../core/file-view.js';
import type { ContainerInfo } from '../../core/model.js';
import type { ExplorerServices } from '../services.js';

/** Reads the content diff of the open file view (latest-wins: closing or reopening aborts the older read). */
export function useFileDiff(
  services: ExplorerServices,
  view: FileViewState | null,
  container: ContainerInfo | null,
  dispatch: Dispatch<ExplorerAction>,
): void {
  const seq = view?.seq ?? null;
  const path = view?.path ?? null;
  // Keyed by the container's ID, not its object: a refresh of the list (engine events, among them the helper's
  // own create and destroy) must not restart the read.
  const c = container && view && container.id === view.containerId ? container : null;
  const current = useRef(c);
  current.current = c;
  const id = c?.id ?? null;
  useEffect(() => {
    const c = current.current;
    if (seq === null || path === null || id === null || c === null) return;
    const ac = new AbortController();
    if (!services.contentDiff) {
      dispatch({ type: 'file-diff-failed', seq, error: 'content diffs are not available here' });
      return;
    }
    services.contentDiff(c, path, ac.signal).then(
      (diff) => {
        if (!ac.signal.aborted) dispatch({ type: 'file-diff-loaded', seq, diff });
      },
      (e: Error) => {
        if (!ac.signal.aborted) dispatch({ type: 'file-diff-failed', seq, error: e.message });
      },
    );
    return () => ac.abort();
  }, [services, seq, path, id, dispatch]);
}
