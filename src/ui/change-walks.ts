/**
 * `/changes` reads for the explorer, bounded. The engine answers `/changes` by walking the container's whole
 * writable layer, and closing the request does not stop the walk: a selection that moves on every ~400 ms over a
 * container with 100,000 changed paths piled up ~50 walks in the engine until it stopped answering (found by
 * bench/ui-bench.ts `--gap 400`). So:
 * - at most MAX_WALKS walks run at a time; a read that finds none free waits, and the newest waiting read goes first;
 * - a waiting read whose every caller has moved on (aborted) is dropped before it is ever sent;
 * - a running walk is never aborted (that would not stop the engine); whoever asks for the same container while it
 *   runs (the selection came back) shares its answer instead of starting a second walk. A finished walk is not kept:
 *   the next selection of that container reads it again, fresh.
 */
import type { Change } from '../core/model.js';
import type { DockerPort } from '../docker/port.js';

/** Walks in flight at once. */
export const MAX_WALKS = 1;

interface Walk {
  /** Callers still waiting for it. */
  waiters: number;
  /** Sent to the engine (then it runs to its end). */
  started: boolean;
  readonly result: Promise<Change[]>;
  /** Sends it (called when a slot is free). */
  readonly start: () => void;
  /** Drops it before it is sent. */
  readonly drop: (e: Error) => void;
}

export interface ChangeWalks {
  /** The container's changes; rejects with the signal's reason when the caller moves on first. */
  read(id: string, signal: AbortSignal): Promise<Change[]>;
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export function changeWalks(port: Pick<DockerPort, 'containerChanges'>): ChangeWalks {
  const walks = new Map<string, Walk>();
  /** Waiting walks, oldest first (the newest is taken first). */
  const queue: Walk[] = [];
  let running = 0;

  const next = () => {
    while (running < MAX_WALKS) {
      const w = queue.pop();
      if (!w) return;
      w.start();
    }
  };

  const create = (id: string): Walk => {
    let start!: () => void;
    let drop!: (e: Error) => void;
    const result = new Promise<Change[]>((resolve, reject) => {
      drop = reject;
      start = () => {
        walk.started = true;
        running++;
        port
          .containerChanges(id)
          .then(resolve, reject)
          .finally(() => {
            running--;
            if (walks.get(id) === walk) walks.delete(id);
            next();
          });
      };
    });
    // Nobody may be left to read a dropped or failed walk.
    result.catch(() => undefined);
    const walk: Walk = { waiters: 0, started: false, result, start: () => start(), drop: (e) => drop(e) };
    return walk;
  };

  return {
    read(id, signal) {
      if (signal.aborted) return Promise.reject(aborted(signal));
      let walk = walks.get(id);
      if (!walk) {
        walk = create(id);
        walks.set(id, walk);
        queue.push(walk);
        next();
      }
      const w = walk;
      w.waiters++;
      return new Promise<Change[]>((resolve, reject) => {
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          w.waiters--;
          signal.removeEventListener('abort', leave);
          fn();
        };
        const leave = () =>
          settle(() => {
            reject(aborted(signal));
            if (w.waiters === 0 && !w.started) {
              // Every caller moved on before it was sent: it never will be.
              queue.splice(queue.indexOf(w), 1);
              if (walks.get(id) === w) walks.delete(id);
              w.drop(aborted(signal));
            }
          });
        signal.addEventListener('abort', leave, { once: true });
        w.result.then(
          (changes) => settle(() => resolve(changes)),
          (e: unknown) => settle(() => reject(e)),
        );
      });
    },
  };
}

const byPort = new WeakMap<object, ChangeWalks>();

/** The one scheduler of a port (every selection of the explorer shares it). */
export function changeWalksOf(port: DockerPort): ChangeWalks {
  let w = byPort.get(port);
  if (!w) {
    w = changeWalks(port);
    byPort.set(port, w);
  }
  return w;
}
