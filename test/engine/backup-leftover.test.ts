/**
 * Issue 9, item 11: `kill -9` during a backup leaves a temporary file as large as the archive had grown (and, before
 * the helper sweep, a helper container). The next run that writes into that folder removes the file, because its
 * owner (host and pid, in its name) is gone; the helper is swept at start (test/engine/sweep.test.ts).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, test } from 'vitest';
import { runCli } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const work = await mkdtemp(join(tmpdir(), 'llleft-'));
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const temps = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.startsWith('.lastlook-tmp-'));
  } catch {
    return [];
  }
};

test('the temporary file of a backup killed with SIGKILL is removed by the next backup into that folder', async () => {
  const vol = `${prefix('left')}-v`;
  await given(engine, ['volume', 'create', vol]);
  await docker(engine, [
    'run',
    '--rm',
    '-v',
    `${vol}:/d`,
    engine.image,
    'dd',
    'if=/dev/urandom',
    'of=/d/big',
    'bs=1M',
    'count=128',
  ]);
  const dir = join(work, 'backups');
  const child = spawn('node', [join(repoRoot, 'bin/lastlook.js'), '--host', engine.host, 'backup', vol, '--to', dir], {
    env: engineEnv(engine),
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  // Kill it once the copy is under way (its temporary file exists); bounded by the test's timeout.
  while (temps(dir).length === 0 && child.exitCode === null) await new Promise((res) => setTimeout(res, 5));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const left = temps(dir);
  expect(left).toHaveLength(1);

  const again = await runCli(engine, ['backup', vol, '--to', dir]);
  expect(again.stderr).not.toMatch(/error|unexpected/i);
  expect(again.code).toBe(0);
  const names = readdirSync(dir);
  expect(names).not.toContain(left[0]);
  expect(temps(dir)).toEqual([]);
  expect(names.filter((n) => n.endsWith('.tar.gz'))).toHaveLength(1);
  expect(names.filter((n) => n.endsWith('.manifest.json'))).toHaveLength(1);
  await given(engine, ['volume', 'rm', vol]);
});
