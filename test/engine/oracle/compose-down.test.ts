/**
 * Oracle scenarios for `docker compose down` (shared/docker-semantics.md §3.1) on the modern (Docker 26.1.5,
 * Compose v2.26.1) and current (Docker 28.5.2, Compose 2.40.3) private engines: each plans the command with lastlook, runs the real command, reads the engine
 * back, and compares what was destroyed and orphaned, exactly.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { INHERITED_REASON } from '../../../src/core/plan/compose.js';
import { given } from '../given.js';
import { compose as composeSetup, docker, prefix } from '../harness.js';
import { composeOracle, planned, projectDir } from './compose-helpers.js';
import { type OracleResult, prefixScope } from './oracle.js';

/** Compose scenarios run on 26.1.5 (Compose 2.26.1) and 28.5.2 (Compose 2.40.3), each with its own CLI and plugin. */
const composeEngines = inject('allEngines')
  .filter((e) => e.kind !== 'legacy')
  .map((e) => [e.kind, e] as const);
const volumeImage = 'lltest/busybox-vol:1'; // the harness's image with `VOLUME /data`, on every engine
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** db (service anonymous volume /scratch, image VOLUME /data, named dbdata) and web (image VOLUME /data). */
function shop(p: string, extra = ''): string {
  return `name: ${p}
services:
  db:
    image: ${volumeImage}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    volumes:
      - /scratch
      - dbdata:/var/db
  web:
    image: ${volumeImage}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    depends_on: [db]
${extra}volumes:
  dbdata:
`;
}

function newProject(tag: string, yaml: (p: string) => string): { p: string; cwd: string } {
  const p = prefix(tag);
  const cwd = projectDir({ 'compose.yaml': yaml(p) });
  dirs.push(cwd);
  return { p, cwd };
}

const anonOf = (run: OracleResult, container: string) =>
  run.before.containers
    .find((c) => c.name === container)
    ?.mounts.filter((m) => m.type === 'volume' && /^[0-9a-f]{64}$/.test(m.name ?? ''))
    .map((m) => m.name as string) ?? [];

describe.each(composeEngines)('compose down oracle on the %s engine', (kind, modern) => {
  const compose = (cwd: string, args: readonly string[]) => composeSetup(modern, args, { cwd });

  test('fresh project, down without -v: containers and network go, every volume is orphaned', async () => {
    const { p, cwd } = newProject('cd1', (x) => shop(x));
    await compose(cwd, ['up', '-d']);
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down'], scope: prefixScope(p) });
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).networks).toEqual([`${p}_default`]);
    expect(planned(run.plan).volumes).toEqual([]);
    expect(planned(run.plan).orphanVolumes).toHaveLength(4); // db /scratch + /data, web /data, dbdata
    expect(planned(run.plan).orphanVolumes).toContain(`${p}_dbdata`);
  });

  test('fresh project, down -v: anonymous (/scratch unlabeled, image /data) and named volumes are destroyed', async () => {
    const { p, cwd } = newProject('cd2', (x) => shop(x));
    await compose(cwd, ['up', '-d']);
    const scratch = (await docker(modern, ['inspect', `${p}-db-1`, '--format', '{{json .Mounts}}'])).trim();
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) });
    const anon = [...anonOf(run, `${p}-db-1`), ...anonOf(run, `${p}-web-1`)];
    expect(anon).toHaveLength(3);
    expect(planned(run.plan).volumes).toEqual([...anon, `${p}_dbdata`].sort());
    expect(planned(run.plan).orphanVolumes).toEqual([]);
    // The /scratch volume (HostConfig.Mounts, Source "") carries no anonymous label on 26.1.5 (moby#48748); since
    // 27.4 (current, 28.5.2) it does. Either way the plan shows the engine's labels and destroys it.
    const scratchName = (JSON.parse(scratch) as { Name: string; Destination: string }[]).find(
      (m) => m.Destination === '/scratch',
    )?.Name;
    expect(run.plan.destroy.volumes.find((v) => v.name === scratchName)?.labels).toEqual(
      kind === 'current' ? { 'com.docker.volume.anonymous': '' } : {},
    );
    expect(run.plan.destroy.volumes.find((v) => v.name === scratchName)?.anonymous).toBe(true);
  });

  test('after up --force-recreate, down -v orphans the inherited anonymous volumes instead of destroying them', async () => {
    const { p, cwd } = newProject('cd3', (x) => shop(x));
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['up', '-d', '--force-recreate']);
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) });
    const anon = [...anonOf(run, `${p}-db-1`), ...anonOf(run, `${p}-web-1`)].sort();
    expect(anon).toHaveLength(3);
    expect(planned(run.plan).volumes).toEqual([`${p}_dbdata`]);
    expect(planned(run.plan).orphanVolumes).toEqual(anon);
    for (const v of run.plan.orphan.volumes) expect(v.reason).toBe(INHERITED_REASON);
  });

  test('profiles: a profile-disabled service container and its volume are kept, even with --remove-orphans', async () => {
    const tool = `  tool:
    image: ${modern.image}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    profiles: [tools]
    volumes: [toolvol:/t]
`;
    const { p, cwd } = newProject('cd4', (x) =>
      shop(x, tool).replace('volumes:\n  dbdata:\n', 'volumes:\n  dbdata:\n  toolvol:\n'),
    );
    await compose(cwd, ['--profile', 'tools', 'up', '-d']);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v', '--remove-orphans'],
      scope: prefixScope(p),
    });
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).not.toContain(`${p}_toolvol`);
    expect(run.plan.keep.containers.map((c) => c.name)).toEqual([`${p}-tool-1`]);
    // The tool container still runs on the default network, so it stays.
    expect(planned(run.plan).networks).toEqual([]);
    expect(run.plan.keep.networks.map((n) => n.name)).toEqual([`${p}_default`]);
  });

  test('one-off `compose run -d`: kept by down -v, destroyed with its anonymous volume by --remove-orphans', async () => {
    const { p, cwd } = newProject('cd5', (x) => shop(x));
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['run', '-d', '--name', `${p}-run1`, 'web', 'sleep', '3600']);
    const first = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(first.plan.keep.containers.map((c) => c.name)).toEqual([`${p}-run1`]);
    expect(planned(first.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    // The one-off still runs on the default network.
    expect(planned(first.plan).networks).toEqual([]);

    const runAnon = anonOf(first, `${p}-run1`);
    expect(runAnon).toHaveLength(1);
    const second = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v', '--remove-orphans'],
      scope: prefixScope(p),
    });
    expect(planned(second.plan).containers).toEqual([`${p}-run1`]);
    expect(planned(second.plan).volumes).toEqual(runAnon);
    expect(planned(second.plan).networks).toEqual([`${p}_default`]);
  });

  test('orphan service: kept with a warning; --remove-orphans removes it and orphans its anonymous volumes', async () => {
    const { p, cwd } = newProject('cd6', (x) =>
      shop(
        x,
        `  old:\n    image: ${volumeImage}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n    volumes: ["/oldscratch"]\n`,
      ),
    );
    await compose(cwd, ['up', '-d']);
    writeFileSync(join(cwd, 'compose.yaml'), shop(p));
    const first = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(first.plan.keep.containers.map((c) => c.name)).toEqual([`${p}-old-1`]);
    expect(first.plan.warnings.join('\n')).toContain(`Found orphan containers (${p}-old-1)`);
    expect(first.plan.keep.networks.map((n) => n.name)).toEqual([`${p}_default`]);

    const oldAnon = anonOf(first, `${p}-old-1`).sort();
    expect(oldAnon).toHaveLength(2); // /oldscratch and the image's /data
    const second = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v', '--remove-orphans'],
      scope: prefixScope(p),
    });
    expect(planned(second.plan).containers).toEqual([`${p}-old-1`]);
    expect(planned(second.plan).volumes).toEqual([]);
    expect(planned(second.plan).orphanVolumes).toEqual(oldAnon);
    expect(second.plan.orphan.volumes[0]?.reason).toContain('without RemoveVolumes');
  });

  test('external volume is kept; a pre-existing same-name volume is removed by name, with a warning', async () => {
    const p = prefix('cd7');
    await given(modern, ['volume', 'create', `${p}-ext`]);
    await given(modern, ['volume', 'create', `${p}-custom`]);
    const cwd = projectDir({
      'compose.yaml': `name: ${p}
services:
  app:
    image: ${modern.image}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    volumes: ["ext:/ext", "custom:/custom"]
volumes:
  ext:
    external: true
    name: ${p}-ext
  custom:
    name: ${p}-custom
`,
    });
    dirs.push(cwd);
    await compose(cwd, ['up', '-d']);
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) });
    expect(planned(run.plan).volumes).toEqual([`${p}-custom`]);
    expect(planned(run.plan).orphanVolumes).toEqual([`${p}-ext`]);
    expect(run.plan.warnings).toContain(
      `declared volume ${p}-custom was not created by Compose for this project; down -v removes it by name`,
    );
    await given(modern, ['volume', 'rm', `${p}-ext`]);
  });

  test('stale project-labelled volume: kept in file mode, destroyed by label mode (-p NAME down -v, file ignored)', async () => {
    const { p, cwd } = newProject('cd8', (x) => shop(x));
    await docker(modern, [
      'volume',
      'create',
      '--label',
      `com.docker.compose.project=${p}`,
      '--label',
      'com.docker.compose.volume=old',
      `${p}_old`,
    ]);
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['stop']);
    const fileMode = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', '-f', 'compose.yaml', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(planned(fileMode.plan).volumes).toEqual(
      [`${p}_dbdata`, ...anonOf(fileMode, `${p}-db-1`), ...anonOf(fileMode, `${p}-web-1`)].sort(),
    );
    expect(fileMode.plan.keep.volumes.map((v) => v.name)).toContain(`${p}_old`);
    await compose(cwd, ['up', '-d']);
    // Run from the project dir: its compose.yaml must be ignored in label mode.
    const label = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', '-p', p, 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(planned(label.plan).volumes).toContain(`${p}_old`);
    expect(planned(label.plan).volumes).toContain(`${p}_dbdata`);
    expect(label.plan.warnings[0]).toMatch(/^label mode: -p without -f/);

    const { p: p2, cwd: cwd2 } = newProject('cd8b', (x) => shop(x));
    await given(modern, ['volume', 'create', '--label', `com.docker.compose.project=${p2}`, `${p2}_stale`]);
    await compose(cwd2, ['up', '-d']);
    const keepStale = await composeOracle(modern, {
      cwd: cwd2,
      argv: ['docker', 'compose', 'down', '-v'],
      scope: prefixScope(p2),
    });
    expect(planned(keepStale.plan).volumes).not.toContain(`${p2}_stale`);
    expect(keepStale.plan.keep.volumes.map((v) => v.name)).toContain(`${p2}_stale`);
    await given(modern, ['volume', 'rm', `${p2}_stale`]);
  });

  test('SERVICE argument (file mode) removes only that service; the shared network and db volumes stay', async () => {
    const { p, cwd } = newProject('cd9', (x) => shop(x));
    await compose(cwd, ['up', '-d']);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '-v', 'db'],
      scope: prefixScope(p),
    });
    // Engine finding: in file mode the dependent web is NOT removed (the model is reduced to db and its
    // dependencies before the traversal), although WithRootNodesAndDown suggests dependents.
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`]);
    expect(planned(run.plan).networks).toEqual([]);
    expect(run.plan.keep.networks.map((n) => n.name)).toEqual([`${p}_default`]);
  });

  test('SERVICE argument in label mode also removes the dependents; a stopped survivor is warned about', async () => {
    const { p, cwd } = newProject('cd10', (x) =>
      shop(x, `  side:\n    image: ${modern.image}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n`),
    );
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['stop', 'side']);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', '-p', p, 'down', 'db'],
      scope: prefixScope(p),
    });
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).networks).toEqual([`${p}_default`]);
    expect(run.plan.warnings).toContain(
      `${p}-side-1 (exited) is attached to network ${p}_default, which down removes: ${p}-side-1 will no longer start`,
    );
  });

  test('network still used by a running orphan is kept "still in use"', async () => {
    const { p, cwd } = newProject('cd11', (x) =>
      shop(x, `  gone:\n    image: ${modern.image}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n`),
    );
    await compose(cwd, ['up', '-d']);
    writeFileSync(join(cwd, 'compose.yaml'), shop(p));
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down'], scope: prefixScope(p) });
    expect(planned(run.plan).networks).toEqual([]);
    expect(run.plan.keep.networks).toEqual([
      expect.objectContaining({ name: `${p}_default`, reason: `still in use by ${p}-gone-1` }),
    ]);
    await compose(cwd, ['down', '--remove-orphans']);
  });

  test('--rmi all removes the service images no surviving container uses; a shared image is only untagged', async () => {
    const p = prefix('cd12');
    // A unique image (its own ID) from a commit, and a second tag on the shared busybox image.
    await given(modern, ['create', '--name', `${p}-base`, modern.image, 'true']);
    await docker(modern, ['commit', `${p}-base`, `${p}-solo:1`]);
    await given(modern, ['rm', `${p}-base`]);
    await given(modern, ['tag', modern.image, `${p}-shared:1`]);
    const cwd = projectDir({
      'compose.yaml': `name: ${p}
services:
  a:
    image: ${p}-solo:1
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
  b:
    image: ${p}-shared:1
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
`,
    });
    dirs.push(cwd);
    await compose(cwd, ['up', '-d']);
    const idOf = async (ref: string) => (await docker(modern, ['image', 'inspect', ref, '--format', '{{.Id}}'])).trim();
    const soloId = await idOf(`${p}-solo:1`);
    const sharedId = await idOf(`${p}-shared:1`);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '--rmi', 'all'],
      scope: { ...prefixScope(p), image: (id) => id === soloId || id === sharedId },
    });
    expect(planned(run.plan).images).toEqual([soloId]);
    // The shared image keeps lltest/busybox:1: Compose's DELETE of its second tag only untags it, and so does guard.
    expect(run.plan.untag).toEqual([expect.objectContaining({ id: sharedId, refs: [`${p}-shared:1`] })]);
  });
});
