/**
 * The execution oracle (issue 16): what lastlook itself removes is compared with what docker removes. For each
 * family, the same state is built on two private engines of the same version; `lastlook guard --yes -- <cmd>`
 * runs on one and the real `docker <cmd>` on the other; then both engines must hold the same containers (name and
 * state), volumes, networks and images (each reference, and how many untagged images remain). Prunes are global,
 * so each kind's file (current, modern, legacy) starts its own pair of engines, shared by its plain and compose
 * scenarios, and empties them before every scenario. A scenario may run several commands in turn on one built state
 * (compared after each): commands that touch different objects, or whose second step meets what the first left.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { given } from '../given.js';
import { compose, docker, type EngineKind, engineApi, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { buildCache, buildxConfig } from '../oracle/build-cache.js';
import { runLastlook } from '../oracle/oracle.js';
import { clearBuildCache, reset } from '../oracle/prune-helpers.js';

/**
 * What a user would compare: everything by name, never by ID (the two engines give different IDs). Read through the
 * API (what `docker ps -a`, `volume ls`, `network ls` and `image ls -a` list), not five CLI processes per read.
 */
async function state(e: TestEngine) {
  const api = engineApi(e);
  const [containers, volumes, networks, images, cache] = await Promise.all([
    api.listContainers({ all: true }),
    api.listVolumes(),
    api.listNetworks(),
    api.listImages({ all: true }),
    buildCache(e),
  ]);
  const names = (volumes.Volumes ?? []).map((v) => v.Name);
  // An untagged image is listed with no tag (`<none>:<none>` before API 1.44, an empty list since).
  const refs = images.flatMap((i) => {
    const tags = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    return tags.length > 0 ? tags : ['<none>:<none>'];
  });
  return {
    containers: containers.map((c) => `${(c.Names[0] ?? '').replace(/^\//, '')} ${c.State}`).sort(),
    volumes: names.filter((v) => !/^[0-9a-f]{64}$/.test(v)).sort(),
    anonymousVolumes: names.filter((v) => /^[0-9a-f]{64}$/.test(v)).length,
    networks: networks.map((n) => n.Name).sort(),
    images: refs.filter((r) => r !== '<none>:<none>').sort(),
    untaggedImages: refs.filter((r) => r === '<none>:<none>').length,
    // Build cache records differ in ID between engines: compared by type and whether an image shares them.
    buildCache: cache.map((b) => `${b.type}${b.shared ? ' shared' : ''}`).sort(),
  };
}

/** The scenario's state: containers in every state, anonymous and named volumes, networks, multi-tagged images. */
async function build(e: TestEngine): Promise<void> {
  const img = e.image;
  // Independent objects are made side by side (the engine serialises only what it must).
  await Promise.all([
    given(e, ['network', 'create', 'net-used']),
    given(e, ['network', 'create', 'net-idle']),
    given(e, ['network', 'create', '--label', 'x=1', 'net-labelled']),
    given(e, ['volume', 'create', 'named']),
    given(e, ['volume', 'create', '--label', 'keep=1', 'kept']),
    given(e, ['volume', 'create', 'loose']),
    // An image of its own, tagged in several repositories and used by nothing.
    (async () => {
      await given(e, ['create', '--name', 'seed', img, 'true']);
      await docker(e, ['commit', 'seed', 'multi/one:a']);
      await given(e, ['tag', 'multi/one:a', 'multi/two:b']);
      await given(e, ['tag', 'multi/one:a', 'multi/one:c']);
      await given(e, ['rm', 'seed']);
    })(),
  ]);
  await Promise.all([
    given(e, ['create', '--name', 'created', '-v', '/anon', '-v', 'named:/n', img, 'true']),
    given(e, ['run', '--name', 'exited', '-v', '/anon', '--network', 'net-labelled', img, 'true']),
    given(e, ['run', '-d', '--name', 'running', '-v', '/anon', '--network', 'net-used', img, 'sleep', '600']),
    (async () => {
      await given(e, ['run', '-d', '--name', 'paused', '-v', '/anon', e.volumeImage, 'sleep', '600']);
      await given(e, ['pause', 'paused']);
    })(),
  ]);
}

/**
 * Images with parents, as the legacy builder makes them (DOCKER_BUILDKIT=0: one image per step, each the parent of
 * the next): app:1 built twice with a changed last step, so the first build is a dangling image whose untagged
 * parents branch off the second's; the second also tagged app:extra and used by a running container. One RUN step
 * (a layer of its own, shared by both builds through the cache); the others change only the config, so the builder
 * commits them without starting a container (the parent chain is the same).
 */
async function buildLegacyImages(e: TestEngine): Promise<void> {
  const dockerfile = (last: string) =>
    `FROM ${e.image}\nRUN echo one > /one\nENV STEP=two\nLABEL step=three\nENV LAST=${last}\n`;
  const build = (last: string) =>
    docker(e, ['build', '--network', 'none', '-q', '-t', 'legacy/app:1', '-'], {
      input: dockerfile(last),
      env: { DOCKER_BUILDKIT: '0' },
    });
  await build('first');
  await build('second');
  await given(e, ['tag', 'legacy/app:1', 'legacy/app:extra']);
  await given(e, ['run', '-d', '--name', 'app-user', '--network', 'none', 'legacy/app:extra', 'sleep', '600']);
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

interface Step {
  readonly argv: readonly string[];
  /** Engines this step runs on (default: all three). */
  readonly kinds?: readonly EngineKind[];
}

interface Scenario {
  /** Run in turn on one built state, both engines compared after each. */
  readonly steps: readonly Step[];
  /** Also build the legacy builder's images (buildLegacyImages). */
  readonly legacyImages?: boolean;
  /** Also make BuildKit cache records (buildCacheRecords). */
  readonly buildCache?: boolean;
}

const step = (...argv: string[]): Step => ({ argv: ['docker', ...argv] });

const scenarios: Record<string, Scenario> = {
  // Each step removes objects the earlier ones left alone, so one built state serves all three.
  'rm -v of an exited container, then volume rm of free volumes, then rm -fv of running, paused and created containers':
    {
      steps: [
        step('rm', '-v', 'exited'),
        step('volume', 'rm', 'kept', 'loose'),
        step('rm', '-fv', 'running', 'paused', 'created'),
      ],
    },
  // The anonymous volumes rm -f leaves behind are then unused: volume prune -a takes them (not `kept`).
  'rm -f of a running and a paused container, then volume prune -a --filter label!=keep': {
    steps: [
      step('rm', '-f', 'running', 'paused'),
      { argv: ['docker', 'volume', 'prune', '-af', '--filter', 'label!=keep'], kinds: ['current', 'modern'] },
    ],
  },
  'system prune -a --volumes': { steps: [step('system', 'prune', '-af', '--volumes')] },
  // Issue 10's families: networks of stopped containers go; unused images, the multi-tagged one by each reference;
  // the stopped containers; then the volumes they left unused (on 26 and 28 volume prune takes only anonymous
  // volumes, and every one is in use until container prune).
  'network prune, then image prune -a, then container prune, then volume prune': {
    steps: [
      step('network', 'prune', '-f'),
      step('image', 'prune', '-af'),
      step('container', 'prune', '-f'),
      step('volume', 'prune', '-f'),
    ],
  },
  // One state with everything a prune can take, pruned step by step: the build cache (the default builder prune
  // keeps the records an image shares), the objects labelled x=1, then what plain system prune takes (a dangling
  // legacy-built image and its untagged parents), then system prune -a (legacy-built parents, the build cache, a
  // multi-tagged image unused: each reference; in use: all but its last tag).
  'builder prune, then system prune --filter label=x=1, then system prune, then system prune -a (legacy-built images with parents, build cache, multi-tagged images)':
    {
      steps: [
        step('builder', 'prune', '-f'),
        step('system', 'prune', '-f', '--filter', 'label=x=1'),
        step('system', 'prune', '-f'),
        step('system', 'prune', '-af'),
      ],
      legacyImages: true,
      buildCache: true,
    },
};

/**
 * Two own engines of `kind` for the calling file (prunes are global), started once and shared by its plain and
 * compose scenarios.
 */
function ownPair(kind: EngineKind): () => readonly [TestEngine, TestEngine] {
  let pair: readonly [TestEngine, TestEngine] | undefined;
  beforeAll(async () => {
    pair = (await Promise.all([startEngine(kind), startEngine(kind)])) as [TestEngine, TestEngine];
  }, 300_000);
  afterAll(async () => {
    await Promise.all((pair ?? []).map((e) => stopEngine(e)));
  });
  return () => {
    if (!pair) throw new Error(`the two ${kind} engines did not start`);
    return pair;
  };
}

/** Defines the scenarios on two own engines of `kind` (one file per kind, so that vitest runs them side by side). */
function plainScenarios(kind: EngineKind, engines: () => readonly [TestEngine, TestEngine]): void {
  describe(`guard --yes and docker on two own ${kind} engines`, () => {
    beforeEach(async () => {
      await Promise.all(engines().map((e) => reset(e)));
      await Promise.all(engines().map((e) => clearBuildCache(e)));
    }, 120_000);

    const cases = Object.entries(scenarios);
    test.each(cases)('%s', async (_name, s) => {
      const [mine, theirs] = engines();
      const setup = async (e: TestEngine) => {
        await build(e);
        if (s.legacyImages) await buildLegacyImages(e);
        if (s.buildCache) await buildCacheRecords(e);
      };
      await Promise.all([setup(mine), setup(theirs)]);
      expect(await state(mine)).toEqual(await state(theirs));
      for (const { argv } of s.steps.filter((x) => !x.kinds || x.kinds.includes(kind))) {
        const before = await state(theirs);
        const g = await runLastlook(mine, ['guard', '--yes', '--', ...argv]);
        expect(g.code, `${argv.join(' ')}: ${g.stderr}`).toBe(0);
        // The real command; docker rm exits 1 when it refuses one of several names, which is part of what it does.
        await docker(theirs, argv.slice(1)).catch(() => undefined);
        const after = await state(theirs);
        // Every step of a chain removes something (none is a no-op left over from the step before).
        expect(after, `${argv.join(' ')} removed nothing`).not.toEqual(before);
        expect(await state(mine), argv.join(' ')).toEqual(after);
      }
    });
  });
}

/**
 * The execution oracle of one engine kind: the plain scenarios, then (where Compose is proven: 28.5.2 and 26.1.5)
 * Compose's, on one pair of own engines.
 */
export function execOracle(kind: EngineKind): void {
  const engines = ownPair(kind);
  plainScenarios(kind, engines);
  if (kind !== 'legacy') composeScenarios(kind, engines);
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
 * Compose's commands through guard and through docker, on a project after a recreate (db changed: Compose replaces
 * its container and hands its volumes over) that also left an orphan (old, removed from the file). Both engines run
 * the same Compose. As with the plain scenarios, a state may serve several commands in turn (compared after each).
 */
function composeScenarios(kind: EngineKind, engines: () => readonly [TestEngine, TestEngine]): void {
  describe(`compose through guard --yes and docker on two own ${kind} engines`, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'llexec-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await Promise.all(engines().map((e) => reset(e)));
    }, 120_000);

    // `-p shop` alone is label mode (the file is ignored: every container of the project goes, orphans too); with
    // `-f` it is file mode under that name.
    const down = (...flags: string[]) => ['docker', 'compose', '-p', 'shop', 'down', ...flags];
    const fileDown = (...flags: string[]) => [
      'docker',
      'compose',
      '-f',
      'compose.yaml',
      '-p',
      'shop',
      'down',
      ...flags,
    ];
    test.each([
      // File mode: down -v leaves the orphan running (and the network it is still attached to); --remove-orphans
      // then takes the orphan and the network.
      ['-f down -v, then -f down -v --remove-orphans', [fileDown('-v'), fileDown('-v', '--remove-orphans')], false],
      // Outside the project, db's image under a second tag is used by a running container: --rmi all then untags
      // lltest/busybox:1 (the image keeps outside/base:1) while web's image goes. The volumes stay (no -v).
      [
        'down --rmi all (a service image that a running outsider uses under a second tag)',
        [down('--rmi', 'all')],
        true,
      ],
      // Issue 10: compose rm in label mode takes the orphan too; -s stops the running ones first, -v takes the
      // anonymous volumes (not those db inherited by name at the recreate). Then a plain down: the network.
      [
        'rm -s -v (label mode), then down',
        [['docker', 'compose', '-p', 'shop', 'rm', '-s', '-v', '-f'], down()],
        false,
      ],
    ] as const)('%s', async (_name, steps, withOutsider) => {
      const [mine, theirs] = engines();
      const outsider = async (e: TestEngine) => {
        await given(e, ['tag', e.image, 'outside/base:1']);
        await given(e, ['run', '-d', '--name', 'outsider', 'outside/base:1', 'sleep', '600']);
      };
      const up = (e: TestEngine) => compose(e, ['-p', 'shop', 'up', '-d'], { cwd: dir });
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 1));
      if (withOutsider) await Promise.all([outsider(mine), outsider(theirs)]);
      await Promise.all([up(mine), up(theirs)]);
      await writeFile(join(dir, 'compose.yaml'), composeFile(mine, 2));
      await Promise.all([up(mine), up(theirs)]);
      expect(await state(mine)).toEqual(await state(theirs));
      for (const argv of steps) {
        const before = await state(theirs);
        const g = await runLastlook(mine, ['guard', '--yes', '--', ...argv], { cwd: dir });
        expect(g.code, `${argv.join(' ')}: ${g.stderr}`).toBe(0);
        await docker(theirs, argv.slice(1), { cwd: dir });
        const after = await state(theirs);
        expect(after, `${argv.join(' ')} removed nothing`).not.toEqual(before);
        expect(await state(mine), argv.join(' ')).toEqual(after);
      }
    });
  });
}
