import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  allDirectoryPaths,
  buildDiffTree,
  type DiffNode,
  type DiffTree,
  flatten,
  matchTotals,
  type PathStat,
  toggleCollapsed,
} from '../../src/core/diff-tree.js';
import type { Change, MountPoint } from '../../src/core/model.js';
import { mapChanges } from '../../src/docker/dockerode-adapter.js';

// Recorded by test/fixtures/changes/record.sh from Docker 26.1.5 (modern) and 20.10.24 (legacy); see its README.
const fixtures = join(import.meta.dirname, '../fixtures/changes');
interface Recorded {
  readonly changes: Change[];
  readonly mounts: MountPoint[];
  readonly stats: Map<string, PathStat>;
}
function load(kind: 'modern' | 'legacy'): Recorded {
  const read = (f: string) => JSON.parse(readFileSync(join(fixtures, kind, f), 'utf8'));
  const mounts = (read('mounts.json') as { Type: string; Name?: string; Source: string; Destination: string }[]).map(
    (m): MountPoint => ({
      type: m.Type as MountPoint['type'],
      name: m.Name ?? null,
      source: m.Source,
      destination: m.Destination,
      driver: null,
      mode: '',
      rw: true,
    }),
  );
  // `--tmpfs /scratch` is only in HostConfig.Tmpfs, not in Mounts[]: the caller adds it (see the README).
  mounts.push({ type: 'tmpfs', name: null, source: '', destination: '/scratch', driver: null, mode: '', rw: true });
  return {
    changes: mapChanges(read('changes.json')),
    mounts,
    stats: new Map(Object.entries(read('stats.json') as Record<string, PathStat>)),
  };
}
const engines = ['modern', 'legacy'] as const;

function find(tree: DiffTree, path: string): DiffNode {
  const stack = [tree.root];
  while (stack.length > 0) {
    const n = stack.pop() as DiffNode;
    if (n.path === path) return n;
    stack.push(...n.children);
  }
  throw new Error(`no node ${path}`);
}
const all = new Set<string>();

describe.each(engines)('diff tree from the %s recording', (kind) => {
  const rec = load(kind);
  const tree = buildDiffTree(rec.changes, { sizes: rec.stats, mounts: rec.mounts });
  const flat = buildDiffTree(rec.changes, { sizes: rec.stats, mounts: rec.mounts, compress: false });

  test('counts every change, and sums only added and changed files', () => {
    expect(tree.paths).toBe(rec.changes.length);
    for (const k of ['added', 'modified', 'deleted'] as const) {
      expect(tree.counts[k]).toBe(rec.changes.filter((c) => c.kind === k).length);
    }
    const expected = rec.changes
      .filter((c) => c.kind !== 'deleted')
      .reduce((sum, c) => sum + (rec.stats.get(c.path)?.type === 'file' ? (rec.stats.get(c.path)?.size ?? 0) : 0), 0);
    expect(expected).toBeGreaterThan(0);
    expect(tree.bytes).toBe(expected);
    expect(tree.root.bytes).toBe(expected);
    expect(tree.root.unsized).toBe(0);
    // /bin holds only a deleted entry: nothing to count.
    expect(find(tree, '/bin').bytes).toBe(0);
    expect(find(tree, '/usr').bytes).toBe(rec.stats.get('/usr/local/lib/x/blob')?.size);
  });

  test('keeps deleted paths, with no size', () => {
    const ls = find(flat, '/bin/ls');
    expect(ls.kind).toBe('deleted');
    expect(ls.size).toBeNull();
    expect(find(flat, '/srv').kind).toBe('deleted');
  });

  test('marks a directory with mixed changes as changed, a uniform one with its kind', () => {
    expect(find(tree, '/bin').status).toBe('modified'); // C /bin + D /bin/ls
    expect(find(tree, '/tmp').status).toBe('modified'); // C /tmp + A files
    expect(find(tree, '/app').status).toBe('added');
    expect(find(tree, '/etc').status).toBe('modified');
    expect(find(tree, '/srv').status).toBe('deleted');
  });

  test('compresses single-child chains without hiding a kind', () => {
    const app = find(tree, '/app');
    expect(app.children.map((c) => c.name).sort()).toEqual(['data/deep/er', 'hard', 'sym']);
    expect(find(tree, '/app/data/deep/er').absorbed.map((a) => a.path)).toEqual(['/app/data', '/app/data/deep']);
    // /usr is C and /usr/local is A: kept apart; the A chain below merges.
    const usr = find(tree, '/usr');
    expect(usr.children.map((c) => c.name)).toEqual(['local/lib/x']);
    const long = find(tree, '/tmp').children.find((c) => c.name.startsWith('long/'));
    expect(long?.name.split('/')).toHaveLength(20);
    expect(long?.children.map((c) => c.name)).toEqual(['end']);
  });

  test('lays mounts over the tree', () => {
    const named = find(tree, '/named');
    expect(named.isMountPoint).toBe(true);
    expect(named.mount?.type).toBe('volume');
    expect(named.mount?.name).toBe('rec-named');
    expect(find(tree, '/hostb').mount?.type).toBe('bind');
    expect(find(tree, '/scratch').mount?.type).toBe('tmpfs');
    expect(find(tree, '/etc').mount).toBeNull();
    // A mount point is never merged into a chain.
    expect(tree.root.children.some((c) => c.name.startsWith('named/'))).toBe(false);
  });

  test('keeps link targets and the raw bytes of a non-UTF-8 name', () => {
    expect(find(tree, '/app/sym').type).toBe('symlink');
    expect(find(tree, '/app/sym').linkTarget).toBe('/etc/passwd');
    expect(find(tree, '/app/hard').type).toBe('link');
    expect(find(tree, '/app/hard').size).toBe(0);
    const bad = find(tree, '/tmp/bad\ufffdbyte');
    expect(bad.rawPath).toBe('/tmp/bad\udcffbyte');
  });

  test('builds the same tree whatever the order of changes', () => {
    const shuffled = [...rec.changes].reverse();
    const a = flatten(tree, new Set(), {}, 'name').map((r) => r.node.path);
    const b = flatten(buildDiffTree(shuffled, { sizes: rec.stats, mounts: rec.mounts }), new Set(), {}, 'name').map(
      (r) => r.node.path,
    );
    expect(b).toEqual(a);
    for (const p of a) all.add(`${kind}:${p}`);
  });

  test('flatten: every node once, directories first then by name, collapse hides a subtree', () => {
    const rows = flatten(tree, new Set(), {}, 'name');
    const top = rows.filter((r) => r.depth === 0).map((r) => r.node);
    const dirs = top.filter((n) => n.isDir).map((n) => n.name);
    expect(dirs).toEqual([...dirs].sort());
    const collapsed = toggleCollapsed(new Set(), '/tmp');
    const rows2 = flatten(tree, collapsed, {}, 'name');
    const tmp = rows2.find((r) => r.node.path === '/tmp');
    expect(tmp?.isCollapsed).toBe(true);
    expect(tmp?.hasChildren).toBe(true);
    expect(rows2.some((r) => r.node.path.startsWith('/tmp/'))).toBe(false);
    expect(rows.length - rows2.length).toBe(rows.filter((r) => r.node.path.startsWith('/tmp/')).length);
    expect(toggleCollapsed(collapsed, '/tmp').has('/tmp')).toBe(false);
    const everything = flatten(tree, new Set(allDirectoryPaths(tree)), {}, 'name');
    expect(everything.every((r) => r.depth === 0)).toBe(true);
  });

  test('filters by kind keep the directories that lead to a match', () => {
    const rows = flatten(flat, new Set(), { kinds: new Set(['deleted']) }, 'name');
    const matched = rows.filter((r) => r.isMatch).map((r) => r.node.path);
    expect(matched.sort()).toEqual(
      rec.changes
        .filter((c) => c.kind === 'deleted')
        .map((c) => c.path)
        .sort(),
    );
    expect(rows.find((r) => r.node.path === '/bin')?.isMatch).toBe(false);
    const totals = matchTotals(tree, { kinds: new Set(['deleted']) });
    expect(totals.paths).toBe(tree.counts.deleted);
    expect(totals.bytes).toBe(0);
  });

  test('filters by minimum size and by path search; sorts by size', () => {
    const min = rec.stats.get('/usr/local/lib/x/blob')?.size ?? 0;
    const big = flatten(flat, new Set(), { minSize: min }, 'name').filter((r) => r.isMatch && !r.node.isDir);
    const expectedBig = [...rec.stats.entries()].filter(([, s]) => s.type === 'file' && s.size >= min).map(([p]) => p);
    expect(big.map((r) => r.node.path).sort()).toEqual(expectedBig.sort());
    const found = flatten(flat, new Set(), { search: 'PASSWD' }, 'name').filter((r) => r.isMatch);
    expect(found.map((r) => r.node.path)).toEqual(['/etc/passwd']);
    const bySize = flatten(tree, new Set(), {}, 'size').filter((r) => r.depth === 0);
    const sizes = bySize.map((r) => r.node.bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // With compression, merged directories still count in the totals.
    expect(matchTotals(tree, {}).paths).toBe(tree.paths);
    expect(matchTotals(tree, {}).bytes).toBe(tree.bytes);
  });
});

test('both engines give the same tree', () => {
  const modern = [...all].filter((p) => p.startsWith('modern:')).map((p) => p.slice(7));
  const legacy = [...all].filter((p) => p.startsWith('legacy:')).map((p) => p.slice(7));
  expect(modern.length).toBeGreaterThan(0);
  expect(legacy).toEqual(modern);
});

describe('edge cases', () => {
  test('no changes (the engine answers null) is an empty tree', () => {
    const tree = buildDiffTree(mapChanges(null));
    expect(tree.paths).toBe(0);
    expect(flatten(tree, new Set())).toEqual([]);
  });

  test('a 2,000-level path neither overflows the stack nor loses its leaf', () => {
    const segs = Array.from({ length: 2000 }, () => 'd');
    const changes: Change[] = [];
    for (let i = 1; i <= segs.length; i++) changes.push({ path: `/${segs.slice(0, i).join('/')}`, kind: 'added' });
    changes.push({ path: `/${segs.join('/')}/leaf`, kind: 'added' });
    const tree = buildDiffTree(changes, {});
    const rows = flatten(tree, new Set(), {}, 'name');
    expect(rows).toHaveLength(2);
    expect(rows[1]?.node.name).toBe('leaf');
    expect(tree.root.unsized).toBe(1);
    expect(flatten(buildDiffTree(changes, { compress: false }), new Set())).toHaveLength(2001);
    // A correctness test of depth, not of speed: each of the 2,001 uncompressed rows carries its guides, so it
    // takes about a second of CPU, and far longer on a loaded machine than vitest's default 5 s.
  }, 60_000);
});
