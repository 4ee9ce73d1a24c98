import type { Dispatch } from 'react';
import { useEffect, useState } from 'react';
import { buildDiffTree } from '../../core/diff-tree.js';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import { PROJECT_LABEL } from '../../core/explorer-reducer.js';
import type { ContainerInfo } from '../../core/model.js';
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

function volumeFate(plan: Plan | null | undefined, name: string | null): Fate {
  if (name === null) return '–';
  if (!plan) return '?';
  if (plan.blocked) return 'keep';
  if (plan.destroy.volumes.some((v) => v.name === name)) return 'LOST';
  if (plan.orphan.volumes.some((v) => v.name === name)) return 'orph';
  return 'keep';
}

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
        const project = container.labels[PROJECT_LABEL];
        const argvs: string[][] = [
          ['docker', 'rm', container.id],
          ['docker', 'rm', '-v', container.id],
          ['docker', 'volume', 'prune'],
        ];
        if (project) argvs.push(['docker', 'compose', '-p', project, 'down', '-v']);
        // Each command planned on its own: one that cannot be planned leaves its column unknown (?), not all.
        const fatesPromise = Promise.allSettled(
          argvs.map(async (argv) => (await services.planAll([argv], ac.signal, { measure: false }))[0]),
        ).then((settled) => {
          const [rm, rmV, prune, downV] = settled.map((r) => (r.status === 'fulfilled' ? r.value : null));
          const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          const map = new Map<string, MountFates>();
          for (const m of container.mounts) {
            const name = m.type === 'volume' ? m.name : null;
            if (name === null) {
              // Host bind mounts are never touched; tmpfs contents never persist.
              const f: Fate = m.type === 'tmpfs' ? '–' : 'keep';
              map.set(m.destination, { rm: f, rmV: f, downV: project ? f : '–', prune: f });
            } else {
              map.set(m.destination, {
                rm: volumeFate(rm, name),
                rmV: volumeFate(rmV, name),
                downV: project ? volumeFate(downV, name) : '–',
                prune: volumeFate(prune, name),
              });
            }
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
