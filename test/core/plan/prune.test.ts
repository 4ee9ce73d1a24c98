import { describe, expect, test } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { EXACT_CHANGES_MAX } from '../../../src/core/plan/totals.js';
import { ENGINES, names, plan, recordedSizes, snapshot, volumeAt } from './recorded.js';

const STOPPED = [
  'sem-binds',
  'sem-created',
  'sem-exited',
  'sem-from',
  'sem-from-gone',
  'sem-override',
  'sem-shared-a',
  'sem-shared-b',
];

/** container prune and system prune, in the engine's order (shared/docker-semantics.md §4, §6 rule 3). */
describe.each(ENGINES)('prunes on the recording of %s', (version) => {
  const s = snapshot(version);
  const v = (c: string, dst: string) => volumeAt(s, c, dst);
  /** Volumes only the stopped containers use: orphaned by a prune that removes them without `v`. */
  const onlyStopped = () =>
    [
      v('sem-created', '/anon-c'),
      'sem-inuse',
      v('sem-exited', '/anon-e'),
      v('sem-binds', '/bindanon'),
      'sem-bindnamed',
      v('sem-from-gone', '/dv'),
      'sem-ovr',
      v('sem-shared-a', '/anon-s'),
    ].sort();

  test('container prune: created and exited go, running and paused stay; their volumes are orphaned, not destroyed', () => {
    const p = plan(s, ['docker', 'container', 'prune']);
    expect(names(p.destroy.containers)).toEqual(STOPPED);
    expect(p.keep.containers.map((c) => [c.name, c.reason])).toEqual([
      ['sem-paused', 'paused: prune only removes stopped and created containers'],
      ['sem-run', 'running: prune only removes stopped and created containers'],
    ]);
    expect(p.destroy.volumes).toEqual([]);
    expect(names(p.orphan.volumes)).toEqual(onlyStopped());
    // sem-from's volumes are sem-run's too: still used.
    expect(p.keep.volumes.every((k) => k.reason === 'still used by sem-run')).toBe(true);
  });

  test('container prune --filter label=foo=bar: only the labelled exited container', () => {
    const p = plan(s, ['docker', 'container', 'prune', '--filter', 'label=foo=bar']);
    expect(names(p.destroy.containers)).toEqual(['sem-exited']);
    expect(names(p.orphan.volumes)).toEqual([v('sem-exited', '/anon-e')]);
  });

  test('system prune: containers → networks without running endpoints → dangling images; no volume without --volumes', () => {
    const p = plan(s, ['docker', 'system', 'prune']);
    expect(names(p.destroy.containers)).toEqual(STOPPED);
    // sem-net-stopped is only used by sem-exited, pruned in the container step first: no trap warning.
    expect(names(p.destroy.networks)).toEqual(['sem-net-empty', 'sem-net-stopped']);
    expect(p.keep.networks.map((n) => [n.name, n.reason])).toEqual([['sem-net-running', 'in use by running sem-run']]);
    expect(p.destroy.images.map((i) => i.tags)).toEqual([[]]);
    expect(p.destroy.volumes).toEqual([]);
    expect(names(p.orphan.volumes)).toEqual(onlyStopped());
    expect(p.warnings.join('\n')).not.toMatch(/will fail to start/);
    expect(p.warnings.join('\n')).toMatch(/build cache is not previewed/);
  });

  test('system prune -a: unused tagged images go too; images of surviving containers stay', () => {
    const p = plan(s, ['docker', 'system', 'prune', '-a']);
    expect(p.destroy.images.map((i) => i.tags).sort()).toEqual([[], ['sem/unused:1']]);
  });

  test('system prune --filter label!=foo=bar: the kept stopped container loses its network (trap warning)', () => {
    const p = plan(s, ['docker', 'system', 'prune', '--filter', 'label!=foo=bar']);
    expect(names(p.keep.containers)).toEqual(['sem-exited', 'sem-paused', 'sem-run']);
    // label!=foo=bar: sem-net-empty carries foo=bar and stays; the unlabelled sem-net-stopped goes.
    expect(names(p.destroy.networks)).toEqual(['sem-net-stopped']);
    expect(p.warnings.join('\n')).toMatch(
      /network sem-net-stopped is removed although sem-exited \(stopped, kept\) uses it: it will fail to start/,
    );
  });

  test('system prune --volumes: the volume step sees the containers pruned before it', () => {
    const p = plan(s, ['docker', 'system', 'prune', '--volumes']);
    const destroyed = names(p.destroy.volumes);
    if (version === '26.1.5') {
      // Anonymous-labelled only (system prune never sends all): the -v volumes of just-pruned containers go in the
      // same run; the raw-Binds one (unlabelled on 26.1.5), named ones and the unlabelled --mount one stay.
      const labelled = [v('sem-created', '/anon-c'), v('sem-exited', '/anon-e'), v('sem-shared-a', '/anon-s')];
      for (const name of labelled) expect(destroyed).toContain(name);
      expect(destroyed).toContain('sem-fakeanon');
      for (const name of ['sem-inuse', 'sem-ovr', 'sem-bindnamed', 'sem-dangling', v('sem-binds', '/bindanon')]) {
        expect(destroyed).not.toContain(name);
      }
      // Orphaned: referenced before, not destroyed, unused after.
      expect(names(p.orphan.volumes)).toEqual(
        ['sem-inuse', 'sem-bindnamed', 'sem-ovr', v('sem-binds', '/bindanon')].sort(),
      );
      expect(p.warnings.join('\n')).toMatch(/lack the com\.docker\.volume\.anonymous label/);
    } else {
      // 20.10.24: every unused local volume without options, named ones included.
      for (const name of [...onlyStopped(), 'sem-dangling', 'sem-vlab', 'sem-fakeanon']) {
        expect(destroyed).toContain(name);
      }
      expect(p.orphan.volumes).toEqual([]);
      expect(p.warnings.join('\n')).toMatch(/predates the anonymous-volume label/);
    }
    expect(destroyed).not.toContain('sem-vopts');
    expect(destroyed).not.toContain('sem-named');
    expect(destroyed).not.toContain(v('sem-paused', '/anon-p'));
  });

  test('system prune --volumes -a: -a is for images only, named volumes stay on a modern engine', () => {
    const p = plan(s, ['docker', 'system', 'prune', '-a', '--volumes']);
    expect(names(p.destroy.volumes)).toEqual(
      names(plan(s, ['docker', 'system', 'prune', '--volumes']).destroy.volumes),
    );
  });

  test('with the recorded /system/df sizes: writable-layer bytes per pruned container', () => {
    const p = plan(s, ['docker', 'container', 'prune'], recordedSizes(version));
    const exited = p.destroy.containers.find((c) => c.name === 'sem-exited');
    // `echo hi >/rw.txt`: 3 bytes in the writable layer.
    expect(exited?.writableLayer.bytes).toBe(3);
    expect(p.totals.bytes).toBe(p.destroy.containers.reduce((n, c) => n + (c.writableLayer.bytes ?? 0), 0));
  });
});

describe('change counts above the exact-changes limit', () => {
  const s = snapshot('26.1.5');
  const exited = s.containers.find((c) => c.name === 'sem-exited');
  /**
   * The recorded engine with `n` more exited containers: copies of the recorded sem-exited under new IDs and names
   * (no engine was seeded with hundreds of containers for a unit test; the bench does that).
   */
  const withCopies = (n: number): Snapshot => ({
    ...s,
    containers: [
      ...s.containers,
      ...Array.from({ length: n }, (_, i) => ({
        ...(exited as NonNullable<typeof exited>),
        id: `${i.toString(16).padStart(4, '0')}${'e'.repeat(60)}`,
        name: `sem-copy-${i}`,
      })),
    ],
  });

  test.each([
    [EXACT_CHANGES_MAX - STOPPED.length, false],
    [EXACT_CHANGES_MAX - STOPPED.length + 1, true],
  ])('%i copies (+8 stopped) → warning %s when counts are not read', (copies, warned) => {
    const p = plan(withCopies(copies), ['docker', 'container', 'prune']);
    expect(p.destroy.containers).toHaveLength(copies + STOPPED.length);
    for (const c of p.destroy.containers) expect(c.writableLayer.changes).toBeNull();
    const warning = `change counts were not read for more than ${EXACT_CHANGES_MAX} containers (${copies + STOPPED.length} destroyed): writableLayer.changes is null; lastlook diff <name> gives them`;
    if (warned) expect(p.warnings).toContain(warning);
    else expect(p.warnings.join('\n')).not.toMatch(/change counts/);
  });

  test('no warning when every count is known, whatever the number of containers', () => {
    const big = withCopies(60);
    const sizes = {
      containers: Object.fromEntries(big.containers.map((c) => [c.id, { sizeRw: 0, changes: 1, logBytes: 0 }])),
      volumes: {},
    };
    const p = plan(big, ['docker', 'container', 'prune'], sizes);
    expect(p.destroy.containers.every((c) => c.writableLayer.changes === 1)).toBe(true);
    expect(p.warnings.join('\n')).not.toMatch(/change counts/);
  });
});
