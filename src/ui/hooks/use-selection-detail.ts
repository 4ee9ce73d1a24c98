import type { Dispatch } from 'react';
import { useEffect, useState } from 'react';
import { buildDiffTree } from '../../core/diff-tree.js';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import type { ContainerInfo } from '../../core/model.js';
import { type FateCommand, type Fate as FateValue, fateCommandLines, mountFates } from '../../core/mount-fates.js';
import type { Plan } from '../../core/plan/types.js';
import type { Fate, MountFates } from '../components/mounts-pane.js';
import type { ExplorerServices } from '../services.js';

export interface SelectionDetail {
  readonly id: string;
  readonly mounts: ContainerInfo['mounts'] | null;
  readonly fates: ReadonlyMap<string, MountFates> | null;
  /** Why the fates could not be planned (the mount table then shows no verdicts). */
  readonly fatesError: string | null;
  readonly error: string | null;
}

/** The mount table's short words for each fate. */
const SHORT: Record<FateValue, Fate> = {
  destroyed: 'LOST',
  orphaned: 'orph',
  kept: 'keep',
  'not-applicable': '–',
  unknown: '?',
};

/**
 * Loads what follows the selection (latest-wins: the previous load is aborted when the selection moves, and its
 * late results are dropped): the change tree (into the reducer, which needs its rows to interpret keys), then
 * each mount's fate under rm, rm -v, compose down -v and volume
 * prune, planned against one snapshot.
 */
export function useSelectionDetail(
  services: ExplorerServices,
  container: ContainerInfo | null,
  reloadSeq: number,
  dispatch: Dispatch<ExplorerAction>,
): SelectionDetail | null {
  const [detail, setDetail] = useState<SelectionDetail | null>(null);
  const id = container?.id ?? null;
  // The container object changes identity on every list refresh; reload only when the id changes or a reload
  // is asked for (after an execution).
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on id and reloadSeq on purpose
  useEffect(() => {
    if (!container) {
      setDetail(null);
      return;
    }
    const ac = new AbortController();
    const base = { id: container.id, mounts: container.mounts, fates: null, fatesError: null, error: null };
    setDetail(base);
    const run = async () => {
      try {
        const changes = await services.port.containerChanges(container.id, { signal: ac.signal });
        if (ac.signal.aborted) return;
        dispatch({ type: 'tree-loaded', id: container.id, tree: buildDiffTree(changes, { mounts: container.mounts }) });
        // All commands against one read of the engine; if that fails, each on its own, so that one that cannot be
        // planned leaves its column unknown (?) rather than all of them.
        const lines = fateCommandLines(container);
        const argvs = lines.map((l) => l.argv);
        const fatesPromise = services
          .planAll(argvs, ac.signal, { measure: false })
          .then(
            (plans) => plans.map((value): PromiseSettledResult<Plan | null> => ({ status: 'fulfilled', value })),
            () =>
              Promise.allSettled(
                argvs.map(async (argv) => (await services.planAll([argv], ac.signal, { measure: false }))[0] ?? null),
              ),
          )
          .then((settled) => {
            const plans: Partial<Record<FateCommand, Plan | null>> = {};
            lines.forEach(({ command }, i) => {
              const r = settled[i];
              plans[command] = r?.status === 'fulfilled' ? r.value : null;
            });
            const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
            const map = new Map<string, MountFates>();
            for (const [dest, f] of mountFates(container.mounts, plans)) {
              map.set(dest, {
                rm: SHORT[f.rm],
                rmV: SHORT[f['rm -v']],
                downV: SHORT[f['compose down -v']],
                prune: SHORT[f['volume prune']],
              });
            }
            if (ac.signal.aborted) return;
            setDetail((d) =>
              d?.id === container.id
                ? { ...d, fates: map, fatesError: failed ? String((failed.reason as Error).message) : null }
                : d,
            );
          });
        if (services.changeSizes && changes.length > 0) {
          const sizes = await services.changeSizes(container, changes, ac.signal);
          if (ac.signal.aborted) return;
          dispatch({
            type: 'tree-loaded',
            id: container.id,
            tree: buildDiffTree(changes, { mounts: container.mounts, sizes }),
          });
        }
        await fatesPromise;
      } catch (e) {
        if (!ac.signal.aborted) {
          setDetail((d) => (d?.id === container.id ? { ...d, error: (e as Error).message } : d));
        }
      }
    };
    void run();
    return () => ac.abort();
  }, [id, services, reloadSeq, dispatch]);
  return detail?.id === id ? detail : null;
}
