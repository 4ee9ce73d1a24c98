/**
 * A helper left by a killed run (SIGKILL while it held a volume) is removed at the next start, and so no longer
 * blocks `volume rm` or makes `rm -v` keep a volume; helpers of live runs, helpers without an owner and the user's
 * own containers are never touched.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { runCli } from '../backup/helpers.js';
import { startCountingProxy } from './counting-proxy.js';
import { given } from './given.js';
import { containerIds, docker, prefix, repoRoot, type TestEngine, volumeNames } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;

/** Starts a process that makes a helper on `volume`, waits for its id, then kills it with SIGKILL. */
async function killedRunLeavesHelper(volume: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'scripts/run-ts.mjs'), join(repoRoot, 'test/engine/fixtures/leave-helper.ts'), engine.host, volume],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } },
  );
  let out = '';
  const id = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^([0-9a-f]{64})\n/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`the run exited (${code}) before making its helper: ${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return id;
}

async function ids(): Promise<string[]> {
  return containerIds(engine);
}

/** A new volume held by the helper of a killed run, which is still there. */
async function leftoverHoldingVolume(tag: string): Promise<{ p: string; vol: string; leftover: string }> {
  const p = prefix(tag);
  const vol = `${p}-data`;
  await given(engine, ['volume', 'create', vol]);
  const leftover = await killedRunLeavesHelper(vol);
  expect(await ids()).toContain(leftover);
  return { p, vol, leftover };
}

test('a helper left by a killed run is swept at start; live and unowned ones and user containers stay', async () => {
  const { p, vol, leftover } = await leftoverHoldingVolume('sw');

  // A helper of a live run (this test process), one without an owner, and a user's container: all kept.
  const other = `${p}-other`;
  await given(engine, ['volume', 'create', other]);
  const live = (
    await docker(engine, [
      'create',
      ...['--label', 'io.lastlook.helper=volume-reader', '--label', `io.lastlook.owner=${hostname()}:${process.pid}`],
      ...['-v', `${other}:/v`, engine.image, 'true'],
    ])
  ).trim();
  const unowned = (
    await docker(engine, [
      'create',
      '--label',
      'io.lastlook.helper=volume-reader',
      '-v',
      `${other}:/v`,
      engine.image,
      'true',
    ])
  ).trim();
  const user = (
    await given(engine, ['create', '--name', `${p}-user`, '-v', `${other}:/v`, engine.image, 'true'])
  ).trim();

  // The leftover held the volume: `docker volume rm` would be refused. After the sweep it is not.
  const r = await runCli(engine, ['plan', '--json', '--', 'docker', 'volume', 'rm', vol]);
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.stdout) as { blocked: unknown; destroy: { volumes: { name: string }[] } };
  expect(plan.blocked).toBeNull();
  expect(plan.destroy.volumes.map((v) => v.name)).toEqual([vol]);
  const now = await ids();
  expect(now).not.toContain(leftover);
  expect(now).toEqual(expect.arrayContaining([live, unowned, user]));
  // The volume the helper held is untouched (the sweep never removes volumes).
  expect(await volumeNames(engine)).toContain(vol);

  await given(engine, ['rm', live, unowned, user]);
  await given(engine, ['volume', 'rm', vol, other]);
});

test("a prune's first read is its disk usage (its container summaries are the list): the sweep happens there too", async () => {
  const { vol, leftover } = await leftoverHoldingVolume('swp');
  // Through a proxy that notes each request: the sweep's list is the disk usage's, not a list filtered for helpers
  // (an /info started beside the disk usage once began the sweep with a list of its own).
  const plan = async () => {
    const proxy = await startCountingProxy(engine);
    const args = ['plan', '--json', '--', 'docker', 'system', 'prune', '--volumes'];
    const run = await runCli({ ...engine, host: proxy.host }, args);
    await proxy.close();
    return { ...run, requests: proxy.requests() };
  };
  const r = await plan();
  expect(r.requests.filter((q) => q.includes('/containers/json?all=1&filters='))).toEqual([]);
  expect(r.requests.filter((q) => q.startsWith('DELETE '))).toEqual([
    expect.stringMatching(new RegExp(`^DELETE /v[0-9.]+/containers/${leftover}\\?force=1&v=0$`)),
  ]);
  // With nothing left to sweep: one disk usage, and it is the container list (no list asked for at all).
  const clean = await plan();
  expect(clean.code).toBe(0);
  expect(clean.requests.filter((q) => q.includes('/system/df'))).toHaveLength(1);
  expect(clean.requests.filter((q) => q.includes('/containers/json'))).toEqual([]);
  expect(clean.requests.filter((q) => q.startsWith('DELETE '))).toEqual([]);
  expect(r.code).toBe(0);
  const planned = JSON.parse(r.stdout) as { destroy: { containers: { id: string }[] } };
  // Swept before the plan was made: not planned for removal by the prune, and gone from the engine.
  expect(planned.destroy.containers.map((c) => c.id)).not.toContain(leftover);
  expect(await ids()).not.toContain(leftover);
  expect(await volumeNames(engine)).toContain(vol);
  await given(engine, ['volume', 'rm', vol]);
});
