/**
 * An engine that accepts and never answers: every command ends with a clear exit-3 message after the request
 * timeout (--timeout / LASTLOOK_TIMEOUT), instead of hanging forever. (The explorer's waiting screen is
 * test/e2e/waiting.test.ts.)
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/index.js';
import { type SilentEngine, startSilentEngine } from './silent-engine.js';

let silent: SilentEngine;
beforeAll(async () => {
  silent = await startSilentEngine();
});
afterAll(async () => {
  await silent?.close();
});

async function run(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  const code = await main({
    argv: ['--host', silent.host, ...args],
    env: { HOME: '/nonexistent', ...env },
    stdout,
    stderr,
    stdin,
    signal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

describe('an engine that accepts and never answers', () => {
  test.each([
    ['--timeout 1', ['--timeout', '1', 'plan', '--', 'docker', 'volume', 'prune'], {}],
    ['LASTLOOK_TIMEOUT=1', ['plan', '--', 'docker', 'rm', '-v', 'web'], { LASTLOOK_TIMEOUT: '1' }],
    ['guard, --timeout=0.5', ['guard', '--timeout=0.5', '--yes', '--', 'docker', 'rm', 'web'], {}],
    ['diff', ['diff', 'web', '--timeout', '1'], {}],
  ])('%s: exit 3, the engine named, the remedy given', async (_what, args, env) => {
    const before = silent.accepted();
    const r = await run(args, env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the Docker engine at unix:\/\/.*docker\.sock did not answer within (1|0\.5) s/);
    expect(r.stderr).toContain('--timeout SECONDS');
    expect(silent.accepted()).toBeGreaterThan(before);
  });

  test('a timeout that is not a number is bad usage (2), before any engine is reached', async () => {
    const before = silent.accepted();
    for (const r of [
      await run(['--timeout', 'soon', 'plan', '--', 'docker', 'volume', 'prune']),
      await run(['plan', '--', 'docker', 'volume', 'prune'], { LASTLOOK_TIMEOUT: '-1' }),
    ]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/takes seconds/);
    }
    expect(silent.accepted()).toBe(before);
  });
});
