import { describe, expect, test } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { danglingAnonymous, names, plan, recordedSizes, snapshot, volumeAt } from './recorded.js';

/** The recorded engine with the API version the docker CLI would speak (e.g. `DOCKER_API_VERSION=1.41`). */
const atApi = (s: Snapshot, apiVersion: string): Snapshot => ({ ...s, engine: { ...s.engine, apiVersion } });

/**
 * docker volume prune by engine and API version (shared/docker-semantics.md §2, §6 rule 2). Unused, local, without
 * options in both recordings: sem-dangling, sem-vlab (foo=bar), sem-fakeanon (named + anonymous label) and the two
 * anonymous volumes `docker rm` left (`g` from -v, labelled on 26.1.5; `g2` from --mount, never labelled).
 */
describe('docker volume prune on the recorded engines', () => {
  const modern = snapshot('26.1.5');
  const legacy = snapshot('20.10.24');
  const unusedAll = (s: Snapshot) => {
    const { labelled, unlabelled } = danglingAnonymous(s);
    return [...labelled, ...unlabelled, 'sem-dangling', 'sem-fakeanon', 'sem-vlab'].sort();
  };

  test('the recordings hold what the table below assumes', () => {
    expect(danglingAnonymous(modern).labelled).toHaveLength(1);
    expect(danglingAnonymous(modern).unlabelled).toHaveLength(1);
    expect(danglingAnonymous(legacy).labelled).toHaveLength(0);
    expect(danglingAnonymous(legacy).unlabelled).toHaveLength(2);
  });

  test.each([
    // [label, snapshot, argv, expected destroyed names, warning that must be there]
    [
      '26.1.5 API 1.45, plain: only anonymous-labelled volumes',
      () => modern,
      ['volume', 'prune'],
      () => [...danglingAnonymous(modern).labelled, 'sem-fakeanon'].sort(),
      /1 unused volume with anonymous \(64-hex\) names lack the com\.docker\.volume\.anonymous label/,
    ],
    [
      '26.1.5 API 1.45, -a: every unused local volume',
      () => modern,
      ['volume', 'prune', '-a'],
      () => unusedAll(modern),
      null,
    ],
    [
      '26.1.5 API 1.45, --filter all=true is -a',
      () => modern,
      ['volume', 'prune', '--filter', 'all=true'],
      () => unusedAll(modern),
      null,
    ],
    [
      '26.1.5 at API 1.41: the engine injects all=true, named volumes go',
      () => atApi(modern, '1.41'),
      ['volume', 'prune'],
      () => unusedAll(modern),
      /API 1\.41 \(< 1\.42, e\.g\. DOCKER_API_VERSION\): the engine prunes every unused local volume, named ones included/,
    ],
    [
      '20.10.24: no label concept, named volumes go',
      () => legacy,
      ['volume', 'prune'],
      () => unusedAll(legacy),
      /engine 20\.10\.24\+dfsg1 predates the anonymous-volume label/,
    ],
    [
      '26.1.5 -a --filter label=foo=bar: only the labelled volume',
      () => modern,
      ['volume', 'prune', '-a', '--filter', 'label=foo=bar'],
      () => ['sem-vlab'],
      null,
    ],
    [
      '26.1.5 -a --filter label!=foo=bar: everything but the labelled volume',
      () => modern,
      ['volume', 'prune', '-a', '--filter', 'label!=foo=bar'],
      () => unusedAll(modern).filter((n) => n !== 'sem-vlab'),
      null,
    ],
    [
      '20.10.24 --filter label=foo=bar',
      () => legacy,
      ['volume', 'prune', '--filter', 'label=foo=bar'],
      () => ['sem-vlab'],
      null,
    ],
    [
      '26.1.5 -a with pruneFilters from the CLI config',
      () => ({ ...modern, pruneFilters: ['label=foo=bar'] }),
      ['volume', 'prune', '-a'],
      () => ['sem-vlab'],
      /pruneFilters from the docker CLI config apply: label=foo=bar/,
    ],
  ] as const)('%s', (_label, snap, argv, destroyed, warning) => {
    const p = plan(snap(), ['docker', ...argv]);
    expect(p.blocked).toBeNull();
    expect(names(p.destroy.volumes)).toEqual(destroyed());
    if (warning) expect(p.warnings.join('\n')).toMatch(warning);
    // Never pruned whatever the flags: options, in use (even by a never-started container).
    const keep = new Map(p.keep.volumes.map((k) => [k.name, k.reason]));
    expect(keep.get('sem-vopts')).toBe('created with driver options: prune never removes it');
    expect(keep.get('sem-inuse')).toBe('in use by sem-created');
    expect(keep.get(volumeAt(snap(), 'sem-paused', '/anon-p'))).toBe('in use by sem-paused');
  });

  test.each([
    ['26.1.5 at API 1.41: the CLI refuses -a', () => atApi(modern, '1.41'), ['volume', 'prune', '-a']],
    ['20.10.24: the CLI refuses -a', () => legacy, ['volume', 'prune', '-a']],
  ] as const)('%s', (_label, snap, argv) => {
    const p = plan(snap(), ['docker', ...argv]);
    expect(p.blocked?.reason).toMatch(
      /the docker CLI refuses it: "--all" requires API version 1\.42, but the Docker daemon API version is 1\.41/,
    );
    expect(p.destroy.volumes).toEqual([]);
  });

  test.each([
    ['20.10.24 --filter all=true', () => legacy, 'all=true', "Invalid filter 'all'"],
    [
      '26.1.5 with until=24h from the CLI config pruneFilters',
      () => ({ ...modern, pruneFilters: ['until=24h'] }),
      'until=24h',
      "invalid filter 'until'",
    ],
  ] as const)('%s: the engine rejects the filter, the whole prune is blocked', (_label, snap, filter, message) => {
    const argv = filter === 'all=true' ? ['--filter', filter] : [];
    const p = plan(snap(), ['docker', 'volume', 'prune', ...argv]);
    expect(p.blocked?.reason).toBe(`the engine refuses it: Error response from daemon: ${message}`);
    expect(p.destroy.volumes).toEqual([]);
  });

  test('a plain prune keeps the named and the unlabelled anonymous volumes with the reason', () => {
    const p = plan(modern, ['docker', 'volume', 'prune']);
    const keep = new Map(p.keep.volumes.map((k) => [k.name, k.reason]));
    expect(keep.get('sem-dangling')).toBe('named volume: only prune -a removes it');
    expect(keep.get(danglingAnonymous(modern).unlabelled[0] as string)).toMatch(
      /anonymous-looking but without the com\.docker\.volume\.anonymous label/,
    );
    expect(p.destroy.volumes.map((d) => [d.name, d.anonymous])).toContainEqual(['sem-fakeanon', true]);
  });

  test('sizes come from the recorded /system/df; a volume with options has none', () => {
    const p = plan(modern, ['docker', 'volume', 'prune', '-a'], recordedSizes('26.1.5'));
    for (const d of p.destroy.volumes) expect(d.bytes).toBe(0);
    expect(p.keep.volumes.find((k) => k.name === 'sem-vopts')?.bytes).toBeNull();
    expect(p.keep.volumes.find((k) => k.name === 'sem-named')?.bytes).toBe(4096);
    expect(p.totals).toEqual({ bytes: 0, unknown: 0 });
  });
});

describe('docker volume rm on the recorded engines', () => {
  const s = snapshot('26.1.5');
  test('in use (even by a created container) is refused, -f does not override; an unused one goes', () => {
    const p = plan(s, ['docker', 'volume', 'rm', '-f', 'sem-inuse', 'sem-dangling']);
    expect(names(p.destroy.volumes)).toEqual(['sem-dangling']);
    expect(p.keep.volumes.map((k) => k.reason)).toEqual([
      'in use by sem-created: the engine refuses to remove it (-f does not override this)',
    ]);
    const blocked = plan(s, ['docker', 'volume', 'rm', 'sem-inuse']);
    expect(blocked.blocked?.reason).toMatch(/sem-inuse is in use by sem-created/);
  });
});
