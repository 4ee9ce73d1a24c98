/**
 * How the user's client is run (src/docker/intent-client.ts): found on the user's PATH, given the user's
 * environment and folder with DOCKER_HOST pointing at the recording endpoint and no other way to an engine, no
 * terminal, "y" on stdin for prompts, a time limit, and its whole process group killed on timeout or abort.
 * The client here is a small Node script standing in for `docker` (the real CLIs run in test/engine/intent-*.test.ts);
 * the upstream is a server this test controls that records every request reaching it.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { askClient, clientVersion, findExecutable } from '../../src/docker/intent-client.js';

let dir: string;
let bin: string;
let engineSocket: string;
let upstream: http.Server;
const reached: string[] = [];

/** A stand-in `docker`: reports what it sees (env, cwd, stdin, terminal) in a POST, then does what MODE says. */
const SCRIPT = `#!/usr/bin/env node
const http = require('node:http');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const socketPath = (process.env.DOCKER_HOST || '').replace(/^unix:\\/\\//, '');
if (process.argv[2] === 'hang') {
  // First thing: a grandchild in the same process group, whose pid the test checks after the kill.
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  fs.writeFileSync(process.argv[3], String(child.pid));
  setInterval(() => {}, 1000);
}
let tty = 'none';
try { fs.closeSync(fs.openSync('/dev/tty', 'r')); tty = 'yes'; } catch {}
let stdin = '';
process.stdin.on('data', (d) => { stdin += d; });
process.stdin.on('end', () => {
  const report = JSON.stringify({
    argv: process.argv.slice(2), cwd: process.cwd(), stdin, stdinTTY: process.stdin.isTTY === true, tty,
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DOCKER') || k === 'MARK')),
  });
  const mode = process.argv[2];
  const req = http.request({ socketPath, method: 'POST', path: '/v1.45/report',
      headers: { 'user-agent': 'Docker-Client/99.1.2+dfsg1 (linux)', 'content-length': Buffer.byteLength(report) } },
    (res) => {
      res.resume();
      res.on('end', () => {
        if (mode === 'hang') return;
        else if (mode === 'fail') { process.stderr.write('refused: no way\\n'); process.exit(1); }
        else process.exit(0);
      });
    });
  req.end(report);
});
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llcli-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), SCRIPT);
  chmodSync(join(bin, 'docker'), 0o755);
  writeFileSync(join(bin, 'not-executable'), 'x');
  engineSocket = join(dir, 'engine.sock');
  upstream = http.createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.end('{}');
  });
  await new Promise<void>((r) => upstream.listen(engineSocket, r));
});

afterAll(async () => {
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    DOCKER_CONTEXT: 'production',
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: '/nowhere',
    DOCKER_CONFIG: '/home/u/.docker',
    DOCKER_API_VERSION: '1.41',
    MARK: 'kept',
    ...extra,
  };
}

describe('askClient', () => {
  test('runs the client from the user PATH, in the user folder, with the endpoint as its only engine', async () => {
    const run = await askClient({
      argv: ['docker', 'ok', 'volume', 'prune'],
      host: `unix://${engineSocket}`,
      tls: null,
      env: userEnv(),
      cwd: dir,
    });
    expect(run.kind).toBe('ran');
    if (run.kind !== 'ran') return;
    expect(run.binary).toBe(join(bin, 'docker'));
    expect(run.cliVersion).toBe('99.1.2');
    expect(run.exitCode).toBe(0);
    expect(run.writes).toHaveLength(1);
    const seen = JSON.parse(run.writes[0]?.body ?? '{}') as {
      argv: string[];
      cwd: string;
      stdin: string;
      stdinTTY: boolean;
      tty: string;
      env: Record<string, string>;
    };
    expect(seen.argv).toEqual(['ok', 'volume', 'prune']);
    expect(seen.cwd).toBe(dir);
    expect(seen.stdin).toBe('y\n');
    expect(seen.stdinTTY).toBe(false);
    // Its own session: no controlling terminal to open.
    expect(seen.tty).toBe('none');
    expect(seen.env.DOCKER_HOST).toMatch(/^unix:\/\/.*lastlook-rec-.*\/docker\.sock$/);
    expect(seen.env.DOCKER_CONTEXT).toBeUndefined();
    expect(seen.env.DOCKER_TLS_VERIFY).toBeUndefined();
    expect(seen.env.DOCKER_CERT_PATH).toBeUndefined();
    expect(seen.env.DOCKER_CONFIG).toBe('/home/u/.docker');
    expect(seen.env.DOCKER_API_VERSION).toBe('1.41');
    expect(seen.env.MARK).toBe('kept');
    expect(reached).toEqual([]);
  });

  test('a client that refuses: exit code and stderr', async () => {
    const run = await askClient({
      argv: ['docker', 'fail'],
      host: `unix://${engineSocket}`,
      tls: null,
      env: userEnv(),
      cwd: dir,
    });
    expect(run).toMatchObject({ kind: 'ran', exitCode: 1, stderr: 'refused: no way\n' });
  });

  test('a client that does not finish is killed with everything it started, and nothing is concluded', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const run = await askClient({
      argv: ['docker', 'hang', pidFile],
      host: `unix://${engineSocket}`,
      tls: null,
      env: userEnv(),
      cwd: dir,
      timeoutMs: 5000,
    });
    expect(run).toEqual({ kind: 'unavailable', reason: 'docker did not finish within 5 s' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  }, 30_000);

  test('abort kills the client and rejects', async () => {
    const pidFile = join(dir, 'grandchild2.pid');
    const ac = new AbortController();
    const running = askClient({
      argv: ['docker', 'hang', pidFile],
      host: `unix://${engineSocket}`,
      tls: null,
      env: userEnv(),
      cwd: dir,
      signal: ac.signal,
    });
    await expect.poll(() => exists(pidFile), { timeout: 5000 }).toBe(true);
    ac.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  test('no client on PATH, or an engine the endpoint cannot reach: unavailable, nothing run', async () => {
    const env = { PATH: '/nonexistent' };
    const none = await askClient({
      argv: ['docker', 'rm', 'x'],
      host: `unix://${engineSocket}`,
      tls: null,
      env,
      cwd: dir,
    });
    expect(none).toEqual({ kind: 'unavailable', reason: 'no docker executable on PATH' });
    const ssh = await askClient({ argv: ['docker', 'ok'], host: 'ssh://u@h', tls: null, env: userEnv(), cwd: dir });
    expect(ssh).toEqual({ kind: 'unavailable', reason: 'cannot record against ssh://u@h (unix and tcp engines only)' });
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie waiting for its reaper counts as gone.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

test('findExecutable follows PATH order and skips what cannot run', () => {
  expect(findExecutable('docker', { PATH: `/nonexistent:${bin}` }, dir)).toBe(join(bin, 'docker'));
  expect(findExecutable('not-executable', { PATH: bin }, dir)).toBeNull();
  expect(findExecutable('./bin/docker', { PATH: '' }, dir)).toBe(join(bin, 'docker'));
});

test('clientVersion reads the docker CLI User-Agent', () => {
  expect(clientVersion(['compose/v2.40.3', 'Docker-Client/28.5.2 (linux)'])).toBe('28.5.2');
  expect(clientVersion(['Docker-Client/26.1.5+dfsg1 (linux)'])).toBe('26.1.5');
  expect(clientVersion(['curl/8'])).toBeNull();
});
