/**
 * Oracle scenarios for docker-semantics.md §2 (volume prune) and §4 (container prune, system prune), and issue 16's
 * "filters as the engine parses them". Prunes are global, so this file starts its own engines (one of each kind the
 * harness offers) and empties them before each scenario.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { docker, repoRoot, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { oracle } from './oracle.js';

type Kind = TestEngine['kind'];
/** Every kind of engine the harness offers (modern, legacy, and current once it is there). */
const kinds: Kind[] = [...new Set(inject('engines').map((e) => e.kind))];
const own: Partial<Record<Kind, TestEngine>> = {};

beforeAll(async () => {
  const started = await Promise.all(kinds.map((k) => startEngine(k)));
  for (const e of started) own[e.kind] = e;
});
afterAll(async () => {
  await Promise.all(Object.values(own).map((e) => stopEngine(e)));
});

const lines = (s: string) => s.split('\n').filter(Boolean);

/** Empties the engine, keeping (or re-importing) the two test images. */
async function reset(e: TestEngine): Promise<void> {
  const cs = lines(await docker(e, ['ps', '-aq']));
  if (cs.length) await docker(e, ['rm', '-f', ...cs]);
  const vs = lines(await docker(e, ['volume', 'ls', '-q']));
  if (vs.length) await docker(e, ['volume', 'rm', '-f', ...vs]);
  const ns = lines(await docker(e, ['network', 'ls', '--filter', 'type=custom', '-q']));
  if (ns.length) await docker(e, ['network', 'rm', ...ns]);
  const images = lines(await docker(e, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']));
  const tar = readFileSync(join(repoRoot, '.cache/busybox-rootfs.tar'));
  for (const [ref, extra] of [
    [e.image, []],
    [e.volumeImage, ['-c', 'VOLUME /data']],
  ] as const) {
    if (!images.some((l) => l.startsWith(`${ref} `))) {
      await docker(e, ['import', '-c', 'CMD ["/bin/sh"]', ...extra, '-', ref], { input: tar });
    }
  }
  const others = images.filter((l) => !l.startsWith(`${e.image} `) && !l.startsWith(`${e.volumeImage} `));
  if (others.length) await docker(e, ['rmi', '-f', ...others.map((l) => l.split(' ')[1] as string)]);
}

/** Unused volumes of every kind: -v anonymous, image VOLUME, --mount anonymous, named, labelled, with options. */
async function volumeZoo(e: TestEngine): Promise<void> {
  await docker(e, ['create', '--name', 'zoo', '-v', '/anon-v', '--mount', 'type=volume,dst=/anon-m', e.volumeImage]);
  await docker(e, ['rm', 'zoo']);
  await docker(e, ['volume', 'create', 'named']);
  await docker(e, ['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'fakeanon']);
  await docker(e, ['volume', 'create', '--label', 'foo=bar', 'labelled']);
  await docker(e, ['volume', 'create', '--label', 'keep=1', 'kept']);
  await docker(e, ['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'withopts']);
  await docker(e, ['volume', 'create', 'inuse']);
  await docker(e, ['create', '--name', 'holder', '-v', 'inuse:/x', e.image, 'true']);
}

describe.each(kinds)('volume prune on an own %s engine', (kind) => {
  const engine = () => own[kind] as TestEngine;
  /** `-a` where the CLI accepts it (API >= 1.42); the legacy engine prunes named volumes without it. */
  const all = kind !== 'legacy' ? ['-a'] : [];
  beforeEach(async () => reset(engine()));

  test('default prune: anonymous-labelled only on >= 23 with API >= 1.42; everything unused on 20.10 (§2)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-f'] });
    const names = r.destroyed.volumes;
    expect(names).not.toContain('withopts');
    expect(names).not.toContain('inuse');
    if (kind === 'modern') {
      expect(names).toContain('fakeanon');
      expect(names).not.toContain('named');
      // -v /anon-v and the image /data volume are labelled; the --mount one is not (moby#48748).
      expect(names).toHaveLength(3);
      expect(r.plan.warnings.join(' ')).toMatch(/lack the com.docker.volume.anonymous label/);
    } else {
      expect(names).toContain('named');
      expect(r.plan.warnings.join(' ')).toMatch(/named ones included/);
    }
  });

  test('prune -a: named and unlabelled volumes too, never in-use or with options (§2 all=true)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-a', '-f'] });
    if (kind === 'modern') {
      expect(r.destroyed.volumes).toContain('named');
      expect(r.destroyed.volumes).toHaveLength(7);
    } else {
      // The docker CLI 26.1.5 refuses -a when it speaks API 1.41: nothing happens (engine-vs-doc, see report).
      expect(r.commandError).toMatch(/requires API version 1.42/);
      expect(r.plan.blocked?.reason).toMatch(/requires API version 1.42/);
    }
  });

  test('prune -a --filter label=foo=bar (§2 label filter)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', ...all, '-f', '--filter', 'label=foo=bar'],
    });
    expect(r.destroyed.volumes).toEqual(['labelled']);
  });

  test('prune -a --filter label!=keep (§2 label! filter)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', ...all, '-f', '--filter', 'label!=keep'] });
    expect(r.destroyed.volumes).not.toContain('kept');
    expect(r.destroyed.volumes).toContain('named');
  });

  test('DOCKER_API_VERSION=1.41 makes the engine prune named volumes (§2 API < 1.42)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', '-f'],
      env: { DOCKER_API_VERSION: '1.41' },
    });
    expect(r.destroyed.volumes).toContain('named');
    expect(r.plan.engine.apiVersion).toBe('1.41');
  });

  test('pruneFilters from the docker CLI config are merged in (§2 cli PruneFilters)', async () => {
    await volumeZoo(engine());
    const cfg = await mkdtemp(join(engine().dir, 'cfg-'));
    await writeFile(join(cfg, 'config.json'), JSON.stringify({ pruneFilters: ['label!=keep'] }));
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', ...all, '-f'],
      env: { DOCKER_CONFIG: cfg },
    });
    expect(r.destroyed.volumes).not.toContain('kept');
    expect(r.destroyed.volumes).toContain(kind === 'modern' ? 'fakeanon' : 'named');
    expect(r.plan.warnings.join(' ')).toMatch(/pruneFilters/);
  });

  test('several label! filters exclude only volumes matching all of them (§2 MatchKVList)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', ...all, '-f', '--filter', 'label!=keep', '--filter', 'label!=foo=bar'],
    });
    // `kept` has keep=1 but not foo=bar, so it is pruned: label! values are AND-ed, like label values.
    expect(r.destroyed.volumes).toContain('kept');
  });
});

describe.each(kinds)('container prune on an own %s engine', (kind) => {
  const engine = () => own[kind] as TestEngine;
  beforeEach(async () => reset(engine()));

  async function containerZoo(e: TestEngine): Promise<void> {
    await docker(e, ['create', '--name', 'created', '-v', '/anon', '--label', 'x=1', e.image, 'true']);
    await docker(e, ['run', '--name', 'exited', '-v', '/anon', e.image, 'true']);
    await docker(e, ['run', '-d', '--name', 'running', '-v', '/anon', e.image, 'sleep', '600']);
    await docker(e, ['run', '-d', '--name', 'paused', e.image, 'sleep', '600']);
    await docker(e, ['pause', 'paused']);
  }

  test('removes created and exited, keeps running and paused, orphans their anonymous volumes (§4)', async () => {
    await containerZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'container', 'prune', '-f'] });
    expect(r.plan.destroy.containers.map((c) => c.name).sort()).toEqual(['created', 'exited']);
    expect(r.orphaned).toHaveLength(2);
    expect(r.destroyed.volumes).toEqual([]);
  });

  test('--filter label=x=1 (§4 container prune filters)', async () => {
    await containerZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'container', 'prune', '-f', '--filter', 'label=x=1'] });
    expect(r.plan.destroy.containers.map((c) => c.name)).toEqual(['created']);
  });

  test('--filter until=24h keeps containers created just now (§4 until)', async () => {
    await containerZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'container', 'prune', '-f', '--filter', 'until=24h'] });
    expect(r.destroyed.containers).toEqual([]);
  });
});

describe.each(kinds)('system prune on an own %s engine', (kind) => {
  const engine = () => own[kind] as TestEngine;
  beforeEach(async () => reset(engine()));

  async function systemZoo(e: TestEngine): Promise<void> {
    const tar = readFileSync(join(repoRoot, '.cache/busybox-rootfs.tar'));
    await docker(e, ['import', '-'], { input: tar }); // dangling (no tag)
    await docker(e, ['import', '-', 'unused/tagged:1'], { input: tar });
    await docker(e, ['network', 'create', 'net-stopped']);
    await docker(e, ['network', 'create', 'net-running']);
    await docker(e, ['network', 'create', '--label', 'x=1', 'net-labelled']);
    await docker(e, ['create', '--name', 'stopped', '--network', 'net-stopped', '-v', '/anon', e.volumeImage, 'true']);
    await docker(e, ['create', '--name', 'keeper', '--network', 'net-labelled', e.image, 'true']);
    await docker(e, ['run', '-d', '--name', 'running', '--network', 'net-running', e.image, 'sleep', '600']);
    await docker(e, ['volume', 'create', 'named']);
  }

  test('containers, then networks without running endpoints, then dangling images; volumes kept (§4)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f'] });
    expect(r.plan.destroy.networks.map((n) => n.name).sort()).toEqual(['net-labelled', 'net-stopped']);
    expect(r.plan.destroy.images).toHaveLength(1);
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toHaveLength(2);
    expect(r.plan.warnings.join(' ')).toMatch(/build cache/);
  });

  test('--volumes: the anonymous volumes of the containers pruned in the same run go too (§4 --volumes)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--volumes'] });
    expect(r.destroyed.volumes).toHaveLength(kind === 'modern' ? 2 : 3);
    expect(r.destroyed.volumes.includes('named')).toBe(kind === 'legacy');
  });

  test('-a --volumes: unused tagged images go, named volumes stay on a modern engine (§4 -a --volumes)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-af', '--volumes'] });
    expect(r.plan.destroy.images.some((i) => i.tags.includes('unused/tagged:1'))).toBe(true);
    expect(r.after.volumes.includes('named')).toBe(kind === 'modern');
  });

  test('--filter label=x=1: the labelled network goes although a kept stopped container uses it (§4 network trap)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--filter', 'label=x=1'] });
    expect(r.plan.destroy.networks.map((n) => n.name)).toEqual(['net-labelled']);
    expect(r.plan.warnings.join(' ')).toMatch(/keeper.*fail to start/);
  });
});

/**
 * Issue 16, class "filters as the engine parses them": booleans with Go's strconv.ParseBool spellings, one `all`
 * value only (a request below API 1.42 gets `all=true` added by the router), unknown keys and repeated `until`
 * refused by the engine (a blocked plan quoting it; the real command fails and nothing changes), `until` on networks.
 */
describe.each(kinds)('filters as the %s engine parses them', (kind) => {
  const engine = () => own[kind] as TestEngine;
  const legacy = kind === 'legacy';
  beforeEach(async () => reset(engine()));

  test('volume prune --filter all=True: named volumes go (ParseBool); 20.10 refuses the key', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-f', '--filter', 'all=True'] });
    if (legacy) {
      expect(r.plan.blocked?.reason).toMatch(/Invalid filter 'all'/);
      expect(r.commandOk).toBe(false);
    } else {
      expect(r.destroyed.volumes).toContain('named');
      expect(r.destroyed.volumes).toHaveLength(7);
    }
  });

  test.each([
    [['--filter', 'all=yes'], /strconv.ParseBool: parsing "yes": invalid syntax/],
    [['--filter', 'all=true', '--filter', 'all=1'], /invalid filter 'all=\[1 true\]': only one value is expected/],
  ])('volume prune %j is refused by the engine: blocked, nothing changes', async (args, re) => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-f', ...args] });
    expect(r.commandOk).toBe(false);
    expect(r.plan.blocked?.reason).toMatch(legacy ? /Invalid filter 'all'/ : re);
    expect(r.commandError).toMatch(legacy ? /Invalid filter 'all'/ : re);
    expect(r.destroyed.volumes).toEqual([]);
  });

  test('DOCKER_API_VERSION=1.41: --filter all=1 is refused (the router adds all=true), all=true prunes', async () => {
    await volumeZoo(engine());
    const env = { DOCKER_API_VERSION: '1.41' };
    const refused = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-f', '--filter', 'all=1'], env });
    expect(refused.commandOk).toBe(false);
    expect(refused.plan.blocked?.reason).toMatch(legacy ? /Invalid filter 'all'/ : /only one value is expected/);
    const accepted = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', '-f', '--filter', 'all=true'],
      env,
    });
    expect(accepted.commandOk).toBe(!legacy);
    expect(accepted.destroyed.volumes.includes('named')).toBe(!legacy);
  });

  test.each([
    [['container', 'prune', '-f', '--filter', 'foo=1'], /nvalid filter 'foo'/],
    [['container', 'prune', '-f', '--filter', 'until=1h', '--filter', 'until=2h'], /more than one until filter/],
    [['system', 'prune', '-f', '--filter', 'all=true'], /nvalid filter 'all'/],
    [['volume', 'prune', '-f', '--filter', 'dangling=true'], /nvalid filter 'dangling'/],
  ])('%j: the engine refuses the filters, the plan is blocked with its reason', async (args, re) => {
    await volumeZoo(engine());
    await docker(engine(), ['network', 'create', 'net']);
    const r = await oracle(engine(), { argv: ['docker', ...args] });
    expect(r.commandOk).toBe(false);
    expect(r.commandError).toMatch(re);
    expect(r.plan.blocked?.reason).toMatch(re);
    expect(r.destroyed).toEqual({ containers: [], volumes: [], networks: [], images: [] });
  });

  test('system prune --filter until=1h keeps fresh networks and containers; until=0s removes them', async () => {
    await docker(engine(), ['network', 'create', 'fresh']);
    await docker(engine(), ['network', 'create', '--label', 'x=1', 'fresh-labelled']);
    await docker(engine(), ['create', '--name', 'stopped', '--network', 'fresh', engine().image, 'true']);
    const kept = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--filter', 'until=1h'] });
    expect(kept.destroyed.networks).toEqual([]);
    expect(kept.destroyed.containers).toEqual([]);
    expect(kept.plan.keep.networks.map((n) => n.reason)).toContain('created after the until filter');
    const gone = await oracle(engine(), {
      argv: ['docker', 'system', 'prune', '-f', '--filter', 'until=0s', '--filter', 'label=x=1'],
    });
    expect(gone.plan.destroy.networks.map((n) => n.name)).toEqual(['fresh-labelled']);
  });
});
