/**
 * Measurement for issue 16: can a recorded `docker compose down` replace Compose's model? Each scenario records
 * the command through the recording endpoint (src/docker/intent-client.ts), then runs it for real, and compares
 * what the recording asked to remove with what the engine lost. Finding (Compose 2.26.1 and 2.40.3): the recording
 * names the containers and the named volumes exactly, but never the project's networks: Compose inspects each
 * network before removing it, sees the containers still attached (their removal was answered, not done) and skips
 * it ("Resource is still in use"). So compose down is planned from Compose's own model (src/compose), not from a
 * recording; docs/oracle-coverage.md has the figures.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { parseRequest } from '../../src/core/client-intent.js';
import { askClient } from '../../src/docker/intent-client.js';
import { compose, docker, engineEnv, prefix, type TestEngine } from './harness.js';
import { projectDir } from './oracle/compose-helpers.js';
import { readState } from './oracle/oracle.js';

const engines = inject('allEngines').filter((e) => e.kind !== 'legacy');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const yaml = (image: string) =>
  `services:\n  app:\n    image: ${image}\n    command: sleep 600\n    volumes: [db:/db, /cache]\n    networks: [back]\n  side:\n    image: ${image}\n    command: sleep 600\nvolumes:\n  db: {}\nnetworks:\n  back: {}\n`;

/** What a recording asked to remove, by name (containers by ID are mapped to names through `names`). */
function recorded(writes: readonly { method: string; url: string }[], names: Map<string, string>) {
  const out = { containers: [] as string[], volumes: [] as string[], networks: [] as string[] };
  for (const w of writes.map(parseRequest)) {
    if (w.method !== 'DELETE') continue;
    const [, kind, id] = w.path.split('/');
    const name = decodeURIComponent(id ?? '');
    if (kind === 'containers') out.containers.push(names.get(name) ?? name);
    if (kind === 'volumes') out.volumes.push(name);
    if (kind === 'networks') out.networks.push(names.get(name) ?? name);
  }
  return { containers: out.containers.sort(), volumes: out.volumes.sort(), networks: out.networks.sort() };
}

describe.each(engines.map((e) => [e.kind, e] as const))('recorded compose down on %s', (_kind, engine: TestEngine) => {
  test.each([{ args: ['down', '-v'] }, { args: ['down'] }])('docker compose $args', async ({ args }) => {
    const p = prefix('icd');
    const cwd = projectDir({ 'compose.yaml': yaml(engine.image) });
    dirs.push(cwd);
    await compose(engine, ['-p', p, 'up', '-d'], { cwd });
    const before = await readState(engine);
    const names = new Map<string, string>([
      ...before.containers.map((c) => [c.id, c.name] as [string, string]),
      ...before.networks.map((n) => [n.id, n.name] as [string, string]),
    ]);
    const argv = ['docker', 'compose', '-p', p, ...args];
    const run = await askClient({ argv, host: engine.host, tls: null, env: engineEnv(engine), cwd, timeoutMs: 60_000 });
    expect(run.kind).toBe('ran');
    if (run.kind !== 'ran') return;
    const intent = recorded(run.writes, names);
    // Nothing was removed by the recording (this project's containers: other files share the engine).
    const ours = (s: { containers: readonly { id: string; name: string }[] }) =>
      s.containers
        .filter((c) => c.name.startsWith(p))
        .map((c) => c.id)
        .sort();
    expect(ours(await readState(engine))).toEqual(ours(before));
    await docker(engine, argv.slice(1), { cwd });
    const after = await readState(engine);
    const gone = <T>(xs: readonly T[], key: (x: T) => string, ys: readonly T[]) =>
      xs
        .filter((x) => key(x).startsWith(p) && !ys.some((y) => key(y) === key(x)))
        .map(key)
        .sort();
    const actual = {
      containers: gone(before.containers, (c) => c.name, after.containers),
      volumes: gone(before.volumes, (v) => v, after.volumes),
      networks: gone(before.networks, (n) => n.name, after.networks),
    };
    expect(intent.containers).toEqual(actual.containers);
    expect(intent.volumes).toEqual(actual.volumes);
    // The recording misses the project network that the real command removes.
    expect(actual.networks).toEqual([`${p}_back`, `${p}_default`]);
    expect(intent.networks).toEqual([]);
    expect(run.stderr).toMatch(/Resource is still in use/);
  });
});
