/**
 * The network, image and builder prune planners, table-tested on snapshots recorded from Docker 28.5.2, 26.1.5 and
 * 20.10.24 (./families-recorded.ts). What each engine really removes is shown by the oracles
 * (test/engine/oracle/families-prune.test.ts); these pin the planner's rules on the recorded JSON.
 */
import { describe, expect, test } from 'vitest';
import type { PruneFilter } from '../../../src/core/command-line.js';
import type { Snapshot } from '../../../src/core/model.js';
import { planBuilderPrune } from '../../../src/core/plan/builder-prune.js';
import { removalCount } from '../../../src/core/plan/contract.js';
import { planImagePrune } from '../../../src/core/plan/image-prune.js';
import { planNetworkPrune } from '../../../src/core/plan/network-prune.js';
import {
  cacheIds,
  chainParent,
  danglingImage,
  FAMILY_ENGINES,
  familySnapshot,
  imageTagged,
} from './families-recorded.js';

const f = (raw: string): PruneFilter => {
  const eq = raw.indexOf('=');
  return { key: raw.slice(0, eq), value: raw.slice(eq + 1) };
};
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).sort();
/** The snapshot a moment after the recording (until filters read `takenAt` as the engine's now). */
const later = (s: Snapshot, ms: number): Snapshot => ({ ...s, takenAt: s.takenAt + ms });

describe.each(FAMILY_ENGINES)('network prune on the %s recording', (version) => {
  const s = familySnapshot(version);
  const plan = (filters: string[]) =>
    planNetworkPrune(s, { filters: filters.map(f), argv: ['docker', 'network', 'prune'] });

  test.each([
    {
      filters: [],
      destroy: ['fam-net-created', 'fam-net-idle', 'fam-net-labelled', 'fam-net-stopped'],
      why: /in use by running fam-running/,
    },
    {
      filters: ['label!=keep'],
      destroy: ['fam-net-created', 'fam-net-idle', 'fam-net-stopped'],
      why: /in use by running/,
    },
    { filters: ['label=keep=1'], destroy: ['fam-net-labelled'], why: /does not match the label filters/ },
    { filters: ['until=1h'], destroy: [], why: /created after the until filter/ },
  ])('filters $filters', ({ filters, destroy, why }) => {
    const p = plan(filters);
    expect(p.blocked).toBeNull();
    expect(names(p.destroy.networks)).toEqual(destroy);
    // Predefined networks are never listed; the one with a running endpoint is kept.
    expect(names([...p.destroy.networks, ...p.keep.networks])).not.toContain('host');
    expect(p.keep.networks.find((n) => n.name === 'fam-net-running')?.reason).toMatch(why);
  });

  test('a network of a stopped or created container goes, with a warning that it will not start', () => {
    const w = plan([]).warnings.join('\n');
    expect(w).toMatch(/network fam-net-stopped is removed although fam-stopped/);
    expect(w).toMatch(/network fam-net-created is removed although fam-created/);
  });

  test('an unknown key or two until values: the engine refuses (blocked)', () => {
    expect(plan(['dangling=true']).blocked?.reason).toMatch(/nvalid filter 'dangling'/);
    expect(plan(['until=1h', 'until=2h']).blocked?.reason).toMatch(/more than one until filter/);
  });

  test("the config's pruneFilters are merged in", () => {
    const p = planNetworkPrune(
      { ...s, pruneFilters: ['label!=keep'] },
      { filters: [], argv: ['docker', 'network', 'prune'] },
    );
    expect(names(p.destroy.networks)).not.toContain('fam-net-labelled');
    expect(p.warnings.join(' ')).toMatch(/pruneFilters/);
  });
});

describe.each(FAMILY_ENGINES)('image prune on the %s recording', (version) => {
  const s = familySnapshot(version);
  const plan = (all: boolean, filters: string[] = [], snap: Snapshot = s) =>
    planImagePrune(snap, { all, filters: filters.map(f), argv: ['docker', 'image', 'prune'] });
  const ids = (p: ReturnType<typeof plan>) => p.destroy.images.map((i) => i.id).sort();

  test('dangling only: the image a rebuild left untagged; never the classic builder’s intermediate parent', () => {
    const p = plan(false);
    expect(ids(p)).toEqual([danglingImage(s).id]);
    expect(p.untag ?? []).toEqual([]);
  });

  test('-a: every unused image; a multi-tagged image in use keeps its last tag; the used base stays', () => {
    const p = plan(true);
    const gone = ['fam/bk:1', 'fam/rebuilt:1', 'fam/multi:a', 'fam/labelled:1'].map((t) => imageTagged(s, t).id);
    expect(ids(p)).toEqual([...gone, danglingImage(s).id].sort());
    expect(ids(p)).not.toContain(imageTagged(s, 'fam/base:1').id);
    expect(ids(p)).not.toContain(chainParent(s).id);
    expect(p.untag).toEqual([
      expect.objectContaining({ id: imageTagged(s, 'fam/chain:1').id, refs: ['fam/chain:1'], keeps: ['fam/chain:2'] }),
    ]);
    // Each removed reference is a removal to carry out, as is each image.
    expect(removalCount(p)).toBe(ids(p).length + 1);
  });

  test('-a --filter label!=keep keeps the labelled image; label=keep=1 takes only it', () => {
    expect(ids(plan(true, ['label!=keep']))).not.toContain(imageTagged(s, 'fam/labelled:1').id);
    expect(ids(plan(true, ['label=keep=1']))).toEqual([imageTagged(s, 'fam/labelled:1').id]);
  });

  test('-a --filter until=1h: nothing is old enough; an hour later, everything is', () => {
    expect(ids(plan(true, ['until=1h']))).toEqual([]);
    expect(ids(plan(true, ['until=1h'], later(s, 2 * 3600_000)))).toEqual(ids(plan(true)));
  });

  test('the chain’s untagged parent goes with it once nothing uses the chain', () => {
    const free: Snapshot = { ...s, containers: s.containers.filter((c) => c.name !== 'fam-uses-chain') };
    const p = plan(true, [], free);
    expect(ids(p)).toContain(imageTagged(s, 'fam/chain:1').id);
    expect(ids(p)).toContain(chainParent(s).id);
    expect(p.destroy.images.find((i) => i.id === chainParent(s).id)?.reason).toMatch(/untagged parent/);
  });

  test('refusals: an unknown key; dangling given twice (the CLI adds its own) on 23+', () => {
    expect(plan(false, ['foo=bar']).blocked?.reason).toMatch(/nvalid filter 'foo'/);
    const twice = plan(false, ['dangling=false']);
    if (version === '20.10.24') expect(twice.blocked).toBeNull();
    else expect(twice.blocked?.reason).toMatch(/invalid filter 'dangling=\[false true\]'/);
  });
});

describe.each(FAMILY_ENGINES)('builder prune on the %s recording', (version) => {
  const s = familySnapshot(version);
  const plan = (all: boolean, filters: string[] = [], snap: Snapshot = s) =>
    planBuilderPrune(snap, { all, filters: filters.map(f), argv: ['docker', 'builder', 'prune'] });
  const ids = (p: ReturnType<typeof plan>) => (p.destroy.buildCache ?? []).map((b) => b.id).sort();
  const unshared = cacheIds(s, (r) => !r.shared);
  const every = cacheIds(s, () => true);

  test('default: the records not shared with an image (sources, the removed image’s COPY); -a: all of them', () => {
    expect(ids(plan(false))).toEqual(unshared);
    expect(unshared.length).toBeGreaterThan(0);
    expect(ids(plan(true))).toEqual(every);
    expect(plan(true).totals.bytes).toBe((s.buildCache ?? []).reduce((n, r) => n + (r.size ?? 0), 0));
  });

  test('a plan that destroys only build cache has that many removals to carry out (guard once said "Nothing to remove")', () => {
    expect(removalCount(plan(false))).toBe(unshared.length);
    expect(removalCount(plan(true))).toBe(every.length);
    expect(removalCount(plan(true, ['until=1h']))).toBe(0);
  });

  test('type=regular: only the regular records (shared ones only with -a)', () => {
    expect(ids(plan(false, ['type=regular']))).toEqual(cacheIds(s, (r) => r.type === 'regular' && !r.shared));
    expect(ids(plan(true, ['type=regular']))).toEqual(cacheIds(s, (r) => r.type === 'regular'));
  });

  test('label filters are accepted and ignored by the engine (a warning says so)', () => {
    const p = plan(false, ['label=nothing=here']);
    expect(ids(p)).toEqual(unshared);
    expect(p.warnings.join(' ')).toMatch(/ignores them/);
  });

  test('until: records used within the hour stay; two hours later they go', () => {
    expect(ids(plan(true, ['until=1h']))).toEqual([]);
    expect(ids(plan(true, ['until=1h'], later(s, 2 * 3600_000)))).toEqual(every);
    expect(ids(plan(true, ['unused-for=1h'], later(s, 2 * 3600_000)))).toEqual(every);
  });

  test('a record stays while a record built on it stays (the chain goes leaf first)', () => {
    const child = (s.buildCache ?? []).find((r) => r.parents.length > 0);
    expect(child).toBeDefined();
    const held: Snapshot = {
      ...s,
      buildCache: (s.buildCache ?? []).map((r) => (r.id === child?.id ? { ...r, inUse: true } : r)),
    };
    const p = plan(true, [], held);
    expect(ids(p)).not.toContain(child?.parents[0]);
    expect(ids(p)).not.toContain(child?.id);
  });

  test('refusals: unknown key, until with unused-for, two values', () => {
    expect(plan(false, ['foo=bar']).blocked?.reason).toMatch(/nvalid filter 'foo'/);
    expect(plan(false, ['until=1h', 'unused-for=2h']).blocked?.reason).toMatch(/conflicting filters/);
    expect(plan(false, ['type=regular', 'type=source.local']).blocked?.reason).toMatch(/only one value/);
    expect(plan(false, ['mutable=true']).blocked?.reason).toMatch(/nvalid filter 'mutable'/);
  });
});
