/**
 * Plan oracle for the network, image and builder prune families (issue 10) and the build cache step of system
 * prune, on an own engine of every kind (prunes are global): compute the plan, run the real docker command (the
 * engine's own CLI, see harness `cliPath`), read the engine back, compare. The build cache is compared here too:
 * the records the plan lists are exactly the records gone from `/system/df`.
 * Images come from the classic builder (`DOCKER_BUILDKIT=0`: untagged intermediate parents) and the build cache
 * from buildx 0.29 (Debian sid's, the 28.5.2 engine's plugin, linked into a CLI config of this file's own).
 * Run: npx vitest run --project engine test/engine/oracle/families-prune.test.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { given } from '../given.js';
import { docker, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { buildxConfig, cacheIds } from './build-cache.js';
import { oracle } from './oracle.js';
import { clearBuildCache, reset } from './prune-helpers.js';

const kinds = ['current', 'modern', 'legacy'] as const;
const own: Partial<Record<(typeof kinds)[number], TestEngine>> = {};

beforeAll(async () => {
  const started = await Promise.all(kinds.map((k) => startEngine(k)));
  for (const e of started) own[e.kind as (typeof kinds)[number]] = e;
});
afterAll(async () => {
  await Promise.all(Object.values(own).map((e) => stopEngine(e)));
});

/** Empties the engine, its build cache included. */
async function resetAll(e: TestEngine): Promise<void> {
  await reset(e);
  await clearBuildCache(e);
}

/** A build context with a Dockerfile per name. */
function context(e: TestEngine, files: Record<string, string>): string {
  const dir = join(e.dir, `ctx-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Classic-builder images: a chain with an untagged parent (tagged twice), and a tag built twice (one dangling). */
async function imageZoo(e: TestEngine): Promise<void> {
  const dir = context(e, {
    'a.txt': 'a\n',
    'b.txt': 'b\n',
    'c.txt': 'c1\n',
    Dockerfile: `FROM ${e.image}\nCOPY a.txt /a\nCOPY b.txt /b\n`,
    D2: `FROM ${e.image}\nCOPY c.txt /c\n`,
  });
  const classic = { cwd: dir, env: { DOCKER_BUILDKIT: '0' } };
  await docker(e, ['build', '-q', '--no-cache', '-t', 'fam/chain:1', '.'], classic);
  await given(e, ['tag', 'fam/chain:1', 'fam/chain:2']);
  await docker(e, ['build', '-q', '--no-cache', '-f', 'D2', '-t', 'fam/rebuilt:1', '.'], classic);
  writeFileSync(join(dir, 'c.txt'), 'c2\n');
  await docker(e, ['build', '-q', '--no-cache', '-f', 'D2', '-t', 'fam/rebuilt:1', '.'], classic);
  await given(e, ['tag', e.image, 'fam/multi:a']);
  await given(e, ['tag', e.image, 'fam/multi:b']);
  await docker(e, ['import', '-c', 'LABEL keep=1', '-c', 'CMD ["/bin/sh"]', '-', 'fam/labelled:1'], {
    input: Buffer.alloc(1024),
  });
}

/** BuildKit cache: a build whose image stays (shared records) and one whose image is removed. */
async function cacheZoo(e: TestEngine): Promise<void> {
  const dir = context(e, {
    'a.txt': `a${Math.random()}\n`,
    'b.txt': 'b\n',
    'c.txt': 'c\n',
    K1: 'FROM scratch\nCOPY a.txt /a\nCOPY b.txt /b\n',
    K2: 'FROM scratch\nCOPY c.txt /c\n',
  });
  const bx = { cwd: dir, env: { DOCKER_CONFIG: buildxConfig(e) } };
  await docker(e, ['buildx', 'build', '-q', '-f', 'K1', '-t', 'fam/bk:1', '.'], bx);
  await docker(e, ['buildx', 'build', '-q', '-f', 'K2', '-t', 'fam/bk-gone:1', '.'], bx);
  await docker(e, ['rmi', 'fam/bk-gone:1']);
}

/** The oracle, plus the build cache: the records the plan lists are exactly those gone. */
async function cacheOracle(e: TestEngine, argv: string[], env?: Record<string, string>) {
  const before = await cacheIds(e);
  const r = await oracle(e, { argv, ...(env ? { env } : {}) });
  const after = new Set(await cacheIds(e));
  const gone = before.filter((id) => !after.has(id));
  expect((r.plan.destroy.buildCache ?? []).map((b) => b.id).sort(), JSON.stringify(r.plan, null, 1)).toEqual(gone);
  return { ...r, gone, before };
}

const networkNames = (r: Awaited<ReturnType<typeof oracle>>) =>
  r.before.networks
    .filter((n) => r.destroyed.networks.includes(n.id))
    .map((n) => n.name)
    .sort();

async function networkScenarios(e: TestEngine, kind: (typeof kinds)[number]): Promise<void> {
  await reset(e);
  const net = 60 + kinds.indexOf(kind);
  const subnet = (i: number) => ['--subnet', `10.${net}.${i}.0/24`];
  await given(e, ['network', 'create', ...subnet(1), 'n-idle']);
  await given(e, ['network', 'create', ...subnet(2), '--label', 'keep=1', 'n-labelled']);
  await given(e, ['network', 'create', ...subnet(3), 'n-running']);
  await given(e, ['network', 'create', ...subnet(4), 'n-stopped']);
  await given(e, ['network', 'create', ...subnet(5), 'n-created']);
  await given(e, ['run', '-d', '--name', 'c-running', '--network', 'n-running', e.image, 'sleep', '600']);
  await given(e, ['run', '--name', 'c-stopped', '--network', 'n-stopped', e.image, 'true']);
  await given(e, ['create', '--name', 'c-created', '--network', 'n-created', e.image, 'true']);
  // until=1h: every network is fresh, nothing goes (until applies to networks).
  const u = await oracle(e, { argv: ['docker', 'network', 'prune', '-f', '--filter', 'until=1h'] });
  expect(u.destroyed.networks).toEqual([]);
  // label!=keep: the labelled network stays; the networks of the stopped and created containers go.
  const l = await oracle(e, { argv: ['docker', 'network', 'prune', '-f', '--filter', 'label!=keep'] });
  expect(networkNames(l)).toEqual(['n-created', 'n-idle', 'n-stopped']);
  expect(l.plan.warnings.join('\n')).toMatch(/n-stopped is removed although c-stopped/);
  await expect(docker(e, ['start', 'c-stopped'])).rejects.toThrow(/not found/);
  // No filter: the labelled one too; the network with a running container and the predefined ones stay.
  const all = await oracle(e, { argv: ['docker', 'network', 'prune', '-f'] });
  expect(networkNames(all)).toEqual(['n-labelled']);
}

async function imageScenarios(e: TestEngine): Promise<void> {
  await resetAll(e);
  await imageZoo(e);
  await given(e, ['create', '--name', 'uses-chain', 'fam/chain:1', 'true']);
  const refs = async () => (await docker(e, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n');
  // Dangling only: the rebuilt tag's old image; never the classic builder's untagged parent.
  const d = await oracle(e, { argv: ['docker', 'image', 'prune', '-f'] });
  expect(d.destroyed.images).toHaveLength(1);
  expect(d.plan.destroy.images[0]?.tags).toEqual([]);
  // -a with label!=keep: unused images go, the labelled one stays, the multi-tagged chain in use keeps its last tag.
  const a = await oracle(e, { argv: ['docker', 'image', 'prune', '-a', '-f', '--filter', 'label!=keep'] });
  // The chain in use keeps its last tag; the base image (a parent of the chain) loses every tag and stays.
  expect(a.plan.untag).toHaveLength(2);
  expect(a.plan.untag).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ refs: ['fam/chain:1'], keeps: ['fam/chain:2'] }),
      expect.objectContaining({ refs: ['fam/multi:a', 'fam/multi:b', e.image], keeps: [] }),
    ]),
  );
  const after = await refs();
  expect(after).toContain('fam/chain:2');
  expect(after).not.toContain('fam/chain:1');
  expect(after).not.toContain('fam/multi:a');
  expect(after).toContain('fam/labelled:1');
  // Once nothing uses the chain, -a takes it with its untagged parent.
  await given(e, ['rm', 'uses-chain']);
  const p = await oracle(e, { argv: ['docker', 'image', 'prune', '-a', '-f'] });
  expect(p.plan.destroy.images.some((i) => /untagged parent/.test(i.reason))).toBe(true);
  expect(await refs()).not.toContain('fam/labelled:1');
}

async function builderScenarios(e: TestEngine): Promise<void> {
  await resetAll(e);
  await cacheZoo(e);
  const bx = { DOCKER_CONFIG: buildxConfig(e) };
  // The same label filter: buildx hands it to BuildKit, where it matches no record...
  const viaBuildx = await cacheOracle(e, ['docker', 'builder', 'prune', '-a', '-f', '--filter', 'label=x'], bx);
  expect(viaBuildx.gone).toEqual([]);
  // ...the CLI's own builder prune (POST /build/prune) has the engine ignore it: the default prune, records not
  // shared with an image go, the ones under fam/bk:1 stay.
  const viaEngine = await cacheOracle(e, ['docker', 'builder', 'prune', '-f', '--filter', 'label=x']);
  expect(viaEngine.plan.warnings.join(' ')).toMatch(/ignores them/);
  expect(viaEngine.gone.length).toBeGreaterThan(0);
  expect(viaEngine.gone.length).toBeLessThan(viaEngine.before.length);
  // -a --filter type=regular: the shared regular records, leaf first.
  const regular = await cacheOracle(e, ['docker', 'builder', 'prune', '-a', '-f', '--filter', 'type=regular']);
  expect(regular.gone.length).toBeGreaterThan(0);
  expect(regular.plan.destroy.buildCache?.every((b) => b.type === 'regular')).toBe(true);
  // system prune -a: its last step takes every unused record (the build cache is previewed, not warned about).
  await cacheZoo(e);
  const s = await cacheOracle(e, ['docker', 'system', 'prune', '-a', '-f']);
  expect(s.gone).toEqual(s.before);
  expect(s.plan.warnings.join(' ')).not.toMatch(/build cache is not previewed/);
}

// One test per engine, the three side by side (each owns its engine): network, image and builder prune in turn.
describe.concurrent('network, image and builder prune', () => {
  for (const kind of kinds) {
    test(`on an own ${kind} engine`, async () => {
      const e = own[kind] as TestEngine;
      await networkScenarios(e, kind);
      await imageScenarios(e);
      await builderScenarios(e);
    }, 420_000);
  }
});
