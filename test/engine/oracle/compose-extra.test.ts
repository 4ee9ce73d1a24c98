/**
 * More oracle scenarios for `docker compose down` (shared/docker-semantics.md §3.1) on the modern (Docker 26.1.5,
 * Compose v2.26.1) and current (Docker 28.5.2, Compose 2.40.3) private engines: each plans with lastlook, runs the real command, reads the engine back and
 * compares destroy/orphan exactly (./oracle.ts). Every project gives its default network an explicit subnet: on a
 * machine shared with other private engines the default address pools can all be taken.
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { given } from '../given.js';
import { compose as composeSetup, docker, prefix } from '../harness.js';
import { composeOracle, planned, projectDir } from './compose-helpers.js';
import { dockerCompose, prefixScope, readState } from './oracle.js';

/** Compose scenarios run on 26.1.5 (Compose 2.26.1) and 28.5.2 (Compose 2.40.3), each with its own CLI and plugin. */
const composeEngines = inject('allEngines')
  .filter((e) => e.kind !== 'legacy')
  .map((e) => [e.kind, e] as const);
const volumeImage = 'lltest/busybox-vol:1'; // the harness's image with `VOLUME /data`, on every engine
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const net = () =>
  `networks:\n  default:\n    ipam:\n      config:\n        - subnet: 10.${randomInt(100, 250)}.${randomInt(0, 256)}.0/24\n`;

const svc = (image: string, extra = '') =>
  `    image: ${image}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n${extra}`;

/** db (anonymous /scratch + named dbdata, image VOLUME /data) and web (image VOLUME /data, depends on db). */
function shop(name: string | null, more = '', moreVolumes = ''): string {
  return `${name ? `name: ${name}\n` : ''}services:
  db:
${svc(volumeImage, '    volumes:\n      - /scratch\n      - dbdata:/var/db\n')}  web:
${svc(volumeImage, '    depends_on: [db]\n')}${more}volumes:
  dbdata:
${moreVolumes}${net()}`;
}

function project(tag: string, files: (p: string) => Record<string, string>): { p: string; cwd: string } {
  const p = prefix(tag);
  const cwd = projectDir(files(p));
  dirs.push(cwd);
  return { p, cwd };
}

const anon = (name: string | null) => name !== null && /^[0-9a-f]{64}$/.test(name);

describe.each(composeEngines)('compose down oracle, more scenarios, on the %s engine', (kind, modern) => {
  const compose = (cwd: string, args: readonly string[], env?: Record<string, string>) =>
    composeSetup(modern, args, { cwd, ...(env ? { env } : {}) });

  test('a declared, used volume that does not exist: a warning, nothing to remove, and Compose succeeds', async () => {
    const { p, cwd } = project('cx1', (x) => ({
      'compose.yaml': `name: ${x}
services:
  a:
${svc(modern.image, '    volumes: ["data:/d"]\n')}  b:
${svc(modern.image, '    volumes: ["gone:/g"]\n')}volumes:
  data:
  gone:
${net()}`,
    }));
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['rm', '-s', '-f', 'b']);
    await given(modern, ['volume', 'rm', `${p}_gone`]);
    const run = await composeOracle(modern, { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) });
    expect(run.commandOk).toBe(true);
    expect(planned(run.plan).containers).toEqual([`${p}-a-1`]);
    expect(planned(run.plan).volumes).toEqual([`${p}_data`]);
    expect(planned(run.plan).networks).toEqual([`${p}_default`]);
    expect(run.plan.warnings).toEqual([
      `declared volume ${p}_gone does not exist: down -v has nothing to remove there`,
    ]);
  });

  test('label mode: two volumes sharing the com.docker.compose.volume key, Compose removes exactly one', async () => {
    const { p, cwd } = project('cx2', (x) => ({
      'compose.yaml': `name: ${x}\nservices:\n  app:\n${svc(modern.image)}${net()}`,
    }));
    const pair = [`${p}_data`, `${p}_data2`];
    for (const v of pair) {
      await docker(modern, [
        'volume',
        'create',
        '--label',
        `com.docker.compose.project=${p}`,
        '--label',
        'com.docker.compose.volume=data',
        v,
      ]);
    }
    await compose(cwd, ['up', '-d']);
    // Which one goes depends on the engine's volume list order, which varies between calls: everything else is
    // compared exactly, the pair by count.
    const run = await composeOracle(modern, {
      argv: ['docker', 'compose', '-p', p, 'down', '-v'],
      scope: prefixScope(p),
      unpredictable: pair,
    });
    expect(planned(run.plan).containers).toEqual([`${p}-app-1`]);
    const left = pair.filter((v) => run.after.volumes.includes(v));
    expect(left).toHaveLength(1);
    expect(run.plan.destroy.volumes.map((v) => v.name)).toEqual([`${p}_data2`]);
    expect(run.plan.keep.volumes.map((v) => v.name)).toEqual([`${p}_data`]);
    expect(run.plan.warnings.join('\n')).toContain('removes only ONE of them');
    await given(modern, ['volume', 'rm', ...left]);
  });

  test('--rmi local removes the built image of a service without image:, keeps the named one', async () => {
    const { p, cwd } = project('cx4', (x) => ({
      Dockerfile: `FROM ${modern.image}\nCOPY marker /marker\n`,
      marker: `${x}\n`,
      'compose.yaml': `name: ${x}
services:
  built:
    build: .
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
  named:
${svc(modern.image)}${net()}`,
    }));
    // The classic builder: BuildKit would look the base image up in a registry.
    await compose(cwd, ['build'], { DOCKER_BUILDKIT: '0' });
    await compose(cwd, ['up', '-d']);
    const idOf = async (ref: string) => (await docker(modern, ['image', 'inspect', ref, '--format', '{{.Id}}'])).trim();
    const builtId = await idOf(`${p}-built`);
    const baseId = await idOf(modern.image);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', 'down', '--rmi', 'local'],
      scope: { ...prefixScope(p), image: (id) => id === builtId || id === baseId },
    });
    expect(planned(run.plan).images).toEqual([builtId]);
    expect(planned(run.plan).containers).toEqual([`${p}-built-1`, `${p}-named-1`]);
  });

  test('.env and COMPOSE_FILE, end to end (the same environment for lastlook and docker compose)', async () => {
    const { p, cwd } = project('cx5', (x) => ({
      '.env': `COMPOSE_PROJECT_NAME=${x}\nDATA_NAME=${x}-envdata\n`,
      'base.yml': `services:\n  a:\n${svc(modern.image, '    volumes: ["data:/d"]\n')}volumes:\n  data:\n    name: \${DATA_NAME}\n${net()}`,
      'extra.yml': `services:\n  b:\n${svc(volumeImage)}`,
    }));
    const env = { COMPOSE_FILE: 'base.yml:extra.yml' };
    await compose(cwd, ['up', '-d'], env);
    const run = await composeOracle(modern, {
      cwd,
      env,
      argv: ['docker', 'compose', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(planned(run.plan).containers).toEqual([`${p}-a-1`, `${p}-b-1`]);
    const bAnon = run.before.containers.find((c) => c.name === `${p}-b-1`)?.mounts.find((m) => anon(m.name))?.name;
    expect(planned(run.plan).volumes).toEqual([`${p}-envdata`, bAnon].sort());
    expect(planned(run.plan).networks).toEqual([`${p}_default`]);
  });

  test('the docker-compose spelling (Compose v2 standalone) plans and removes the same', async () => {
    const { p, cwd } = project('cx6', (x) => ({ 'compose.yaml': shop(x) }));
    await dockerCompose(modern, ['up', '-d'], { cwd });
    const run = await composeOracle(modern, { cwd, argv: ['docker-compose', 'down', '-v'], scope: prefixScope(p) });
    expect(run.plan.command).toEqual(['docker-compose', 'down', '-v']);
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toHaveLength(4); // db /scratch + /data, web /data, dbdata
    expect(planned(run.plan).volumes).toContain(`${p}_dbdata`);
  });

  test('-p with -f is file mode with that name: a stale labelled volume stays', async () => {
    const { p, cwd } = project('cx7', () => ({ 'compose.yaml': shop(null) }));
    await docker(modern, [
      'volume',
      'create',
      '--label',
      `com.docker.compose.project=${p}`,
      '--label',
      'com.docker.compose.volume=old',
      `${p}_old`,
    ]);
    await compose(cwd, ['-p', p, '-f', 'compose.yaml', 'up', '-d']);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', '-p', p, '-f', 'compose.yaml', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(run.plan.warnings).toEqual([]);
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toContain(`${p}_dbdata`);
    expect(planned(run.plan).volumes).not.toContain(`${p}_old`);
    expect(run.plan.keep.volumes.map((v) => v.name)).toEqual([`${p}_old`]);
    await given(modern, ['volume', 'rm', `${p}_old`]);
  });

  test('--profile enables the profiled service: its container, its volume and the network go', async () => {
    const tool = `  tool:\n${svc(modern.image, '    profiles: [tools]\n    volumes: [toolvol:/t]\n')}`;
    const { p, cwd } = project('cx8', (x) => ({ 'compose.yaml': shop(x, tool, '  toolvol:\n') }));
    await compose(cwd, ['--profile', 'tools', 'up', '-d']);
    const run = await composeOracle(modern, {
      cwd,
      argv: ['docker', 'compose', '--profile', 'tools', 'down', '-v'],
      scope: prefixScope(p),
    });
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-tool-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toContain(`${p}_toolvol`);
    expect(planned(run.plan).networks).toEqual([`${p}_default`]);
    expect(run.plan.keep.containers).toEqual([]);
    expect((await readState(modern)).containers.filter((c) => c.name.startsWith(p))).toEqual([]);
  });

  // Compose 2.26.1 fails here; since 2.27.0 (5059a1d7b) label mode drops a dependency without a container, and
  // Compose 2.40.3 (current) takes web down. The planner follows the installed Compose's version.
  test('label mode, a dependency without a container: Compose 2.26.1 fails (blocked), 2.40.3 takes the rest down', async () => {
    const { p, cwd } = project('cx3', (x) => ({ 'compose.yaml': shop(x) }));
    await compose(cwd, ['up', '-d']);
    await given(modern, ['rm', '-f', `${p}-db-1`]);
    const run = await composeOracle(
      modern,
      { argv: ['docker', 'compose', '-p', p, 'down', '-v'], scope: prefixScope(p) },
      'newest',
    );
    if (kind === 'modern') {
      expect(run.plan.blocked?.reason).toContain('could not find db');
      expect(run.commandOk).toBe(false);
      expect(run.commandError).toMatch(/not found/);
      expect(run.destroyed).toEqual({ containers: [], volumes: [], networks: [], images: [] });
      expect(run.after.containers.filter((c) => c.name.startsWith(p)).map((c) => c.name)).toEqual([`${p}-web-1`]);
      await compose(cwd, ['down', '-v']);
    } else {
      expect(run.plan.blocked).toBeNull();
      expect(run.commandOk).toBe(true);
      expect(planned(run.plan).containers).toEqual([`${p}-web-1`]);
      expect(planned(run.plan).volumes).toContain(`${p}_dbdata`);
    }
  });

  test('label mode, only a SERVICE without a container: Compose 2.26.1 takes the whole project down, 2.40.3 nothing', async () => {
    const { p, cwd } = project('cx9', (x) => ({ 'compose.yaml': shop(x) }));
    await compose(cwd, ['up', '-d']);
    const run = await composeOracle(
      modern,
      { argv: ['docker', 'compose', '-p', p, 'down', 'nope'], scope: prefixScope(p) },
      'newest',
    );
    if (kind === 'modern') {
      expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    } else {
      expect(run.destroyed).toEqual({ containers: [], volumes: [], networks: [], images: [] });
      expect(run.plan.warnings).toContain(
        `Any of the services [nope] not running in project "${p}": Compose does nothing`,
      );
      await compose(cwd, ['down', '-v']);
    }
  });

  test('an exited one-off of a service not taken down: --remove-orphans keeps it on 2.26.1, removes it on 2.40.3', async () => {
    const { p, cwd } = project('cx10', (x) => ({ 'compose.yaml': shop(x) }));
    await compose(cwd, ['up', '-d']);
    await compose(cwd, ['run', '-d', '--name', `${p}-run1`, 'web', 'sleep', '3600']);
    await docker(modern, ['stop', `${p}-run1`]);
    const run = await composeOracle(
      modern,
      {
        cwd,
        argv: ['docker', 'compose', 'down', '--remove-orphans', 'db'],
        scope: prefixScope(p),
      },
      'newest',
    );
    expect(planned(run.plan).containers).toEqual(kind === 'modern' ? [`${p}-db-1`] : [`${p}-db-1`, `${p}-run1`]);
    await compose(cwd, ['down', '-v', '--remove-orphans']);
  });
});
