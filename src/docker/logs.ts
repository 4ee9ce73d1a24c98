/**
 * Following a container's log (the explorer's `l`): the tail, then every new line until the container stops or the
 * signal aborts, as decoded text. Reading only: `GET /containers/{id}/logs` (DockerPort.containerLogs).
 */
import type { DockerPort } from './port.js';

/** Resolves when the stream ends (the container stopped) or the signal aborts; rejects with the engine's error. */
export async function followLogs(
  port: DockerPort,
  id: string,
  opts: { readonly signal: AbortSignal; readonly tail: number; readonly onText: (text: string) => void },
): Promise<void> {
  if (!port.containerLogs) throw new Error('this engine connection cannot read logs');
  const stream = await port.containerLogs(id, { tail: opts.tail, follow: true, signal: opts.signal });
  // Invalid UTF-8 becomes U+FFFD; what is left of a terminal's control bytes is escaped where it is drawn.
  stream.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      stream.destroy();
      resolve();
    };
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (t: string) => opts.onText(t));
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', (e) => (opts.signal.aborted ? resolve() : reject(e)));
  });
}
