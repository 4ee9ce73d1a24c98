/**
 * The Plan as the execution contract (core/plan/contract.ts, core/drift.ts), on snapshots recorded from the real
 * 26.1.5 and 20.10.24 engines (test/fixtures/snapshots): kind and confirmation word from the parsed command, and
 * volume identity (name + driver + CreatedAt) that makes a recreated volume drift.
 */
import { describe, expect, test } from 'vitest';
import { comparePlans } from '../../../src/core/drift.js';
import type { Snapshot } from '../../../src/core/model.js';
import { ENGINES, plan, snapshot } from './recorded.js';

describe.each(ENGINES)('the plan contract on the recorded %s engine', (version) => {
  const s = snapshot(version);

  test.each([
    // [argv, kind, word to type]
    [['docker', 'rm', '-v', 'sem-created'], 'rm', 'sem-created'],
    [['docker', 'rm', 'sem-created'], 'rm', null],
    [['docker', 'container', 'rm', '--volumes', 'sem-created'], 'rm', 'sem-created'],
    [['docker', 'volume', 'rm', 'sem-dangling'], 'volume-rm', 'sem-dangling'],
    [['docker', 'volume', 'prune', '-f'], 'volume-prune', 'prune'],
    [['docker', 'container', 'prune', '-f'], 'container-prune', null],
    [['docker', 'system', 'prune', '-f'], 'system-prune', null],
  ] as const)('%j: kind %s, confirm %s', (argv, kind, word) => {
    const p = plan(s, argv);
    expect(p.kind).toBe(kind);
    expect(p.confirm).toBe(word);
  });

  test('a prune named with words that look like another command is still a prune (parsed, not matched)', () => {
    // `rm` as a filter value must not make it an rm; the plan's kind comes from the parser.
    const p = plan(s, ['docker', 'volume', 'prune', '--filter', 'label=rm', '-f']);
    expect(p.kind).toBe('volume-prune');
  });

  test('every destroyed volume carries its driver and CreatedAt from the snapshot', () => {
    const p = plan(s, ['docker', 'volume', 'rm', 'sem-dangling']);
    const recorded = s.volumes.find((v) => v.name === 'sem-dangling');
    expect(p.destroy.volumes).toHaveLength(1);
    expect(p.destroy.volumes[0]).toMatchObject({
      name: 'sem-dangling',
      driver: 'local',
      createdAt: recorded?.createdAt,
    });
  });

  test('a volume removed and recreated under the same name is drift; the same volume is not', () => {
    const shown = plan(s, ['docker', 'volume', 'rm', 'sem-dangling']);
    expect(comparePlans(shown, plan(s, ['docker', 'volume', 'rm', 'sem-dangling']))).toEqual([]);
    const recreated: Snapshot = {
      ...s,
      volumes: s.volumes.map((v) => (v.name === 'sem-dangling' ? { ...v, createdAt: '2099-01-01T00:00:00Z' } : v)),
    };
    const drift = comparePlans(shown, plan(recreated, ['docker', 'volume', 'rm', 'sem-dangling']));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ kind: 'volume', name: 'sem-dangling' });
    expect(drift[0]?.now).toMatch(/different volume .*2099-01-01/);
  });

  test('the same name on another driver is drift too', () => {
    const shown = plan(s, ['docker', 'volume', 'rm', 'sem-dangling']);
    const other: Snapshot = {
      ...s,
      volumes: s.volumes.map((v) => (v.name === 'sem-dangling' ? { ...v, driver: 'other' } : v)),
    };
    expect(comparePlans(shown, plan(other, ['docker', 'volume', 'rm', 'sem-dangling']))).toHaveLength(1);
  });
});
