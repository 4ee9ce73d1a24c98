/**
 * tcp:// with TLS (issue 13): a private dockerd (Docker 26.1.5) with --tlsverify on 127.0.0.1:2376 inside a network
 * namespace of this file's own, with a CA, server and client certificates made by openssl here, and a second CA
 * that the engine does not trust. 127.0.0.1:2375 in the same namespace is a plain TCP forwarder to the same
 * engine's unix socket (a real engine without TLS). Each mistake a user makes exits 3 and says what to fix; the
 * docker CLI, given the same setup, fails too (it is the reference that the setup is wrong, not lastlook).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliPath, RUN_ROOT_ENV, repoRoot } from './harness.js';

const lastlook = join(repoRoot, 'bin/lastlook.js');
let dir: string;
let holder: ChildProcess;
let forwarder: ChildProcess;

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and a certificate it signs for `usage` (serverAuth with the loopback names, or clientAuth). */
function makeCa(name: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=lastlook test ${name}`,
    ]),
  );
}
function makeCert(ca: string, name: string, usage: 'serverAuth' | 'clientAuth'): void {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    usage === 'serverAuth'
      ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ]),
  );
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`].concat([
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-out',
      `${name}-cert.pem`,
      '-days',
      '2',
      '-extfile',
      ext,
    ]),
  );
}

/** A DOCKER_CERT_PATH folder holding the given files under their docker names. */
function certDir(name: string, files: { ca?: string; cert?: string; key?: string }): string {
  const d = join(dir, 'certs', name);
  mkdirSync(d, { recursive: true });
  if (files.ca) copyFileSync(join(dir, files.ca), join(d, 'ca.pem'));
  if (files.cert) copyFileSync(join(dir, files.cert), join(d, 'cert.pem'));
  if (files.key) copyFileSync(join(dir, files.key), join(d, 'key.pem'));
  return d;
}

function inNetns(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/proc/${holder.pid}/ns/net`, '--', cmd, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    DOCKER_CONFIG: join(dir, 'docker-config'),
    NO_COLOR: '1',
    ...extra,
  };
}

const plan = ['plan', '--json', '--', 'docker', 'volume', 'prune'];

beforeAll(async () => {
  dir = mkdtempSync(join(process.env[RUN_ROOT_ENV] ?? '', 'tls'));
  makeCa('ca');
  makeCert('ca', 'server', 'serverAuth');
  makeCert('ca', 'client', 'clientAuth');
  makeCa('rogue');
  makeCert('rogue', 'rogueclient', 'clientAuth');
  holder = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec sleep infinity'], {
    stdio: 'ignore',
  });
  const bin = execFileSync('bash', [join(repoRoot, 'scripts/engines.sh'), 'bin', 'modern'], {
    encoding: 'utf8',
  }).trim();
  const e = join(dir, 'e');
  mkdirSync(e);
  const daemon = spawn(
    'nsenter',
    [`--net=/proc/${holder.pid}/ns/net`, '--', join(bin.split(':')[0] ?? '', 'dockerd')].concat(
      ['--host', 'tcp://127.0.0.1:2376', '--host', `unix://${e}/docker.sock`, '--tlsverify'],
      ['--tlscacert', join(dir, 'ca.pem'), '--tlscert', join(dir, 'server-cert.pem')],
      ['--tlskey', join(dir, 'server-key.pem'), '--data-root', join(e, 'root'), '--exec-root', join(e, 'exec')],
      ['--pidfile', join(e, 'docker.pid'), '--iptables=false', '--ip6tables=false', '--bridge=none'],
      ['--log-level', 'warn'],
    ),
    { env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` }, stdio: 'ignore', detached: true },
  );
  daemon.unref();
  // Ready when the engine answers on its unix socket (as scripts/engines.sh waits for its engines).
  execFileSync('bash', [
    '-c',
    'for i in $(seq 1 300); do curl -fsS --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1',
    'wait',
    join(e, 'docker.sock'),
  ]);
  // 127.0.0.1:2375: plain TCP to the same engine.
  forwarder = spawn(
    'nsenter',
    [`--net=/proc/${holder.pid}/ns/net`, '--', process.execPath, '-e'].concat([
      `const net=require('node:net');net.createServer(c=>{const u=net.connect(${JSON.stringify(`${e}/docker.sock`)});c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(2375,'127.0.0.1',()=>console.log('listening'));`,
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => forwarder.stdout?.once('data', () => resolve()));
});

afterAll(async () => {
  forwarder?.kill();
  execFileSync('bash', [join(repoRoot, 'scripts/engines.sh'), 'stop', join(dir, 'e')]);
  holder?.kill();
});

describe('tcp:// with TLS', () => {
  const good = () => certDir('good', { ca: 'ca.pem', cert: 'client-cert.pem', key: 'client-key.pem' });

  test('with ca.pem, cert.pem and key.pem: the plan', async () => {
    const r = await inNetns(
      process.execPath,
      [lastlook, ...plan],
      env({ DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: good() }),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).engine.host).toBe('tcp://127.0.0.1:2376');
  });

  test.each([
    [
      'ca.pem missing',
      { cert: 'client-cert.pem', key: 'client-key.pem' },
      2376,
      /ca\.pem does not exist/,
      /put the engine's CA certificate/,
    ],
    [
      'cert.pem and key.pem missing',
      { ca: 'ca.pem' },
      2376,
      /requires a client certificate, and .*cert\.pem does not exist/,
      /signed by the engine's CA/,
    ],
    [
      'a client certificate from a CA the engine does not trust',
      { ca: 'ca.pem', cert: 'rogueclient-cert.pem', key: 'rogueclient-key.pem' },
      2376,
      /rejected lastlook's client certificate/,
      /signed by the CA the engine trusts/,
    ],
    [
      'an engine certificate our ca.pem did not sign',
      { ca: 'rogue.pem', cert: 'client-cert.pem', key: 'client-key.pem' },
      2376,
      /failed verification/,
      /ca\.pem must be the CA/,
    ],
    [
      'TLS to a plain port',
      { ca: 'ca.pem', cert: 'client-cert.pem', key: 'client-key.pem' },
      2375,
      /does not speak TLS/,
      /unset DOCKER_TLS_VERIFY/,
    ],
  ] as const)('%s: exit 3 and what to fix', async (name, files, port, message, remedy) => {
    const certs = certDir(name.replace(/\W+/g, '-'), files);
    const e = env({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    const cli = await inNetns(cliPath(), ['volume', 'ls'], e);
    expect(cli.code).not.toBe(0);
    const r = await inNetns(process.execPath, [lastlook, ...plan], e);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(remedy);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('plain HTTP to the TLS port: exit 3, turn TLS on', async () => {
    const e = env({ DOCKER_HOST: 'tcp://127.0.0.1:2376' });
    const cli = await inNetns(cliPath(), ['volume', 'ls'], e);
    expect(cli.code).not.toBe(0);
    const r = await inNetns(process.execPath, [lastlook, ...plan], e);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/speaks TLS, but lastlook connected without it/);
    expect(r.stderr).toMatch(/DOCKER_TLS_VERIFY=1/);
  });
});
