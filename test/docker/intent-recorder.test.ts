/**
 * The recording endpoint's invariant, against an upstream this test controls (a plain HTTP server on a private unix
 * socket that records every request that reaches it): only GET and HEAD are ever forwarded; every other method is
 * answered locally and recorded; upgrades, hijacks and CONNECT are refused whatever their method; nothing smuggled
 * inside a forwarded read's body, a pipelined keep-alive connection or a malformed request reaches the upstream
 * as a write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  fakeAnswer,
  type RecordingEndpoint,
  startRecordingEndpoint,
  upstreamFor,
} from '../../src/docker/intent-recorder.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

let dir: string;
let upstreamSocket: string;
let upstream: http.Server;
const seen: Seen[] = [];
let upgradesSeen = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llrec-'));
  upstreamSocket = join(dir, 'engine.sock');
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.endsWith('/_ping')) {
        res.writeHead(200, { 'api-version': '1.45', 'content-type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
      } else if (req.url?.includes('/events')) {
        // A long stream, chunked: the endpoint relays it as it comes.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":1}\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        // Chunked answer (no content-length), in two pieces.
        res.write('[{"Name":');
        res.end('"from-engine"}]');
      }
    });
  });
  upstream.on('upgrade', (_req, socket: Socket) => {
    upgradesSeen++;
    socket.destroy();
  });
  upstream.on('connect', (_req, socket: Socket) => {
    upgradesSeen++;
    socket.destroy();
  });
  await new Promise<void>((r) => upstream.listen(upstreamSocket, r));
});

afterAll(async () => {
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

let endpoint: RecordingEndpoint;
afterEach(async () => {
  await endpoint?.close();
  // The invariant, after every test: the upstream never saw anything but GET and HEAD, and never an upgrade.
  expect(seen.filter((s) => s.method !== 'GET' && s.method !== 'HEAD')).toEqual([]);
  expect(upgradesSeen).toBe(0);
  seen.length = 0;
});

async function start(): Promise<RecordingEndpoint> {
  endpoint = await startRecordingEndpoint({ kind: 'unix', socketPath: upstreamSocket });
  return endpoint;
}

function request(
  socketPath: string,
  method: string,
  path: string,
  opts: { body?: string; chunked?: boolean; headers?: http.OutgoingHttpHeaders } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'user-agent': 'Docker-Client/28.5.2 (linux)', ...opts.headers };
    if (opts.chunked) headers['transfer-encoding'] = 'chunked';
    else if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = http.request({ socketPath, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    if (opts.chunked && opts.body) {
      // Several chunks on the wire.
      for (const piece of opts.body.match(/.{1,5}/gs) ?? []) req.write(piece);
      req.end();
    } else req.end(opts.body);
  });
}

/** Writes raw bytes on one connection and collects everything the endpoint answers until it closes or goes quiet. */
function raw(socketPath: string, bytes: string, until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let text = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      text += d;
      if (until(text)) s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(text));
    s.write(bytes);
  });
}

describe('reads are forwarded', () => {
  test('GET: status, headers and a chunked body come back from the engine', async () => {
    const e = await start();
    const r = await request(e.socketPath, 'GET', '/v1.45/volumes?filters=%7B%7D');
    expect(r.status).toBe(200);
    expect(r.headers['x-upstream']).toBe('yes');
    expect(JSON.parse(r.body)).toEqual([{ Name: 'from-engine' }]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v1.45/volumes?filters=%7B%7D']);
    expect(e.log.reads).toEqual(['GET /v1.45/volumes?filters=%7B%7D']);
    expect(e.log.writes).toEqual([]);
  });

  test('HEAD /_ping (version negotiation) reaches the engine and its API-Version header comes back', async () => {
    const e = await start();
    const r = await request(e.socketPath, 'HEAD', '/_ping');
    expect(r.status).toBe(200);
    expect(r.headers['api-version']).toBe('1.45');
    expect(r.body).toBe('');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['HEAD /_ping']);
  });

  test('a request smuggled in the body of a GET stays a body: the engine sees one GET', async () => {
    const e = await start();
    const smuggled = 'DELETE /v1.45/volumes/data HTTP/1.1\r\nHost: x\r\n\r\n';
    await request(e.socketPath, 'GET', '/v1.45/info', { body: smuggled });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.body).toBe(smuggled);
  });
});

describe('writes are answered here, recorded, never forwarded', () => {
  test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s', async (method) => {
    const e = await start();
    const r = await request(e.socketPath, method, '/v1.41/containers/web?force=1&v=1', { body: '{"x":1}' });
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(r.status).toBeLessThan(300);
    expect(e.log.writes).toEqual([
      {
        method,
        url: '/v1.41/containers/web?force=1&v=1',
        userAgent: 'Docker-Client/28.5.2 (linux)',
        body: '{"x":1}',
        upgrade: false,
      },
    ]);
    expect(seen).toEqual([]);
  });

  test('a chunked request body is recorded de-chunked', async () => {
    const e = await start();
    const body = JSON.stringify({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hello world'] });
    await request(e.socketPath, 'POST', '/v1.45/containers/create?name=x', { body, chunked: true });
    expect(e.log.writes[0]?.body).toBe(body);
    expect(seen).toEqual([]);
  });

  test('prunes get the answer of a prune that removed nothing', async () => {
    const e = await start();
    const r = await request(
      e.socketPath,
      'POST',
      '/v1.51/volumes/prune?filters=%7B%22all%22%3A%7B%22true%22%3Atrue%7D%7D',
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ VolumesDeleted: [], SpaceReclaimed: 0 });
    expect(fakeAnswer('POST', '/v1.45/containers/prune').body).toEqual({ ContainersDeleted: [], SpaceReclaimed: 0 });
    expect(fakeAnswer('POST', '/networks/prune').body).toEqual({ NetworksDeleted: [] });
    expect(fakeAnswer('DELETE', '/v1.45/images/sha256:abc').body).toEqual([]);
    expect(fakeAnswer('DELETE', '/v1.45/volumes/x').status).toBe(204);
  });

  test('keep-alive: reads and writes pipelined on one connection; only the reads reach the engine', async () => {
    const e = await start();
    const req = (m: string, p: string, body = '') =>
      `${m} ${p} HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/26.1.5 (linux)\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const bytes = [
      req('GET', '/v1.45/containers/json'),
      req('POST', '/v1.45/containers/a/stop'),
      req('DELETE', '/v1.45/containers/a?v=1'),
      req('POST', '/v1.45/volumes/prune', '{}'),
      req('HEAD', '/_ping'),
      req('DELETE', '/v1.45/networks/n'),
    ].join('');
    const text = await raw(e.socketPath, bytes, (t) => (t.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 6);
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 204',
      'HTTP/1.1 204',
      'HTTP/1.1 200',
      'HTTP/1.1 200',
      'HTTP/1.1 204',
    ]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v1.45/containers/json', 'HEAD /_ping']);
    expect(e.log.writes.map((w) => `${w.method} ${w.url}`)).toEqual([
      'POST /v1.45/containers/a/stop',
      'DELETE /v1.45/containers/a?v=1',
      'POST /v1.45/volumes/prune',
      'DELETE /v1.45/networks/n',
    ]);
  });
});

describe('hijacked and upgraded connections are refused, whatever the method', () => {
  const upgrade = (method: string, path: string, proto: string) =>
    `${method} ${path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: ${proto}\r\nContent-Length: 0\r\n\r\n`;

  test.each([
    ['POST', '/v1.45/containers/web/attach?stream=1&stdin=1', 'tcp'],
    ['POST', '/v1.45/exec/abc/start', 'tcp'],
    ['POST', '/session', 'h2c'],
    ['GET', '/v1.45/containers/web/attach/ws?stdin=1', 'websocket'],
  ])('%s %s (Upgrade: %s)', async (method, path, proto) => {
    const e = await start();
    const text = await raw(e.socketPath, upgrade(method, path, proto), () => false);
    expect(text).toMatch(/^HTTP\/1\.1 403/);
    expect(e.log.writes).toEqual([{ method, url: path, userAgent: null, body: '', upgrade: true }]);
    expect(seen).toEqual([]);
  });

  test('CONNECT', async () => {
    const e = await start();
    const text = await raw(e.socketPath, 'CONNECT engine:2375 HTTP/1.1\r\nHost: engine:2375\r\n\r\n', () => false);
    expect(text).toMatch(/^HTTP\/1\.1 403/);
    expect(seen).toEqual([]);
  });

  test('a GET whose Upgrade header is not announced in Connection is forwarded as a plain GET, without it', async () => {
    const e = await start();
    await request(e.socketPath, 'GET', '/v1.45/containers/json', { headers: { upgrade: 'tcp' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.upgrade).toBeUndefined();
    expect(e.log.writes).toEqual([]);
  });
});

describe('malformed requests reach nothing', () => {
  test.each([
    ['a lower-case method', 'delete /v1.45/volumes/x HTTP/1.1\r\nHost: d\r\n\r\n'],
    [
      'both Content-Length and chunked',
      'GET /v1.45/info HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nDELETE /v1.45/volumes/x HTTP/1.1\r\nHost: d\r\n\r\n',
    ],
    ['garbage', 'hello\r\n\r\n'],
  ])('%s', async (_what, bytes) => {
    const e = await start();
    await raw(e.socketPath, bytes, () => false);
    expect(seen.filter((s) => s.method !== 'GET')).toEqual([]);
    expect(e.log.writes.filter((w) => w.method !== 'DELETE' || w.url !== '/v1.45/volumes/x')).toEqual([]);
  });
});

describe('lifecycle', () => {
  test('close() ends a long read in flight and removes the socket', async () => {
    const e = await start();
    const got = new Promise<string>((resolve) => {
      const req = http.request({ socketPath: e.socketPath, path: '/v1.45/events', agent: false }, (res) => {
        res.once('data', () => void e.close());
        res.on('close', () => resolve('closed'));
      });
      req.end();
    });
    expect(await got).toBe('closed');
    await e.close();
    await expect(request(e.socketPath, 'GET', '/_ping')).rejects.toThrow();
  });

  test('upstreamFor: unix and tcp hosts; ssh is not recorded', () => {
    expect(upstreamFor('unix:///run/docker.sock', null)).toEqual({ kind: 'unix', socketPath: '/run/docker.sock' });
    expect(upstreamFor('tcp://10.0.0.2:2376', { verify: true, dir: '/certs' })).toEqual({
      kind: 'tcp',
      host: '10.0.0.2',
      port: 2376,
      tls: { verify: true, dir: '/certs' },
    });
    expect(upstreamFor('tcp://[::1]', null)).toMatchObject({ host: '::1', port: 2375 });
    expect(upstreamFor('ssh://me@host', null)).toBeNull();
  });
});
