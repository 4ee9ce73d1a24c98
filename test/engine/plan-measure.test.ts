/**
 * measurePlan (src/docker/snapshot.ts) on the private engines: the sizes it reads in bulk (one GET /system/df, the
 * data root's log files) are the ones the per-container calls give, and change counts are exact up to the limit and
 * null above it, with the planner's warning.
 */
import { statSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import { parseDockerCommand } from '../../src/core/command-line.js';
import { containersToInspect, donorsOf, planCommand } from '../../src/core/plan/index.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { measurePlan, readSnapshot, snapshotNeeds } from '../../src/docker/snapshot.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('engines');

describe.each(engines.map((e) => [e.kind, e] as const))('measurePlan on the %s engine', (_kind, engine) => {
  const port = () => connect(resolveConnection({ host: engine.host, env: {} }));

  test('per-container and bulk measures agree; changes exact up to the limit, null above it', async () => {
    const p = prefix('pm');
    await given(engine, ['volume', 'create', `${p}-vol`]);
    // A ran: 3,000 bytes and a directory in its writable layer, 5,000 bytes in its named volume, one log line.
    await docker(engine, [
      'run',
      '--name',
      `${p}-a`,
      '--label',
      p,
      '--network',
      'none',
      '-v',
      '/anon',
      '-v',
      `${p}-vol:/named`,
      engine.image,
      'sh',
      '-c',
      'head -c 3000 /dev/zero >/f; mkdir /d; touch /d/1; head -c 5000 /dev/zero >/named/g; echo logged',
    ]);
    // B never started: no log file, nothing written.
    await given(engine, ['create', '--name', `${p}-b`, '--label', p, '--network', 'none', engine.image, 'true']);
    const real = port();
    const inspectedA = await real.inspectContainer(`${p}-a`, { size: true });
    const changesA = await real.containerChanges(`${p}-a`);
    const logA = statSync(inspectedA.spec?.logPath as string).size;
    expect(logA).toBeGreaterThan(0);

    const parsed = parseDockerCommand(['docker', 'rm', '-v', `${p}-a`, `${p}-b`]);
    const snapshot = await readSnapshot(real, {
      configDir: engine.configDir,
      inspect: (listed) => containersToInspect(listed, parsed),
      donors: donorsOf,
      needs: snapshotNeeds(parsed),
    });
    const first = planCommand(snapshot, parsed);
    const exact = await measurePlan(real, snapshot, first);
    const bulk = await measurePlan(real, snapshot, first, { exactChangesMax: 1 });
    const idA = inspectedA.id;
    const idB = snapshot.containers.find((c) => c.name === `${p}-b`)?.id as string;

    expect(exact.containers[idA]).toEqual({ sizeRw: inspectedA.sizeRw, changes: changesA.length, logBytes: logA });
    expect(exact.containers[idB]).toEqual({ sizeRw: 0, changes: 0, logBytes: 0 });
    expect(inspectedA.sizeRw).toBeGreaterThanOrEqual(3000);
    // Above the limit: the same bytes from /system/df and the data root, no change counts.
    expect(bulk.containers[idA]).toEqual({ sizeRw: inspectedA.sizeRw, changes: null, logBytes: logA });
    expect(bulk.containers[idB]).toEqual({ sizeRw: 0, changes: null, logBytes: 0 });
    expect(bulk.volumes).toEqual(exact.volumes);
    expect(exact.volumes[`${p}-vol`]).toBe(5000);

    const planned = planCommand(snapshot, parsed, { sizes: bulk });
    expect(planned.destroy.containers.map((c) => c.writableLayer.changes)).toEqual([null, null]);
    // Two containers are under the real limit (50): the planner does not warn about these nulls.
    expect(planned.warnings.join('\n')).not.toMatch(/change counts/);

    // A prune reads /system/df together with the snapshot: the same numbers.
    const prune = parseDockerCommand(['docker', 'container', 'prune', '--filter', `label=${p}`]);
    const pruneSnapshot = await readSnapshot(real, { configDir: engine.configDir, needs: snapshotNeeds(prune) });
    const prunePlan = planCommand(pruneSnapshot, prune);
    expect(prunePlan.destroy.containers.map((c) => c.name).sort()).toEqual([`${p}-a`, `${p}-b`]);
    const pruneSizes = await measurePlan(real, pruneSnapshot, prunePlan);
    expect(pruneSizes.containers[idA]).toEqual(exact.containers[idA]);
    expect(pruneSizes.volumes[`${p}-vol`]).toBe(5000);

    // B removed (by anyone) between the snapshot and the measure: its figures are unknown, the measure still ends.
    await given(engine, ['rm', `${p}-b`]);
    const afterRemoval = await measurePlan(real, snapshot, first);
    expect(afterRemoval.containers[idB]).toEqual({ sizeRw: null, changes: null, logBytes: 0 });
    expect(afterRemoval.containers[idA]).toEqual(exact.containers[idA]);

    await given(engine, ['rm', '-v', `${p}-a`]);
    await given(engine, ['volume', 'rm', `${p}-vol`]);
  });
});
