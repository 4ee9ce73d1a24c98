/**
 * An "engine" that accepts connections and never answers: what a frozen dockerd (SIGSTOP), a wedged engine or a
 * wrong socket look like to a client. It speaks no API at all; it only holds the connections open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SilentEngine {
  /** `unix://…/docker.sock` */
  readonly host: string;
  /** Connections accepted so far (each one was left unanswered). */
  accepted(): number;
  close(): Promise<void>;
}

export async function startSilentEngine(): Promise<SilentEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'llsilent-'));
  const path = join(dir, 'docker.sock');
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.resume(); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    host: `unix://${path}`,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
