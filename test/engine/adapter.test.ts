import { describe, expect, inject, test } from 'vitest';
import { compareVersions } from '../../src/core/plan/engine-version.js';
import { CLIENT_MAX_API } from '../../src/docker/api-version.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { isDockerError } from '../../src/docker/errors.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('allEngines');

describe.each(engines.map((e) => [e.kind, e] as const))('dockerode adapter on the %s engine', (_kind, engine) => {
  const port = () => connect(resolveConnection({ host: engine.host, env: {} }));

  test('reports the engine version and negotiated API', async () => {
    const info = await port().engineInfo();
    expect(info.version).toBe(engine.version);
    // The docker CLI's negotiation: the engine's API version, or ours when the engine's is newer (28.5.2: 1.51).
    expect(info.apiVersion).toBe(
      compareVersions(engine.apiVersion, CLIENT_MAX_API) < 0 ? engine.apiVersion : CLIENT_MAX_API,
    );
    expect(info.host).toBe(engine.host);
    console.log(`adapter: Docker Engine ${info.version}, API ${info.apiVersion} (engine max ${info.maxApiVersion})`);
  });

  test('lists a container the test created, with its mounts', async () => {
    const p = prefix('ad');
    await given(engine, ['volume', 'create', `${p}-named`]);
    const id = (
      await docker(engine, [
        'create',
        '--name',
        `${p}-c`,
        '-v',
        `${p}-named:/named`,
        '-v',
        '/anon',
        engine.image,
        'true',
      ])
    ).trim();
    const list = await port().listContainers();
    const c = list.find((x) => x.id === id);
    expect(c?.name).toBe(`${p}-c`);
    expect(c?.state).toBe('created');
    expect(c?.mounts.map((m) => m.destination).sort()).toEqual(['/anon', '/named']);
    expect(c?.mounts.find((m) => m.destination === '/named')?.name).toBe(`${p}-named`);
    console.log(`adapter on ${engine.version}: listed container ${c?.name} (${c?.state})`);

    const inspected = await port().inspectContainer(`${p}-c`, { size: true });
    expect([...(inspected.spec?.binds ?? [])].sort()).toEqual([`${p}-named:/named`]);
    expect(inspected.spec?.configVolumes).toEqual(['/anon']);
    expect(inspected.sizeRw).toBe(0);
    await given(engine, ['rm', '-v', id]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test("network endpoints from the container list equal each network's inspect (running, paused, created, exited)", async () => {
    const p = prefix('ne');
    await given(engine, ['network', 'create', `${p}-n`]);
    await given(engine, ['network', 'create', `${p}-idle`]);
    const names = ['run', 'pause', 'created', 'exited'].map((s) => `${p}-${s}`);
    await given(engine, ['run', '-d', '--name', `${p}-run`, '--network', `${p}-n`, engine.image, 'sleep', '600']);
    await given(engine, ['run', '-d', '--name', `${p}-pause`, '--network', `${p}-n`, engine.image, 'sleep', '600']);
    await given(engine, ['pause', `${p}-pause`]);
    await given(engine, ['create', '--name', `${p}-created`, '--network', `${p}-n`, engine.image, 'true']);
    await given(engine, ['run', '--name', `${p}-exited`, '--network', `${p}-n`, engine.image, 'true']);
    try {
      const a = port();
      const containers = await a.listContainers();
      const mine = (list: Awaited<ReturnType<typeof a.listNetworks>>) =>
        list
          .filter((n) => n.name.startsWith(p))
          .map((n) => ({ name: n.name, endpoints: [...(n.endpoints ?? [])].sort() }))
          .sort((x, y) => x.name.localeCompare(y.name));
      const fromList = mine(await a.listNetworks({ containers }));
      const fromInspect = mine(await port().listNetworks());
      expect(fromList).toEqual(fromInspect);
      const idOf = (name: string) => containers.find((c) => c.name === name)?.id;
      expect(fromList.find((n) => n.name === `${p}-n`)?.endpoints).toEqual(
        [idOf(`${p}-run`), idOf(`${p}-pause`)].sort(),
      );
      expect(fromList.find((n) => n.name === `${p}-idle`)?.endpoints).toEqual([]);
    } finally {
      await given(engine, ['rm', '-f', ...names]);
      await docker(engine, ['network', 'rm', `${p}-n`, `${p}-idle`]);
    }
  });

  test('changes are [] for a fresh container (the engine answers null)', async () => {
    const p = prefix('ch');
    const id = (await given(engine, ['create', '--name', `${p}-c`, engine.image, 'true'])).trim();
    expect(await port().containerChanges(id)).toEqual([]);
    await given(engine, ['rm', id]);
  });

  test('a missing container is a not-found DockerError', async () => {
    const err = await port()
      .inspectContainer('no-such-container-xyz')
      .catch((e: unknown) => e);
    expect(isDockerError(err, 'not-found')).toBe(true);
  });
});

test('an absent socket is an unreachable DockerError naming it', async () => {
  const err = await connect(resolveConnection({ host: 'unix:///nonexistent.sock', env: {} }))
    .engineInfo()
    .catch((e: unknown) => e);
  expect(isDockerError(err, 'unreachable')).toBe(true);
  expect((err as Error).message).toContain('/nonexistent.sock');
});
