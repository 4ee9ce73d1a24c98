/**
 * The recording endpoint: a private unix socket, served by lastlook, that the user's own `docker` command line is
 * run against (issue 16, "ask the user's own client what it would send"). It forwards only reads (GET, HEAD) to the
 * real engine and answers every other request itself with a plausible success, recording it and never forwarding
 * it. The recorded writes are the command's exact intent: which endpoint, at which API version (`/vX.YZ/`), with
 * which query (filters, `v=1`, `force=1`) and body.
 *
 * The invariant (proven by test/docker/intent-recorder.test.ts and test/engine/intent-*.test.ts): no request whose
 * method is not GET or HEAD ever reaches the upstream, and no connection is ever upgraded or tunnelled to it
 * (attach, exec, `/session`, CONNECT): those are refused here, whatever their method.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsFiles } from './connection.js';

/** Node's https (and tls under it), loaded for a TLS engine only: ~6 ms of every plan's start otherwise. */
const httpsModule = (): typeof https => createRequire(import.meta.url)('node:https') as typeof https;

/** Where reads go: the engine's unix socket, or its tcp address (with TLS material when it uses TLS). */
export type Upstream =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: TlsFiles | null };

/** One request the endpoint answered itself (never forwarded). */
export interface RecordedWrite {
  readonly method: string;
  /** The request target as sent, e.g. `/v1.41/volumes/prune?filters=%7B%7D`. */
  readonly url: string;
  /** `User-Agent` of the client, e.g. `Docker-Client/28.5.2 (linux)`. */
  readonly userAgent: string | null;
  /** The body (first MAX_BODY bytes), decoded as UTF-8; chunked bodies arrive de-chunked. */
  readonly body: string;
  /** True when the client asked to upgrade or hijack the connection (attach, exec, /session): refused. */
  readonly upgrade: boolean;
}

/** What the endpoint saw, for reports and tests. */
export interface EndpointLog {
  readonly writes: RecordedWrite[];
  /** GET/HEAD requests forwarded, as `METHOD url`. */
  readonly reads: string[];
  /** User-Agents seen on any request (the CLI's version is in them). */
  readonly userAgents: Set<string>;
}

export interface RecordingEndpoint {
  /** Absolute path of the socket; give the child `DOCKER_HOST=unix://<socketPath>`. */
  readonly socketPath: string;
  readonly log: EndpointLog;
  /** Stops listening, ends every connection (and every forwarded read) and removes the private folder. */
  close(): Promise<void>;
}

/** Bodies of writes are kept up to this many bytes (a prune's filters or a create body fit easily). */
export const MAX_BODY = 1 << 20;

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Hop-by-hop headers (RFC 9110 §7.6.1): never copied from one connection to the other. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** What each prune answers when it removed nothing (the CLI prints "Total reclaimed space: 0B"). */
const PRUNE_ANSWERS: Readonly<Record<string, unknown>> = {
  containers: { ContainersDeleted: [], SpaceReclaimed: 0 },
  volumes: { VolumesDeleted: [], SpaceReclaimed: 0 },
  networks: { NetworksDeleted: [] },
  images: { ImagesDeleted: [], SpaceReclaimed: 0 },
  build: { CachesDeleted: [], SpaceReclaimed: 0 },
};

/** A plausible success answer for a write, by endpoint: what the engine returns when it did the work. */
export function fakeAnswer(method: string, url: string): { status: number; body: unknown } {
  const path = (url.split('?')[0] ?? '').replace(/^\/v\d+(\.\d+)?\//, '/');
  const prune = /^\/(containers|volumes|networks|images|build)\/prune$/.exec(path);
  if (method === 'POST' && prune) return { status: 200, body: PRUNE_ANSWERS[prune[1] as string] };
  if (method === 'DELETE' && path.startsWith('/images/')) return { status: 200, body: [] };
  if (method === 'POST' && /^\/containers\/[^/]+\/wait$/.test(path)) {
    return { status: 200, body: { StatusCode: 0, Error: null } };
  }
  if (method === 'POST' && /^\/[a-z]+\/create$/.test(path)) {
    return { status: 201, body: { Id: randomBytes(32).toString('hex'), Warnings: [] } };
  }
  if (method === 'POST' && path.startsWith('/')) return { status: 204, body: null };
  return { status: method === 'DELETE' || method === 'PUT' ? 204 : 200, body: null };
}

function userAgent(req: IncomingMessage): string | null {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' ? ua : null;
}

/** Reads a request body, keeping at most MAX_BODY bytes (the rest is consumed and dropped). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (c: Buffer) => {
      if (kept < MAX_BODY) {
        const part = c.subarray(0, MAX_BODY - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function requestHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

function tlsOptions(tls: TlsFiles): https.RequestOptions {
  return {
    ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
    ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
    ...(tls.key ? { key: readFileSync(tls.key) } : {}),
    rejectUnauthorized: tls.verify,
  };
}

/** Forwards one GET/HEAD to the engine and streams its answer back (status, headers, body). */
function forwardRead(req: IncomingMessage, res: ServerResponse, upstream: Upstream, agent: http.Agent): void {
  const base: http.RequestOptions = { method: req.method, path: req.url, headers: requestHeaders(req), agent };
  const options: https.RequestOptions =
    upstream.kind === 'unix'
      ? // No TLS server name to work out for a unix socket (Node would compile its IPv6 expression for it).
        { ...base, socketPath: upstream.socketPath, servername: '' }
      : { ...base, host: upstream.host, port: upstream.port, ...(upstream.tls ? tlsOptions(upstream.tls) : {}) };
  const lib = upstream.kind === 'tcp' && upstream.tls ? httpsModule() : http;
  const up = lib.request(options, (answer) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    res.writeHead(answer.statusCode ?? 502, headers);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  up.on('error', (e) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `lastlook recording endpoint: the engine did not answer: ${e.message}` }));
    } else res.destroy();
  });
  res.on('close', () => up.destroy());
  // A GET/HEAD body (Docker clients send none) goes along; the request method is all the upstream ever sees.
  req.pipe(up);
}

async function answerWrite(req: IncomingMessage, res: ServerResponse, log: EndpointLog): Promise<void> {
  const body = await readBody(req);
  const method = req.method ?? '';
  const url = req.url ?? '';
  log.writes.push({ method, url, userAgent: userAgent(req), body, upgrade: false });
  const answer = fakeAnswer(method, url);
  if (answer.body === null) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An upgrade (attach, exec start, `/session`, websocket) or CONNECT: recorded, refused, and the socket ended. */
function refuseTunnel(req: IncomingMessage, socket: Socket, log: EndpointLog): void {
  log.writes.push({
    method: req.method ?? '',
    url: req.url ?? '',
    userAgent: userAgent(req),
    body: '',
    upgrade: true,
  });
  const text = JSON.stringify({ message: 'lastlook recording endpoint: hijacked connections are not forwarded' });
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/**
 * Starts a recording endpoint on a new socket in a private folder (mode 0700 under the system temp folder).
 * `upstream` is the real engine; only GET and HEAD requests ever reach it.
 */
export async function startRecordingEndpoint(upstream: Upstream): Promise<RecordingEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'lastlook-rec-'));
  const socketPath = join(dir, 'docker.sock');
  const log: EndpointLog = { writes: [], reads: [], userAgents: new Set() };
  // A TLS upstream needs an https agent: node refuses an http.Agent for an https request (it threw, uncaught).
  const agent =
    upstream.kind === 'tcp' && upstream.tls
      ? new (httpsModule().Agent)({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const ua = userAgent(req);
    if (ua) log.userAgents.add(ua);
    if (READ_METHODS.has(req.method ?? '')) {
      log.reads.push(`${req.method} ${req.url}`);
      forwardRead(req, res, upstream, agent);
    } else void answerWrite(req, res, log);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => refuseTunnel(req, socket, log));
  server.on('connect', (req: IncomingMessage, socket: Socket) => refuseTunnel(req, socket, log));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | null = null;
  return {
    socketPath,
    log,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        agent.destroy();
      }).finally(() => rmSync(dir, { recursive: true, force: true }));
      return closed;
    },
  };
}

/** The upstream for an engine host URL, or null when the endpoint cannot reach it directly (ssh://, npipe). */
export function upstreamFor(host: string, tls: TlsFiles | null): Upstream | null {
  if (host.startsWith('unix://')) return { kind: 'unix', socketPath: host.slice('unix://'.length) };
  const m = /^(?:tcp|http|https):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (!m) return null;
  const port = m[2] ? Number(m[2]) : tls ? 2376 : 2375;
  return { kind: 'tcp', host: (m[1] as string).replace(/^\[|\]$/g, ''), port, tls };
}
