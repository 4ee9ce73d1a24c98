/**
 * Oracle scenarios for docker-semantics.md §2 (volume prune) and §4 (container prune, system prune). Prunes are
 * global, so this file starts its own engines (one current, one modern, one legacy) and empties them before each
 * scenario.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { given } from '../given.js';
import { docker, repoRoot, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { oracle } from './oracle.js';
import { reset, volumeZoo } from './prune-helpers.js';

const kinds = ['current', 'modern', 'legacy'] as const;
const own: Partial<Record<(typeof kinds)[number], TestEngine>> = {};

beforeAll(async () => {
  const [c, m, l] = await Promise.all([startEngine('current'), startEngine('modern'), startEngine('legacy')]);
  own.current = c;
  own.modern = m;
  own.legacy = l;
});
afterAll(async () => {
  await Promise.all(Object.values(own).map((e) => stopEngine(e)));
});

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
    } else if (kind === 'current') {
      expect(names).toContain('fakeanon');
      expect(names).not.toContain('named');
      // Since 27.4 the --mount anonymous volume carries the label too: all three anonymous volumes go.
      expect(names).toHaveLength(4);
      expect(r.plan.warnings.join(' ')).not.toMatch(/lack the com.docker.volume.anonymous label/);
    } else {
      expect(names).toContain('named');
      expect(r.plan.warnings.join(' ')).toMatch(/named ones included/);
    }
  });

  test('prune -a: named and unlabelled volumes too, never in-use or with options (§2 all=true)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-a', '-f'] });
    if (kind !== 'legacy') {
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

  test('several label! filters exclude only volumes matching all of them (§2 MatchKVList)', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', ...all, '-f', '--filter', 'label!=keep', '--filter', 'label!=foo=bar'],
    });
    // `kept` has keep=1 but not foo=bar, so it is pruned: label! values are AND-ed, like label values.
    expect(r.destroyed.volumes).toContain('kept');
  });

  // Not on current yet: the 28.5.2 CLI does not apply the config's pruneFilters to `volume prune -a` (issue 16,
  // "the client side"): the plan follows the CLI only once it asks the user's own client what it sends.
  if (kind === 'current') return;
  test('pruneFilters from the docker CLI config are merged in (§2 cli PruneFilters)', async () => {
    await volumeZoo(engine());
    const cfg = await mkdtemp(join(engine().dir, 'cfg-'));
    await writeFile(join(cfg, 'config.json'), JSON.stringify({ pruneFilters: ['label!=keep'] }));
    const r = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', ...all, '-f'],
      env: { DOCKER_CONFIG: cfg },
    });
    expect(r.destroyed.volumes).not.toContain('kept');
    expect(r.destroyed.volumes).toContain(kind !== 'legacy' ? 'fakeanon' : 'named');
    expect(r.plan.warnings.join(' ')).toMatch(/pruneFilters/);
  });
});

describe.each(kinds)('container prune on an own %s engine', (kind) => {
  const engine = () => own[kind] as TestEngine;
  beforeEach(async () => reset(engine()));

  async function containerZoo(e: TestEngine): Promise<void> {
    await given(e, ['create', '--name', 'created', '-v', '/anon', '--label', 'x=1', e.image, 'true']);
    await given(e, ['run', '--name', 'exited', '-v', '/anon', e.image, 'true']);
    await given(e, ['run', '-d', '--name', 'running', '-v', '/anon', e.image, 'sleep', '600']);
    await given(e, ['run', '-d', '--name', 'paused', e.image, 'sleep', '600']);
    await given(e, ['pause', 'paused']);
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
    await given(e, ['network', 'create', 'net-stopped']);
    await given(e, ['network', 'create', 'net-running']);
    await given(e, ['network', 'create', '--label', 'x=1', 'net-labelled']);
    await given(e, ['create', '--name', 'stopped', '--network', 'net-stopped', '-v', '/anon', e.volumeImage, 'true']);
    await given(e, ['create', '--name', 'keeper', '--network', 'net-labelled', e.image, 'true']);
    await given(e, ['run', '-d', '--name', 'running', '--network', 'net-running', e.image, 'sleep', '600']);
    await given(e, ['volume', 'create', 'named']);
  }

  test('containers, then networks without running endpoints, then dangling images; volumes kept (§4)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f'] });
    expect(r.plan.destroy.networks.map((n) => n.name).sort()).toEqual(['net-labelled', 'net-stopped']);
    expect(r.plan.destroy.images).toHaveLength(1);
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toHaveLength(2);
    // The build cache step is previewed (issue 10), not only warned about: this engine has none to remove.
    expect(r.plan.destroy.buildCache).toEqual([]);
    expect(r.plan.warnings.join(' ')).not.toMatch(/build cache is not previewed/);
  });

  test('--volumes: the anonymous volumes of the containers pruned in the same run go too (§4 --volumes)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--volumes'] });
    expect(r.destroyed.volumes).toHaveLength(kind !== 'legacy' ? 2 : 3);
    expect(r.destroyed.volumes.includes('named')).toBe(kind === 'legacy');
  });

  test('-a --volumes: unused tagged images go, named volumes stay on a modern engine (§4 -a --volumes)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-af', '--volumes'] });
    expect(r.plan.destroy.images.some((i) => i.tags.includes('unused/tagged:1'))).toBe(true);
    expect(r.after.volumes.includes('named')).toBe(kind !== 'legacy');
  });

  test('--filter label=x=1: the labelled network goes although a kept stopped container uses it (§4 network trap)', async () => {
    await systemZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--filter', 'label=x=1'] });
    expect(r.plan.destroy.networks.map((n) => n.name)).toEqual(['net-labelled']);
    expect(r.plan.warnings.join(' ')).toMatch(/keeper.*fail to start/);
  });
});
