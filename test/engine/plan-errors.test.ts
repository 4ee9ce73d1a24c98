/**
 * Bad input to `lastlook plan`: each case exits with its code, says why, and changes nothing on the engine
 * (a listing before and after is compared).
 */
import { Writable } from 'node:stream';
import { describe, expect, inject, test } from 'vitest';
import { reportError } from '../../src/cli/index.js';
import { parseForPlan, planParsed } from '../../src/cli/planning.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import type { DockerPort } from '../../src/docker/port.js';
import { given } from './given.js';
import { docker, prefix, startEngine, stopEngine, type TestEngine } from './harness.js';
import { readState, runLastlook } from './oracle/oracle.js';

const engines = inject('engines');

/** Every object this file creates is named with P; other test files share the engine and change theirs. */
const P = prefix('perr');

/** This file's containers (with state and their volumes), and the images (no test file removes shared images). */
async function listing(engine: TestEngine): Promise<string> {
  const s = await readState(engine);
  const mine = s.containers.filter((c) => c.name.startsWith(P));
  return JSON.stringify({
    containers: mine.map((c) => `${c.id} ${c.state} ${c.mounts.map((m) => m.name).join(',')}`).sort(),
    volumes: s.volumes.filter((v) => mine.some((c) => c.mounts.some((m) => m.name === v))).sort(),
    images: [...s.images].sort(),
  });
}

describe.each(engines.map((e) => [e.kind, e] as const))('plan errors on the %s engine', (_kind, engine) => {
  async function unchanged(args: string[]): Promise<{ code: number; stderr: string }> {
    const before = await listing(engine);
    const r = await runLastlook(engine, args);
    expect(await listing(engine)).toBe(before);
    expect(r.stdout).toBe('');
    return r;
  }

  test('an unknown container exits 4', async () => {
    await given(engine, ['create', '--name', `${P}-bystander`, '-v', '/anon', engine.image, 'true']);
    const r = await unchanged(['plan', '--', 'docker', 'rm', '-v', `${prefix('nx')}-missing`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no such container/);
    await given(engine, ['rm', '-v', `${P}-bystander`]);
  });

  test('an unknown volume exits 4', async () => {
    const r = await unchanged(['plan', 'docker', 'volume', 'rm', `${prefix('nx')}-missing`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no such volume/);
  });

  test('an ambiguous ID prefix exits 2 and lists the candidates', async () => {
    const p = `${P}-amb`;
    const ids: string[] = [];
    // Create containers until two share a first hex digit (at most 17 by pigeonhole).
    let shared: string | null = null;
    for (let i = 0; i < 17 && shared === null; i++) {
      const id = (await given(engine, ['create', '--name', `${p}-${i}`, engine.image, 'true'])).trim();
      shared = ids.find((x) => x[0] === id[0])?.[0] ?? null;
      ids.push(id);
    }
    const onEngine = (await docker(engine, ['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean);
    const pre = shared as string;
    const matching = onEngine.filter((id) => id.startsWith(pre));
    expect(matching.length).toBeGreaterThan(1);
    const r = await unchanged(['plan', '--json', '--', 'docker', 'rm', pre]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ambiguous/);
    for (const id of matching) expect(r.stderr).toContain(id.slice(0, 12));
    await given(engine, ['rm', ...ids]);
  });

  test.each([
    [['docker', 'volume', 'prune', '--filter', 'foo'], /bad format of filter/],
    [['docker', 'system', 'prune', '--volumes', '--filter', 'until=1h'], /not supported with "--volumes"/],
    [['docker', 'run', '-d', 'busybox'], /cannot preview "docker run"/],
    [['docker', 'image', 'rm', 'x'], /cannot preview "docker image rm"/],
  ])('bad usage %j exits 2', async (argv, re) => {
    const r = await unchanged(['plan', '--', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });

  // Filter keys are the engine's to refuse: the plan is blocked with its message (oracle: prune-filters.test.ts).
  test.each([
    [['docker', 'volume', 'prune', '--filter', 'bogus=1'], /nvalid filter 'bogus'/],
    [['docker', 'container', 'prune', '--filter', 'all=1'], /nvalid filter 'all'/],
  ])('%j: a blocked plan quoting the engine', async (argv, re) => {
    const before = await listing(engine);
    const r = await runLastlook(engine, ['plan', '--json', '--', ...argv]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { blocked: { reason: string } }).blocked.reason).toMatch(re);
    expect(await listing(engine)).toEqual(before);
  });
});

test('an engine that disappears mid-plan exits 3 and the plan stops', async () => {
  const own = await startEngine('modern');
  let stopped = false;
  try {
    await given(own, ['create', '--name', 'victim', '-v', '/anon', own.image, 'true']);
    const real = connect(resolveConnection({ host: own.host, env: {} }));
    // Deterministic: the engine answers GET /version, then is stopped before the container list is read.
    const port: DockerPort = Object.create(real, {
      listContainers: {
        value: async (opts: Parameters<DockerPort['listContainers']>[0]) => {
          await stopEngine(own);
          stopped = true;
          return real.listContainers(opts);
        },
      },
    });
    const err = await planParsed({ port, configDir: own.configDir }, parseForPlan(['docker', 'rm', 'victim'])).catch(
      (e: unknown) => e,
    );
    let text = '';
    const stderr = new Writable({
      write(c, _e, cb) {
        text += String(c);
        cb();
      },
    });
    expect(reportError(err, stderr)).toBe(3);
    expect(text).toMatch(/cannot reach the Docker engine/);
  } finally {
    if (!stopped) await stopEngine(own);
  }
});
