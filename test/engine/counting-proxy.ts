/**
 * A unix socket in front of an engine that passes every byte both ways and notes the request line of each HTTP
 * request a client sends through it (`GET /v1.45/system/df?type=container HTTP/1.1` → `GET /v1.45/system/df?…`):
 * which requests a command made, for tests that count them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';

export interface CountingProxy {
  /** `unix://…/docker.sock` */
  readonly host: string;
  /** Every request line seen so far, `METHOD target`, in the order they arrived. */
  requests(): string[];
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.[01]\r\n/g;

/** A proxy in front of `engine`, its socket in a new folder inside the engine's own (a private host to the harness). */
export async function startCountingProxy(engine: {
  readonly host: string;
  readonly dir: string;
}): Promise<CountingProxy> {
  const upstream = engine.host.replace(/^unix:\/\//, '');
  const dir = mkdtempSync(join(engine.dir, 'count-'));
  const path = join(dir, 'docker.sock');
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const engine = connect(upstream);
    sockets.add(client);
    sockets.add(engine);
    // A request line starts a connection or follows a CRLF (the end of the head before it, when that request had
    // no body: the reads and DELETEs counted here). The text is kept across chunks until a line ends.
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (const m of pending.matchAll(REQUEST_LINE)) seen.push(`${m[1]} ${m[2]}`);
      const last = pending.lastIndexOf('\r\n');
      pending = last >= 0 ? pending.slice(last + 2) : pending;
      engine.write(chunk);
    });
    engine.pipe(client);
    const end = () => {
      client.destroy();
      engine.destroy();
      sockets.delete(client);
      sockets.delete(engine);
    };
    client.on('close', end);
    engine.on('close', end);
    client.on('error', end);
    engine.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    host: `unix://${path}`,
    requests: () => [...seen],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
