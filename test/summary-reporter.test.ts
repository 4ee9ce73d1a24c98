/**
 * The closing `N passed, N failed, N skipped` line of a real vitest run over suites that fail in every way a suite
 * can: a module that cannot load and a `beforeAll` that throws count as failed, never as skipped.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

test('suites that failed to load or whose beforeAll threw are counted as failed', async () => {
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/reporter/vitest.config.ts'],
      { cwd: root, env: { ...process.env, FORCE_COLOR: '0', CI: '1' }, encoding: 'utf8' },
      (_err, stdout) => resolve({ code: child.exitCode, stdout }),
    );
  });
  expect(out.code).toBe(1);
  const closing = out.stdout.trim().split('\n').at(-1);
  // passes.fixture: 1 passed, 1 skipped; load-fails: 1 failed (the module); before-all-throws: 2 failed;
  // top-before-all-throws: 1 failed.
  expect(closing).toBe('1 passed, 4 failed, 1 skipped');
}, 60_000);
