/**
 * planCommandLines with a client to ask: the plan follows what the client sent (names, flags, API version), says
 * so in its first warning, asks once per command line (guard's recompute reuses the answer), and falls back to the
 * parser, saying so, when no client is on PATH. The engine is the in-memory port fed with JSON recorded from
 * Docker 26.1.5 (test/fixtures/engine-json/demo-26.1.5.json); the client is a stand-in script that sends the request
 * the real 26.1.5 CLI sends for `docker rm -fv web/ //db`-style names (recorded in test/core/client-intent.test.ts).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { planCommandLines } from '../../src/cli/planning.js';
import type { PlanningContext } from '../../src/cli/planning-context.js';
import { loadFixture, MemoryPort } from '../helpers/memory-port.js';

let dir: string;
let bin: string;
const runs = () => readFileSync(join(dir, 'runs'), 'utf8').length;

/** Sends DELETE /v1.41/containers/<name>?force=1 for each argument after `rm -f`, trimmed of `/` like docker. */
const CLIENT = `#!/usr/bin/env node
const http = require('node:http');
const fs = require('node:fs');
fs.appendFileSync(process.env.RUNS_FILE, 'x');
const socketPath = process.env.DOCKER_HOST.replace(/^unix:\\/\\//, '');
const names = process.argv.slice(4).map((n) => n.replace(/^\\/+|\\/+$/g, ''));
let left = names.length;
for (const n of names) {
  const req = http.request({ socketPath, method: 'DELETE', path: '/v1.41/containers/' + encodeURIComponent(n) + '?force=1',
    headers: { 'user-agent': 'Docker-Client/26.1.5+dfsg1 (linux)' } }, (res) => {
    res.resume();
    res.on('end', () => { if (--left === 0) process.exit(0); });
  });
  req.end();
}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llpi-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), CLIENT);
  chmodSync(join(bin, 'docker'), 0o755);
  writeFileSync(join(dir, 'runs'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(path: string): PlanningContext {
  return {
    port: new MemoryPort(loadFixture()),
    env: { PATH: `${path}:${process.env.PATH ?? ''}`, RUNS_FILE: join(dir, 'runs') },
    cwd: dir,
    configDir: join(dir, 'config'),
    pinnedApiVersion: null,
    // No GET reaches this socket in these tests: the stand-in client only writes.
    client: { host: `unix://${join(dir, 'engine.sock')}`, tls: null, asked: new Map() },
  };
}

describe('planCommandLines asks the client', () => {
  test('the plan follows the names the client sent, at its API version, and says so; asked once per line', async () => {
    const ctx = context(bin);
    const signal = new AbortController().signal;
    const argv = ['docker', 'rm', '-f', 'scratchpad/', '//worker'];
    const [plan] = await planCommandLines(ctx, [argv], signal, { measure: false });
    expect(plan?.destroy.containers.map((c) => c.name).sort()).toEqual(['scratchpad', 'worker']);
    expect(plan?.engine.apiVersion).toBe('1.41');
    expect(plan?.warnings[0]).toBe(
      `asked the docker CLI 26.1.5 (${join(bin, 'docker')}): the plan follows what it sends, at API 1.41`,
    );
    expect(plan?.command).toEqual(argv);
    const before = runs();
    const [again] = await planCommandLines(ctx, [argv], signal, { measure: false });
    expect(again?.destroy.containers).toHaveLength(2);
    expect(runs()).toBe(before);
  });

  test('without a client on PATH the parser serves and the plan says so', async () => {
    const ctx = { ...context('/nonexistent'), env: { PATH: '/nonexistent' } };
    const [plan] = await planCommandLines(ctx, [['docker', 'rm', '-f', 'scratchpad']], new AbortController().signal, {
      measure: false,
    });
    expect(plan?.destroy.containers.map((c) => c.name)).toEqual(['scratchpad']);
    expect(plan?.warnings[0]).toMatch(
      /^no docker executable on PATH: the built-in parser read the command line \(API 1\.45/,
    );
  });

  test('several command lines (mount fates) use the parser alone: no client run', async () => {
    const ctx = context(bin);
    const before = runs();
    const plans = await planCommandLines(
      ctx,
      [
        ['docker', 'rm', 'scratchpad'],
        ['docker', 'rm', '-v', 'scratchpad'],
      ],
      new AbortController().signal,
      { measure: false },
    );
    expect(plans).toHaveLength(2);
    expect(runs()).toBe(before);
    expect(plans[0]?.warnings.some((w) => w.startsWith('asked the docker CLI'))).toBe(false);
  });
});
