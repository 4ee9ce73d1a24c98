/**
 * The built binary writing a large plan into a pipe: every byte arrives (exiting right after the last write used
 * to cut piped output at 64 KiB, so `lastlook plan --json … | jq` failed on big plans).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { given } from './given.js';
import { engineApi, engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

test('plan --json of 400 volumes arrives whole through a pipe', async () => {
  const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
  const p = prefix('pipe');
  const names = Array.from({ length: 400 }, (_, i) => `${p}-volume-with-a-long-name-${String(i).padStart(3, '0')}`);
  // Made through the API (400 docker CLI processes cost ~20 s of two cores); the command under test is the plan.
  const api = engineApi(engine);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((n) => api.createVolume({ Name: n, Labels: { [p]: '1' } })));
  }
  try {
    const r = spawnSync(
      'node',
      [
        join(repoRoot, 'bin/lastlook.js'),
        '--host',
        engine.host,
        'plan',
        '--json',
        '--',
        'docker',
        'volume',
        'prune',
        '-a',
        '--filter',
        `label=${p}`,
      ],
      { env: engineEnv(engine), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    const plan = JSON.parse(r.stdout) as { destroy: { volumes: { name: string }[] } };
    expect(plan.destroy.volumes.map((v) => v.name).sort()).toEqual(names);
  } finally {
    for (let i = 0; i < names.length; i += 100) await given(engine, ['volume', 'rm', ...names.slice(i, i + 100)]);
  }
});
