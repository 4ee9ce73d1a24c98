/**
 * The execution oracle (issue 16): what lastlook itself removes is compared with what docker removes. For each
 * family, the same state is built on two private engines of the same version; `lastlook guard --yes -- <cmd>`
 * runs on one and the real `docker <cmd>` on the other; then both engines must hold the same containers (name and
 * state), volumes, networks and images (each reference, and how many untagged images remain). Prunes are global,
 * so each kind's file (current, modern, legacy) starts its own pair of engines and empties them before every scenario.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { docker, type EngineKind, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { buildCache, buildxConfig } from '../oracle/build-cache.js';
import { runLastlook } from '../oracle/oracle.js';
import { reset } from '../oracle/prune-helpers.js';

const lines = (s: string) => s.split('\n').filter(Boolean).sort();

/** What a user would compare: everything by name, never by ID (the two engines give different IDs). */
async function state(e: TestEngine) {
  const [containers, volumes, networks, images, cache] = await Promise.all([
    docker(e, ['ps', '-a', '--format', '{{.Names}} {{.State}}']),
    docker(e, ['volume', 'ls', '--format', '{{.Name}}']),
    docker(e, ['network', 'ls', '--format', '{{.Name}}']),
    docker(e, ['image', 'ls', '-a', '--format', '{{.Repository}}:{{.Tag}}']),
    buildCache(e),
  ]);
  const refs = lines(images);
  return {
    containers: lines(containers),
    volumes: lines(volumes).filter((v) => !/^[0-9a-f]{64}$/.test(v)),
    anonymousVolumes: lines(volumes).filter((v) => /^[0-9a-f]{64}$/.test(v)).length,
    networks: lines(networks),
    images: refs.filter((r) => r !== '<none>:<none>'),
    untaggedImages: refs.filter((r) => r === '<none>:<none>').length,
    // Build cache records differ in ID between engines: compared by type and whether an image shares them.
    buildCache: cache.map((b) => `${b.type}${b.shared ? ' shared' : ''}`).sort(),
  };
}

/** The scenario's state: containers in every state, anonymous and named volumes, networks, multi-tagged images. */
async function build(e: TestEngine): Promise<void> {
  const img = e.image;
  await docker(e, ['network', 'create', 'net-used']);
  await docker(e, ['network', 'create', 'net-idle']);
  await docker(e, ['network', 'create', '--label', 'x=1', 'net-labelled']);
  await docker(e, ['volume', 'create', 'named']);
  await docker(e, ['volume', 'create', '--label', 'keep=1', 'kept']);
  await docker(e, ['volume', 'create', 'loose']);
  // An image of its own, tagged in several repositories and used by nothing.
  await docker(e, ['create', '--name', 'seed', img, 'true']);
  await docker(e, ['commit', 'seed', 'multi/one:a']);
  await docker(e, ['tag', 'multi/one:a', 'multi/two:b']);
  await docker(e, ['tag', 'multi/one:a', 'multi/one:c']);
  await docker(e, ['rm', 'seed']);
  await docker(e, ['create', '--name', 'created', '-v', '/anon', '-v', 'named:/n', img, 'true']);
  await docker(e, ['run', '--name', 'exited', '-v', '/anon', '--network', 'net-labelled', img, 'true']);
  await docker(e, ['run', '-d', '--name', 'running', '-v', '/anon', '--network', 'net-used', img, 'sleep', '600']);
  await docker(e, ['run', '-d', '--name', 'paused', '-v', '/anon', e.volumeImage, 'sleep', '600']);
  await docker(e, ['pause', 'paused']);
}

/**
 * Images with parents, as the legacy builder makes them (DOCKER_BUILDKIT=0: one image per step, each the parent of
 * the next): app:1 built twice with a changed last step, so the first build is a dangling image whose untagged
 * parents branch off the second's; the second also tagged app:extra and used by a running container.
 */
async function buildLegacyImages(e: TestEngine): Promise<void> {
  const dockerfile = (last: string) =>
    `FROM ${e.image}\nRUN echo one > /one\nENV STEP=two\nRUN echo two > /two\nRUN echo ${last} > /last\n`;
  const build = (last: string) =>
    docker(e, ['build', '--network', 'none', '-q', '-t', 'legacy/app:1', '-'], {
      input: dockerfile(last),
      env: { DOCKER_BUILDKIT: '0' },
    });
  await build('first');
  await build('second');
  await docker(e, ['tag', 'legacy/app:1', 'legacy/app:extra']);
  await docker(e, ['run', '-d', '--name', 'app-user', '--network', 'none', 'legacy/app:extra', 'sleep', '600']);
}

/**
 * BuildKit cache (buildx, a CLI config of the engine's own): a build whose image stays, so its records are shared,
 * and one whose image is removed. The same content on both engines, so the same records.
 */
async function buildCacheRecords(e: TestEngine): Promise<void> {
  const dir = join(e.dir, 'exec-cache');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  const files: Record<string, string> = {
    'a.txt': 'a\n',
    'b.txt': 'b\n',
    'c.txt': 'c\n',
    K1: 'FROM scratch\nCOPY a.txt /a\nCOPY b.txt /b\n',
    K2: 'FROM scratch\nCOPY c.txt /c\n',
  };
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));
  const bx = { cwd: dir, env: { DOCKER_CONFIG: buildxConfig(e) } };
  await docker(e, ['buildx', 'build', '-q', '-f', 'K1', '-t', 'cache/kept:1', '.'], bx);
  await docker(e, ['buildx', 'build', '-q', '-f', 'K2', '-t', 'cache/gone:1', '.'], bx);
  await docker(e, ['rmi', 'cache/gone:1']);
}

interface Scenario {
  readonly argv: readonly string[];
  readonly kinds?: readonly EngineKind[];
  readonly env?: Record<string, string>;
  /** Also build the legacy builder's images (buildLegacyImages). */
  readonly legacyImages?: boolean;
  /** Also make BuildKit cache records (buildCacheRecords). */
  readonly buildCache?: boolean;
}

const scenarios: Record<string, Scenario> = {
  'rm -v of an exited container': { argv: ['docker', 'rm', '-v', 'exited'] },
  'rm -f of a running and a paused container': { argv: ['docker', 'rm', '-f', 'running', 'paused'] },
  'rm -fv of running, paused and created containers': {
    argv: ['docker', 'rm', '-fv', 'running', 'paused', 'created'],
  },
  'volume rm of free volumes': { argv: ['docker', 'volume', 'rm', 'kept', 'loose'] },
  'volume prune': { argv: ['docker', 'volume', 'prune', '-f'] },
  'volume prune -a --filter label!=keep': {
    argv: ['docker', 'volume', 'prune', '-af', '--filter', 'label!=keep'],
    kinds: ['current', 'modern'],
  },
  'container prune': { argv: ['docker', 'container', 'prune', '-f'] },
  'system prune -a (a multi-tagged image)': { argv: ['docker', 'system', 'prune', '-af'] },
  'system prune -a --volumes': { argv: ['docker', 'system', 'prune', '-af', '--volumes'] },
  'system prune --filter label=x=1': { argv: ['docker', 'system', 'prune', '-f', '--filter', 'label=x=1'] },
  'system prune (a dangling legacy-built image and its untagged parents)': {
    argv: ['docker', 'system', 'prune', '-f'],
    legacyImages: true,
  },
  'system prune -a (legacy-built parents; a multi-tagged image in use loses all but its last tag)': {
    argv: ['docker', 'system', 'prune', '-af'],
    legacyImages: true,
  },
  // Issue 10's families: networks of stopped containers go; unused images, the multi-tagged one by each reference.
  'network prune': { argv: ['docker', 'network', 'prune', '-f'] },
  'image prune -a': { argv: ['docker', 'image', 'prune', '-af'] },
  // The build cache: the default builder prune keeps the records an image shares; system prune -a takes them all.
  'builder prune (records an image shares stay)': { argv: ['docker', 'builder', 'prune', '-f'], buildCache: true },
  'system prune -a (the build cache too)': { argv: ['docker', 'system', 'prune', '-af'], buildCache: true },
};

/** Defines the scenarios on two own engines of `kind` (one file per kind, so that vitest runs them side by side). */
export function execOracle(kind: EngineKind): void {
  let pair: readonly [TestEngine, TestEngine];
  beforeAll(async () => {
    pair = (await Promise.all([startEngine(kind), startEngine(kind)])) as [TestEngine, TestEngine];
  }, 300_000);
  afterAll(async () => {
    await Promise.all(pair.map((e) => stopEngine(e)));
  });

  describe(`guard --yes and docker on two own ${kind} engines`, () => {
    beforeEach(async () => {
      await Promise.all(pair.map((e) => reset(e)));
      await Promise.all(pair.map((e) => docker(e, ['builder', 'prune', '-af'])));
    }, 120_000);

    const cases = Object.entries(scenarios).filter(([, s]) => !s.kinds || s.kinds.includes(kind));
    test.each(cases)('%s', async (_name, s) => {
      const [mine, theirs] = pair;
      const setup = async (e: TestEngine) => {
        await build(e);
        if (s.legacyImages) await buildLegacyImages(e);
        if (s.buildCache) await buildCacheRecords(e);
      };
      await Promise.all([setup(mine), setup(theirs)]);
      expect(await state(mine)).toEqual(await state(theirs));
      const g = await runLastlook(mine, ['guard', '--yes', '--', ...s.argv], s.env ? { env: s.env } : {});
      expect(g.code, g.stderr).toBe(0);
      // The real command; docker rm exits 1 when it refuses one of several names, which is part of what it does.
      await docker(theirs, s.argv.slice(1), s.env ? { env: s.env } : {}).catch(() => undefined);
      expect(await state(mine)).toEqual(await state(theirs));
    });
  });
}

/** Compose's service file: db with a named and an anonymous volume, web, and (in the first version) old. */
function composeFile(e: TestEngine, version: 1 | 2): string {
  const db = `  db:\n    image: ${e.image}\n    command: ["sleep", "600"]\n    volumes: ["data:/data", "/scratch"]\n`;
  const changed = version === 2 ? '    environment: {CHANGED: "1"}\n' : '';
  const web = `  web:\n    image: ${e.volumeImage}\n    command: ["sleep", "600"]\n`;
  const old =
    version === 1 ? `  old:\n    image: ${e.image}\n    command: ["sleep", "600"]\n    volumes: ["/old"]\n` : '';
  return `services:\n${db}${changed}${web}${old}volumes:\n  data: {}\n`;
}

/**
 * compose down through guard and through docker, after a recreate (db changed: Compose replaces its container and
 * hands its volumes over) that also left an orphan (old, removed from the file). Both engines run the same Compose.
 */
export function composeExecOracle(kind: EngineKind): void {
  describe(`compose down through guard --yes and docker on two own ${kind} engines`, () => {
    let pair: readonly [TestEngine, TestEngine];
    let dir: string;
    beforeAll(async () => {
      pair = (await Promise.all([startEngine(kind), startEngine(kind)])) as [TestEngine, TestEngine];
      dir = await mkdtemp(join(tmpdir(), 'llexec-'));
    }, 300_000);
    afterAll(async () => {
      await Promise.all(pair.map((e) => stopEngine(e)));
      await rm(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await Promise.all(pair.map((e) => reset(e)));
    }, 120_000);

    test.each([
      ['down', []],
      ['down -v', ['-v']],
      ['down -v --remove-orphans', ['-v', '--remove-orphans']],
      ['down --rmi all (a service image that a running outsider uses under a second tag)', ['--rmi', 'all']],
    ] as const)('%s', async (_name, flags) => {
      const [mine, theirs] = pair;
      // Outside the project: db's image under a second tag, used by a running container; Compose's --rmi all
      // then untags lltest/busybox:1 (the image keeps outside/base:1) while web's image goes.
      const outsider = async (e: TestEngine) => {
        await docker(e, ['tag', e.image, 'outside/base:1']);
        await docker(e, ['run', '-d', '--name', 'outsider', 'outside/base:1', 'sleep', '600']);
      };
      const up = (e: TestEngine) => docker(e, ['compose', '-p', 'shop', 'up', '-d'], { cwd: dir });
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 1));
      await Promise.all([outsider(mine), outsider(theirs)]);
      await Promise.all([up(mine), up(theirs)]);
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 2));
      await Promise.all([up(mine), up(theirs)]);
      expect(await state(mine)).toEqual(await state(theirs));
      const argv = ['docker', 'compose', '-p', 'shop', 'down', ...flags];
      const g = await runLastlook(mine, ['guard', '--yes', '--', ...argv], { cwd: dir });
      expect(g.code, g.stderr).toBe(0);
      await docker(theirs, argv.slice(1), { cwd: dir });
      expect(await state(mine)).toEqual(await state(theirs));
    });

    // Issue 10: compose rm in label mode takes the orphan too; -s stops the running ones first, -v takes the
    // anonymous volumes (not those db inherited by name at the recreate).
    test('rm -s -v (label mode)', async () => {
      const [mine, theirs] = pair;
      const up = (e: TestEngine) => docker(e, ['compose', '-p', 'shop', 'up', '-d'], { cwd: dir });
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 1));
      await Promise.all([up(mine), up(theirs)]);
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 2));
      await Promise.all([up(mine), up(theirs)]);
      const argv = ['docker', 'compose', '-p', 'shop', 'rm', '-s', '-v', '-f'];
      const g = await runLastlook(mine, ['guard', '--yes', '--', ...argv], { cwd: dir });
      expect(g.code, g.stderr).toBe(0);
      await docker(theirs, argv.slice(1), { cwd: dir });
      expect(await state(mine)).toEqual(await state(theirs));
    });
  });
}
