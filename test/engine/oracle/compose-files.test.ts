/**
 * Compose files as Compose reads them: YAML merge keys, `include:`, `extends:` (same file and another file),
 * `!reset` / `!override` in an override file, and Compose's project-name rules. Each scenario runs on every engine
 * with Compose (26.1.5 + Compose 2.26.1, 28.5.2 + Compose 2.40.3) and on both of lastlook's paths: the built-in
 * loader plans first (no Compose on its PATH; it must give the same verdict, or refuse with exit 2 naming the key),
 * then the oracle plans through Compose (`docker compose … config --format json`), runs the real command and reads
 * the engine back (./oracle.ts).
 */
import { randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { Plan } from '../../../src/core/plan/types.js';
import { compose as composeSetup, docker, prefix } from '../harness.js';
import { composeOracle, pathEnv, planned, projectDir, verdict } from './compose-helpers.js';
import { type OracleOptions, type OracleResult, oracle, prefixScope, readState, runLastlook } from './oracle.js';

const engines = inject('allEngines').filter((e) => e.kind !== 'legacy');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const net = () =>
  `networks:\n  default:\n    ipam:\n      config:\n        - subnet: 10.${randomInt(100, 250)}.${randomInt(0, 256)}.0/24\n`;

describe.each(engines.map((e) => [`${e.kind} ${e.version}`, e] as const))('compose files (%s)', (_, engine) => {
  const compose = (cwd: string, args: readonly string[]) => composeSetup(engine, args, { cwd });
  const svc = (extra = '', image = engine.volumeImage) =>
    `    image: ${image}\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n${extra}`;
  const project = (tag: string, files: (p: string) => Record<string, string>) => {
    const p = prefix(tag);
    const cwd = projectDir(files(p));
    dirs.push(cwd);
    return { p, cwd };
  };

  /** The built-in loader's plan (no Compose found), without running anything. */
  async function builtinPlan(argv: readonly string[], cwd: string) {
    return runLastlook(engine, ['plan', '--json', '--', ...argv], { cwd, env: pathEnv(engine, 'builtin') });
  }
  const bothPaths = (opts: OracleOptions, builtin: string) => composeOracle(engine, opts, builtin);

  const anonOf = (run: OracleResult, container: string) =>
    run.before.containers
      .find((c) => c.name === container)
      ?.mounts.filter((m) => m.type === 'volume' && /^[0-9a-f]{64}$/.test(m.name ?? ''))
      .map((m) => m.name as string) ?? [];

  test('YAML merge keys (<<: *app): both services get the anchor volume; both paths agree', async () => {
    const { p, cwd } = project('cf1', (x) => ({
      'compose.yaml': `name: ${x}
x-app: &app
${svc('    volumes: ["shared:/s"]\n').replace(/^ {4}/gm, '  ')}services:
  db:
    <<: *app
  web:
    <<: *app
    depends_on: [db]
volumes:
  shared:
  spare:
${net()}`,
    }));
    await compose(cwd, ['up', '-d']);
    const run = await bothPaths({ cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) }, 'same');
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toEqual(
      [`${p}_shared`, ...anonOf(run, `${p}-db-1`), ...anonOf(run, `${p}-web-1`)].sort(),
    );
  });

  test('include: the included file brings a service and its volume; the built-in loader refuses', async () => {
    const { p, cwd } = project('cf2', (x) => ({
      'compose.yaml': `name: ${x}\ninclude:\n  - lib.yaml\nservices:\n  web:\n${svc('    depends_on: [db]\n', engine.image)}${net()}`,
      'lib.yaml': `services:\n  db:\n${svc('    volumes: ["dbdata:/var/db"]\n')}volumes:\n  dbdata:\n`,
    }));
    await compose(cwd, ['up', '-d']);
    const run = await bothPaths(
      { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) },
      'the top-level key "include:"',
    );
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toEqual([`${p}_dbdata`, ...anonOf(run, `${p}-db-1`)].sort());
  });

  test('extends, in the same file and from another file: the inherited volumes go; the built-in loader refuses', async () => {
    const { p, cwd } = project('cf3', (x) => ({
      'compose.yaml': `name: ${x}
services:
  base:
${svc('    volumes: ["basevol:/b"]\n', engine.image)}  web:
    extends: base
  api:
    extends:
      file: common.yaml
      service: worker
volumes:
  basevol:
  workvol:
${net()}`,
      'common.yaml': `services:\n  worker:\n${svc('    volumes: ["workvol:/w"]\n', engine.image)}`,
    }));
    await compose(cwd, ['up', '-d']);
    const run = await bothPaths(
      { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) },
      '"services.web.extends:"',
    );
    expect(planned(run.plan).containers).toEqual([`${p}-api-1`, `${p}-base-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toEqual([`${p}_basevol`, `${p}_workvol`]);
  });

  test('!reset and !override in compose.override.yaml: the volumes they drop are kept (orphaned), not destroyed', async () => {
    const { p, cwd } = project('cf4', (x) => ({
      'compose.yaml': `name: ${x}
services:
  db:
${svc('    volumes: ["dbdata:/var/db"]\n', engine.image)}  web:
${svc('    volumes: ["webdata:/w"]\n', engine.image)}volumes:
  dbdata:
  webdata:
${net()}`,
    }));
    await compose(cwd, ['-f', 'compose.yaml', 'up', '-d']);
    writeFileSync(
      join(cwd, 'compose.override.yaml'),
      'services:\n  db:\n    volumes: !reset []\n  web:\n    volumes: !override ["/anonw"]\n',
    );
    const run = await bothPaths(
      { cwd, argv: ['docker', 'compose', 'down', '-v'], scope: prefixScope(p) },
      '!reset at services.db.volumes',
    );
    expect(planned(run.plan).containers).toEqual([`${p}-db-1`, `${p}-web-1`]);
    expect(planned(run.plan).volumes).toEqual([]);
    expect(planned(run.plan).orphanVolumes).toEqual([`${p}_dbdata`, `${p}_webdata`]);
  });

  test('-p with capitals: refused with -f (every version); in label mode Compose 2.26.1 refuses, 2.40.3 lower-cases it', async () => {
    const { p, cwd } = project('cf5', (x) => ({
      'compose.yaml': `name: ${x}\nservices:\n  app:\n${svc('    volumes: ["data:/d"]\n')}volumes:\n  data:\n${net()}`,
    }));
    await compose(cwd, ['up', '-d']);
    const upper = p.toUpperCase();
    const message = `invalid project name "${upper}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`;
    const version = (await docker(engine, ['compose', 'version', '--short'])).trim();

    // With -f, Compose loads the files and always refuses the name; so do both of lastlook's paths.
    const withFile = ['docker', 'compose', '-p', upper, '-f', 'compose.yaml', 'down', '-v'];
    for (const path of ['compose', 'builtin'] as const) {
      const r = await runLastlook(engine, ['plan', '--json', '--', ...withFile], { cwd, env: pathEnv(engine, path) });
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toContain(message);
    }
    await expect(docker(engine, withFile.slice(1), { cwd })).rejects.toThrow(message);

    // Label mode (-p without -f).
    const labelMode = ['docker', 'compose', '-p', upper, 'down', '-v'];
    const builtin = await builtinPlan(labelMode, cwd);
    expect(builtin.code).toBe(0);
    expect((JSON.parse(builtin.stdout) as Plan).warnings).toContain(
      `Compose is not installed here: Compose before 2.27.2 refuses -p ${upper} ("invalid project name"); later ` +
        `versions take down project "${p}", as shown`,
    );
    if (version.startsWith('2.26.')) {
      const before = await readState(engine);
      const r = await runLastlook(engine, ['plan', '--json', '--', ...labelMode], {
        cwd,
        env: pathEnv(engine, 'compose'),
      });
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toContain(`docker compose would fail: ${message}`);
      await expect(docker(engine, labelMode.slice(1), { cwd })).rejects.toThrow(message);
      const after = await readState(engine);
      const mine = (s: typeof before) => s.containers.filter((c) => c.name.startsWith(p)).map((c) => c.id);
      expect(mine(after)).toEqual(mine(before));
      expect(mine(after)).toHaveLength(1);
      await compose(cwd, ['down', '-v']);
    } else {
      const run = await oracle(engine, {
        cwd,
        argv: labelMode,
        env: pathEnv(engine, 'compose'),
        scope: prefixScope(p),
      });
      expect(run.plan.warnings).toContain(
        `Compose ${version.split('-')[0]} does not check -p ${upper} in label mode: it takes down project "${p}"`,
      );
      expect(planned(run.plan).containers).toEqual([`${p}-app-1`]);
      expect(planned(run.plan).volumes).toContain(`${p}_data`);
      expect(verdict(JSON.parse(builtin.stdout) as Plan)).toEqual(verdict(run.plan));
    }
  });
});
