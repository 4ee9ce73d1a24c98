import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_HOST, listContexts, resolveConnection } from '../../src/docker/connection.js';
import { DockerError } from '../../src/docker/errors.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A docker CLI config folder laid out as the docker CLI writes it (contexts/meta/<sha256(name)>/meta.json). */
function config(opts: {
  current?: string;
  contexts?: Record<string, { host: string; tls?: boolean; skip?: boolean }>;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'llconf-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(opts.current ? { currentContext: opts.current } : {}));
  for (const [name, c] of Object.entries(opts.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts/meta', id), { recursive: true });
    writeFileSync(
      join(dir, 'contexts/meta', id, 'meta.json'),
      JSON.stringify({ Name: name, Endpoints: { docker: { Host: c.host, SkipTLSVerify: c.skip ?? false } } }),
    );
    if (c.tls) {
      mkdirSync(join(dir, 'contexts/tls', id, 'docker'), { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, 'contexts/tls', id, 'docker', f), 'x');
    }
  }
  return dir;
}

describe('where the engine is: the docker CLI order', () => {
  const conf = config({
    current: 'remote',
    contexts: { remote: { host: 'tcp://10.1.2.3:2376', tls: true }, other: { host: 'unix:///run/other.sock' } },
  });

  test.each([
    [
      '--host wins over everything',
      { host: 'unix:///a.sock', env: { DOCKER_HOST: 'tcp://x:1', DOCKER_CONFIG: conf } },
      'unix:///a.sock',
      null,
    ],
    ['a bare path is a unix socket', { host: '/run/b.sock', env: {} }, 'unix:///run/b.sock', null],
    ['host:port is tcp', { host: 'h:2375', env: {} }, 'tcp://h:2375', null],
    [
      'DOCKER_HOST wins over the current context',
      { env: { DOCKER_HOST: 'tcp://x:1', DOCKER_CONFIG: conf } },
      'tcp://x:1',
      null,
    ],
    [
      '--context wins over DOCKER_HOST',
      { context: 'other', env: { DOCKER_HOST: 'tcp://x:1', DOCKER_CONFIG: conf } },
      'unix:///run/other.sock',
      'other',
    ],
    ['DOCKER_CONTEXT', { env: { DOCKER_CONTEXT: 'other', DOCKER_CONFIG: conf } }, 'unix:///run/other.sock', 'other'],
    [
      'DOCKER_HOST wins over DOCKER_CONTEXT',
      { env: { DOCKER_HOST: 'tcp://x:1', DOCKER_CONTEXT: 'other', DOCKER_CONFIG: conf } },
      'tcp://x:1',
      null,
    ],
    ['currentContext of the config', { env: { DOCKER_CONFIG: conf } }, 'tcp://10.1.2.3:2376', 'remote'],
    [
      'the default context is the local socket',
      { context: 'default', env: { DOCKER_CONFIG: conf } },
      DEFAULT_HOST,
      'default',
    ],
    [
      'the default context is DOCKER_HOST when it is set (docker: "Current DOCKER_HOST based configuration")',
      { context: 'default', env: { DOCKER_HOST: 'tcp://x:1', DOCKER_CONFIG: conf } },
      'tcp://x:1',
      'default',
    ],
    ['nothing set: the local socket', { env: { HOME: '/nonexistent' } }, DEFAULT_HOST, null],
  ] as const)('%s', (_name, req, host, context) => {
    const c = resolveConnection(req as Parameters<typeof resolveConnection>[0]);
    expect(c.host).toBe(host);
    expect(c.context).toBe(context);
  });

  test('a context with TLS material uses it, verified unless SkipTLSVerify', () => {
    const c = resolveConnection({ env: { DOCKER_CONFIG: conf } });
    expect(c.tls?.verify).toBe(true);
    expect(c.tls?.ca).toMatch(/ca\.pem$/);
    expect(c.tls?.cert).toMatch(/cert\.pem$/);
  });

  test('DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
    const certs = config({});
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), 'x');
    const c = resolveConnection({
      env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
    });
    expect(c.tls).toEqual({
      ca: join(certs, 'ca.pem'),
      cert: join(certs, 'cert.pem'),
      key: join(certs, 'key.pem'),
      verify: true,
      dir: certs,
    });
  });

  test('DOCKER_API_VERSION is kept (the docker CLI then speaks exactly that version)', () => {
    expect(resolveConnection({ env: { DOCKER_API_VERSION: '1.41' } }).pinnedApiVersion).toBe('1.41');
  });

  test('an unknown context is an error that says how to list contexts', () => {
    expect(() => resolveConnection({ context: 'typo', env: { DOCKER_CONFIG: conf } })).toThrow(DockerError);
    try {
      resolveConnection({ context: 'typo', env: { DOCKER_CONFIG: conf } });
    } catch (e) {
      expect((e as DockerError).remedy).toContain('docker context ls');
    }
  });

  test('--host and --context together are bad usage', () => {
    expect(() => resolveConnection({ host: '/a.sock', context: 'other', env: {} })).toThrow(/not both/);
  });
});

describe('docker context ls', () => {
  const conf = config({
    current: 'remote',
    contexts: { remote: { host: 'ssh://me@build' }, other: { host: 'unix:///run/other.sock' }, a: { host: 'h:2375' } },
  });

  test('every context plus default, sorted by name, the current one marked', () => {
    const list = listContexts({ DOCKER_CONFIG: conf });
    expect(list.map((c) => [c.name, c.host, c.current])).toEqual([
      ['a', 'tcp://h:2375', false],
      ['default', DEFAULT_HOST, false],
      ['other', 'unix:///run/other.sock', false],
      ['remote', 'ssh://me@build', true],
    ]);
  });

  test('DOCKER_CONTEXT marks another; DOCKER_HOST is the default context', () => {
    const list = listContexts({ DOCKER_CONFIG: conf, DOCKER_CONTEXT: 'other', DOCKER_HOST: 'unix:///p.sock' });
    expect(list.filter((c) => c.current).map((c) => c.name)).toEqual(['other']);
    expect(list.find((c) => c.name === 'default')?.host).toBe('unix:///p.sock');
  });

  test('a folder not named by the hash of its name, or unreadable meta.json, is not a context', () => {
    const dir = config({ contexts: { good: { host: 'unix:///g.sock' } } });
    mkdirSync(join(dir, 'contexts/meta/abc'), { recursive: true });
    writeFileSync(join(dir, 'contexts/meta/abc/meta.json'), JSON.stringify({ Name: 'fake', Endpoints: {} }));
    const id = createHash('sha256').update('broken').digest('hex');
    mkdirSync(join(dir, 'contexts/meta', id), { recursive: true });
    writeFileSync(join(dir, 'contexts/meta', id, 'meta.json'), '{');
    expect(listContexts({ DOCKER_CONFIG: dir }).map((c) => c.name)).toEqual(['default', 'good']);
  });

  test('no config folder: only default', () => {
    expect(listContexts({ DOCKER_CONFIG: join(conf, 'missing') }).map((c) => c.name)).toEqual(['default']);
  });
});
