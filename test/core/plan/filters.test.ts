/**
 * Filters as the engine parses them (issue 16), on the snapshots recorded from 26.1.5 and 20.10.24
 * (test/fixtures/snapshots). Messages are the engines' own, as seen on them (test/engine/oracle/prune.test.ts
 * "filters as the … engine parses them" runs the same command lines for real).
 */
import { describe, expect, test } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { parseGoDuration, parseUntil } from '../../../src/core/plan/filters.js';
import { names, plan, snapshot } from './recorded.js';

const atApi = (s: Snapshot, apiVersion: string): Snapshot => ({ ...s, engine: { ...s.engine, apiVersion } });
const modern = snapshot('26.1.5');
const legacy = snapshot('20.10.24');

describe('volume prune: all as strconv.ParseBool reads it', () => {
  test.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('all=%s prunes named volumes (26.1.5)', (v) => {
    const p = plan(modern, ['docker', 'volume', 'prune', '--filter', `all=${v}`]);
    expect(p.blocked).toBeNull();
    expect(names(p.destroy.volumes)).toContain('sem-dangling');
  });

  test.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('all=%s: anonymous-labelled only (26.1.5)', (v) => {
    const p = plan(modern, ['docker', 'volume', 'prune', '--filter', `all=${v}`]);
    expect(names(p.destroy.volumes)).not.toContain('sem-dangling');
    expect(names(p.destroy.volumes)).toContain('sem-fakeanon');
  });

  test.each([
    [['--filter', 'all=yes'], `invalid filter 'all': strconv.ParseBool: parsing "yes": invalid syntax`],
    [['--filter', 'all=true', '--filter', 'all=1'], `invalid filter 'all=[1 true]': only one value is expected`],
    [['--filter', 'bogus=1'], `invalid filter 'bogus'`],
  ])('%j is refused by 26.1.5: blocked with its message', (args, msg) => {
    const p = plan(modern, ['docker', 'volume', 'prune', ...args]);
    expect(p.blocked?.reason).toBe(`the engine refuses it: Error response from daemon: ${msg}`);
    expect(p.destroy.volumes).toEqual([]);
  });

  test('a repeated identical value is one value (filters.Args is a set)', () => {
    const p = plan(modern, ['docker', 'volume', 'prune', '--filter', 'all=true', '--filter', 'all=true']);
    expect(p.blocked).toBeNull();
  });

  test('at API 1.41 the router adds all=true: all=true passes, all=1 and all=false are refused', () => {
    const s = atApi(modern, '1.41');
    expect(plan(s, ['docker', 'volume', 'prune', '--filter', 'all=true']).blocked).toBeNull();
    for (const v of ['1', 'false']) {
      expect(plan(s, ['docker', 'volume', 'prune', '--filter', `all=${v}`]).blocked?.reason).toMatch(
        /only one value is expected/,
      );
    }
  });

  test('20.10.24 refuses the all key in any spelling', () => {
    expect(plan(legacy, ['docker', 'volume', 'prune', '--filter', 'all=True']).blocked?.reason).toMatch(
      /Invalid filter 'all'/,
    );
  });

  test('-a with --filter all (or a pruneFilters all) is the CLI conflict, at API >= 1.42 only', () => {
    const p = plan({ ...modern, pruneFilters: ['all=false'] }, ['docker', 'volume', 'prune', '-a']);
    expect(p.blocked?.reason).toMatch(/conflicting options: cannot specify both --all and --filter all=1/);
  });
});

describe('container and system prune: keys and until', () => {
  test.each([
    [['container', 'prune', '--filter', 'foo=1'], `invalid filter 'foo'`],
    [['container', 'prune', '--filter', 'until=1h', '--filter', 'until=2h'], 'more than one until filter specified'],
    [['container', 'prune', '--filter', 'until=soon'], 'failed to parse value as time or duration: "soon"'],
    [['system', 'prune', '--filter', 'all=true'], `invalid filter 'all'`],
  ])('%j: blocked with the engine message', (args, msg) => {
    const p = plan(modern, ['docker', ...args]);
    expect(p.blocked?.reason).toBe(`the engine refuses the container prune: Error response from daemon: ${msg}`);
    expect(p.destroy.containers).toEqual([]);
  });

  test('until applies to networks: a network created after the limit is kept', () => {
    const takenAt = modern.takenAt;
    const s: Snapshot = {
      ...modern,
      networks: modern.networks.map((n) => ({
        ...n,
        createdMs: n.name === 'sem-net-stopped' ? takenAt - 60_000 : takenAt - 2 * 3_600_000,
      })),
    };
    const p = plan(s, ['docker', 'system', 'prune', '--filter', 'until=1h']);
    expect(p.keep.networks.find((n) => n.name === 'sem-net-stopped')?.reason).toBe('created after the until filter');
    expect(names(p.destroy.networks)).toContain('sem-net-empty');
    expect(p.warnings.join(' ')).not.toMatch(/creation time/);
  });
});

describe('until values as GetTimestamp reads them', () => {
  const now = Date.UTC(2026, 10, 27, 8, 0, 30, 500);
  test.each([
    ['1h', Date.UTC(2026, 10, 27, 7, 0, 30)],
    ['1h30m', Date.UTC(2026, 10, 27, 6, 30, 30)],
    ['.5h', Date.UTC(2026, 10, 27, 7, 30, 30)],
    ['0', 0],
    ['1700000000', 1_700_000_000_000],
    ['2026-11-27', Date.UTC(2026, 10, 27)],
    ['2026-11-27T07:00:00Z', Date.UTC(2026, 10, 27, 7)],
    ['soon', null],
    ['1d', null],
  ])('%s', (v, want) => {
    expect(parseUntil(v, now)).toBe(want);
  });

  test('Go durations: signs, fractions, µs', () => {
    expect(parseGoDuration('-1m')).toBe(-60_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('1000µs')).toBe(1);
    expect(parseGoDuration('')).toBeNull();
    expect(parseGoDuration('h')).toBeNull();
  });
});
