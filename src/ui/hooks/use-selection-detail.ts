import type { Dispatch } from 'react';
import { useEffect, useRef, useState } from 'react';
import { buildDiffTree, type PathStat } from '../../core/diff-tree.js';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import type { ContainerInfo, MountPoint } from '../../core/model.js';
import { type FateCommand, fateCommandLines, mountFates } from '../../core/mount-fates.js';
import { mountsOf } from '../../core/mounts.js';
import type { Plan } from '../../core/plan/types.js';
import { changeWalksOf } from '../change-walks.js';
import type { ExplorerServices } from '../services.js';

export interface SelectionDetail {
  readonly id: string;
  /** Why the change tree could not be read. */
  readonly error: string | null;
}

/**
 * Loads what follows the selection (latest-wins: the previous load is aborted when the selection moves, and its
 * late results are dropped), into the reducer, which needs the rows to interpret keys: the mounts as inspected
 * (with `--tmpfs` ones, which the list omits), the change tree at once from `/changes`, its sizes filled in as
 * they arrive (per-path reads; a whole export only once the selection rests, one at a time: services.changeSizes),
 * then each mount's fate under rm, rm -v, compose down -v and volume prune, planned against one snapshot.
 */
export function useSelectionDetail(
  services: ExplorerServices,
  container: ContainerInfo | null,
  reloadSeq: number,
  dispatch: Dispatch<ExplorerAction>,
): SelectionDetail | null {
  const [detail, setDetail] = useState<SelectionDetail | null>(null);
  const id = container?.id ?? null;
  /** The last selection and when it was made (a selection that moves fast loads nothing for the rows it passes). */
  const moved = useRef<{ id: string | null; at: number }>({ id: null, at: Number.NEGATIVE_INFINITY });
  // The container object changes identity on every list refresh; reload only when the id changes or a reload
  // is asked for (after an execution).
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on id and reloadSeq on purpose
  useEffect(() => {
    if (!container) {
      setDetail(null);
      return;
    }
    const ac = new AbortController();
    setDetail({ id: container.id, error: null });
    // A selection that follows another within SELECTION_REST_MS waits until it has rested that long (each move
    // cancels the wait); one made after a rest, a reload, and the first selection load at once.
    const now = Date.now();
    const last = moved.current;
    const wait = last.id !== null && last.id !== container.id && now - last.at < SELECTION_REST_MS;
    if (last.id !== container.id) moved.current = { id: container.id, at: now };
    const run = async () => {
      try {
        const inspectedInfo = services.port.inspectContainer(container.id, { signal: ac.signal }).then(
          (info) => {
            if (!ac.signal.aborted) dispatch({ type: 'mounts-loaded', id: container.id, mounts: mountsOf(info) });
            return info;
          },
          // Without inspect, the listed mounts (no tmpfs) still get their fates; sizes are then read by export.
          () => container,
        );
        const inspected = inspectedInfo.then((info) => (info === container ? container.mounts : mountsOf(info)));
        // One walk of the layer at a time, shared if the selection comes back while it runs (./change-walks.ts).
        const changes = await changeWalksOf(services.port).read(container.id, ac.signal);
        if (ac.signal.aborted) return;
        dispatch({ type: 'tree-loaded', id: container.id, tree: buildDiffTree(changes, { mounts: container.mounts }) });
        const fatesPromise = inspected
          .then((mounts) => mountFatesOf(services, container, mounts, ac.signal))
          .then((r) => {
            if (!ac.signal.aborted) dispatch({ type: 'mount-fates-loaded', id: container.id, ...r });
          });
        if (services.changeSizes && changes.length > 0) {
          const info = await inspectedInfo;
          if (ac.signal.aborted) return;
          const show = sizesAsTheyArrive((sizes) => {
            if (ac.signal.aborted) return;
            dispatch({
              type: 'tree-loaded',
              id: container.id,
              tree: buildDiffTree(changes, { mounts: container.mounts, sizes }),
            });
          });
          ac.signal.addEventListener('abort', show.cancel, { once: true });
          const sizes = await services.changeSizes(info, changes, ac.signal, show.add);
          show.cancel();
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
    if (!wait) {
      void run();
      return () => ac.abort();
    }
    const timer = setTimeout(() => void run(), SELECTION_REST_MS);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [id, services, reloadSeq, dispatch]);
  return detail?.id === id ? detail : null;
}

/**
 * How long a selection must rest before its details (inspect, `/changes`, sizes, fates) load when it came within
 * that time of the previous move: a key held down or tapped fast loads only where it stops.
 */
export const SELECTION_REST_MS = 200;

/** Between two redraws of the tree while sizes arrive one by one (a tree rebuild per stat would be wasted). */
const SIZES_REDRAW_MS = 100;

/**
 * Collects sizes as they arrive and shows them: the first batch at once (the first sizes come as soon as the
 * engine answers), then at most one redraw every SIZES_REDRAW_MS. `cancel` drops what is pending.
 */
function sizesAsTheyArrive(show: (sizes: ReadonlyMap<string, PathStat>) => void) {
  const sizes = new Map<string, PathStat>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let shown = false;
  const flush = () => {
    timer = null;
    show(new Map(sizes));
  };
  return {
    add(batch: ReadonlyMap<string, PathStat>) {
      for (const [k, v] of batch) sizes.set(k, v);
      if (!shown) {
        shown = true;
        flush();
      } else timer ??= setTimeout(flush, SIZES_REDRAW_MS);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Each mount's fate under the fate commands. All commands against one read of the engine; if that fails, each on
 * its own, so that one that cannot be planned leaves its column unknown (?) rather than all of them.
 */
async function mountFatesOf(
  services: ExplorerServices,
  container: ContainerInfo,
  mounts: readonly MountPoint[],
  signal: AbortSignal,
): Promise<{ fates: ReturnType<typeof mountFates>; error: string | null }> {
  const lines = fateCommandLines(container);
  const argvs = lines.map((l) => l.argv);
  const settled = await services.planAll(argvs, signal, { measure: false }).then(
    (plans) => plans.map((value): PromiseSettledResult<Plan | null> => ({ status: 'fulfilled', value })),
    () =>
      Promise.allSettled(
        argvs.map(async (argv) => (await services.planAll([argv], signal, { measure: false }))[0] ?? null),
      ),
  );
  const plans: Partial<Record<FateCommand, Plan | null>> = {};
  lines.forEach(({ command }, i) => {
    const r = settled[i];
    plans[command] = r?.status === 'fulfilled' ? r.value : null;
  });
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return { fates: mountFates(mounts, plans), error: failed ? String((failed.reason as Error).message) : null };
}
