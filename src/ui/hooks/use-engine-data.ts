import { type Dispatch, useEffect } from 'react';
import type { ExplorerAction } from '../../core/explorer-reducer.js';
import type { DockerPort } from '../../docker/port.js';

/** Events are bursty (compose down sends dozens): refresh at most this often. */
const THROTTLE_MS = 250;
const RECONNECT_MS = 2000;

/**
 * Volume bytes and writable-layer bytes from ONE `GET /system/df` per refresh (the work of `docker system df -v`),
 * shared by the views: the mount table, the volumes view and the container list read them from the state, never
 * per selection. An engine port without `diskUsage` gives the volume sizes only.
 */
async function readSizes(port: DockerPort, dispatch: Dispatch<ExplorerAction>, signal: AbortSignal): Promise<void> {
  if (port.diskUsage) {
    const usage = await port.diskUsage({ signal });
    if (signal.aborted) return;
    dispatch({ type: 'volume-sizes-loaded', sizes: usage.volumes });
    dispatch({ type: 'layer-sizes-loaded', sizes: usage.containers });
    return;
  }
  const sizes = await port.volumeSizes({ signal });
  if (!signal.aborted) dispatch({ type: 'volume-sizes-loaded', sizes });
}

/**
 * Lists containers and volumes, then the sizes of both (one `/system/df`); refreshes from the engine's event stream (throttled,
 * reconnecting on error) and when `reloadSeq` changes. Nothing is polled on a timer.
 */
export function useEngineData(
  port: DockerPort,
  dispatch: Dispatch<ExplorerAction>,
  reloadSeq: number,
  /** Skip the first list when the caller already has it (the CLI reads it while the UI modules load). */
  hasInitial = false,
): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadSeq is the explicit "read again" trigger
  useEffect(() => {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | null = null;
    let running = false;
    let again = false;
    const load = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const volumesP = port.listVolumes({ signal: ac.signal });
        volumesP.catch(() => {});
        // Containers first: the list is what the first frame shows; volumes follow.
        const containers = await port.listContainers({ signal: ac.signal });
        if (ac.signal.aborted) return;
        dispatch({ type: 'data-loaded', containers });
        const volumes = await volumesP;
        if (ac.signal.aborted) return;
        dispatch({ type: 'data-loaded', containers, volumes });
        await readSizes(port, dispatch, ac.signal);
      } catch (e) {
        if (!ac.signal.aborted) dispatch({ type: 'load-failed', error: (e as Error).message });
      } finally {
        running = false;
        if (again && !ac.signal.aborted) {
          again = false;
          void load();
        }
      }
    };
    const schedule = () => {
      if (timer || ac.signal.aborted) return;
      timer = setTimeout(() => {
        timer = null;
        void load();
      }, THROTTLE_MS);
    };
    const listen = async () => {
      while (!ac.signal.aborted) {
        try {
          await port.events(
            (e) => {
              if (e.type === 'container' || e.type === 'volume' || e.type === 'network') schedule();
            },
            { signal: ac.signal },
          );
        } catch {
          // The stream broke (engine restart, network): the next list shows the error; retry the stream.
        }
        if (ac.signal.aborted) break;
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
        schedule();
      }
    };
    // With containers already in hand, only the volumes (and sizes) are read at once.
    if (hasInitial && reloadSeq === 0) {
      void (async () => {
        try {
          const volumes = await port.listVolumes({ signal: ac.signal });
          if (ac.signal.aborted) return;
          dispatch({ type: 'volumes-loaded', volumes });
          await readSizes(port, dispatch, ac.signal);
        } catch (e) {
          if (!ac.signal.aborted) dispatch({ type: 'load-failed', error: (e as Error).message });
        }
      })();
    } else void load();
    void listen();
    return () => {
      ac.abort();
      if (timer) clearTimeout(timer);
    };
  }, [port, dispatch, reloadSeq]);
}
