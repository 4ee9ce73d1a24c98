/**
 * The explorer's rule for whole-filesystem exports (the one read whose cost follows the image, not the changes):
 * one starts only after the selection rested `debounceMs` on the container (a selection that moves on aborts it
 * before it started), and at most one runs at a time (a new one waits for the previous, usually aborted, to end).
 * Kept apart from src/docker/filesystem.ts so that the explorer's first frame does not load the tar scanner.
 */
import { DockerError } from './errors.js';

/** How long the selection must rest on a container before its export starts. */
export const EXPORT_DEBOUNCE_MS = 400;

export type ExportGate = <T>(run: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

function rest(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(new DockerError('aborted', 'cancelled'));
    };
    if (signal?.aborted) return aborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

export function createExportGate(debounceMs: number): ExportGate {
  let last: Promise<void> = Promise.resolve();
  return async (run, signal) => {
    await rest(debounceMs, signal);
    const previous = last;
    let release = () => {};
    last = new Promise<void>((r) => {
      release = r;
    });
    try {
      await previous;
      if (signal?.aborted) throw new DockerError('aborted', 'cancelled');
      return await run();
    } finally {
      release();
    }
  };
}
