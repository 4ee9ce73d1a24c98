import { describe, expect, test } from 'vitest';
import type { ContainerInfo, ContainerSpec, Snapshot } from '../../../src/core/model.js';
import { cleanPath, parseBind, specSource, volumeReferences } from '../../../src/core/plan/spec-source.js';
import { container, ENGINES, snapshot, volumeAt } from './recorded.js';

describe('cleanPath / parseBind', () => {
  test.each([
    ['/data/', '/data'],
    ['//a//b/', '/a/b'],
    ['/', '/'],
  ])('cleanPath(%s) = %s', (p, out) => {
    expect(cleanPath(p)).toBe(out);
  });

  test('cleanPath gives what collapsing runs of slashes and dropping a trailing one gives, for every path of up to 6 of / a .', () => {
    const byExpression = (p: string) => {
      const c = p.replace(/\/+/g, '/').replace(/\/$/, '');
      return c === '' ? '/' : c;
    };
    let paths = [''];
    let checked = 0;
    for (let length = 0; length <= 6; length++) {
      for (const p of paths) {
        expect([p, cleanPath(p)]).toEqual([p, byExpression(p)]);
        checked++;
      }
      paths = paths.flatMap((p) => ['/', 'a', '.'].map((c) => p + c));
    }
    expect(checked).toBe((3 ** 7 - 1) / 2);
  });

  test.each([
    ['/bindanon', { source: '', destination: '/bindanon' }],
    ['sem-bindnamed:/bn', { source: 'sem-bindnamed', destination: '/bn' }],
    ['/host/dir:/hostb:ro', { source: '/host/dir', destination: '/hostb' }],
  ])('parseBind(%s)', (b, out) => {
    expect(parseBind(b)).toEqual(out);
  });
});

describe.each(ENGINES)('specSource on the recording of %s', (version) => {
  const s = snapshot(version);
  test.each([
    ['sem-run', '/anon1', '', '-v /anon1 goes to Config.Volumes: anonymous'],
    ['sem-run', '/anon2', '', '--mount without a source (HostConfig.Mounts, Source "")'],
    ['sem-run', '/named', 'sem-named', '-v sem-named:/named (HostConfig.Binds)'],
    ['sem-run', '/data', '', "the image's VOLUME /data, not overridden"],
    ['sem-run', '/data/', '', 'a trailing slash names the same destination'],
    ['sem-override', '/data', 'sem-ovr', '--mount src=sem-ovr over the image VOLUME: Mounts win'],
    ['sem-from', '/anon1', '', '--volumes-from copies the donor spec: anonymous stays anonymous'],
    ['sem-from', '/anon2', '', '--volumes-from of a --mount anonymous volume'],
    ['sem-from', '/named', 'sem-named', '--volumes-from of a named mount'],
    ['sem-binds', '/bindanon', '', 'raw API Binds with a bare destination'],
    ['sem-binds', '/bn', 'sem-bindnamed', 'raw API Binds name:/dst'],
    ['sem-created', '/anon-c', '', '-v /anon-c on a never-started container'],
    ['sem-from-gone', '/dv', null, 'the donor was removed: the spec cannot be learned (unknown, not a guess)'],
  ] as const)('%s %s → %j (%s)', (name, dst, source, _why) => {
    expect(specSource(s.containers, container(s, name), dst)).toBe(source);
  });

  test('an anonymous volume mounted by name elsewhere has a named spec there', () => {
    const shared = volumeAt(s, 'sem-shared-a', '/anon-s');
    expect(specSource(s.containers, container(s, 'sem-shared-a'), '/anon-s')).toBe('');
    expect(specSource(s.containers, container(s, 'sem-shared-b'), '/y')).toBe(shared);
  });

  test('a container that was listed but not inspected has no spec: unknown', () => {
    const { spec: _spec, ...listed } = container(s, 'sem-run');
    expect(specSource(s.containers, listed, '/anon1')).toBeNull();
  });

  test('volumeReferences counts every container that mounts a volume, in any state', () => {
    const refs = volumeReferences(s.containers);
    expect([...(refs.get('sem-named') ?? [])].sort()).toEqual(
      [container(s, 'sem-run').id, container(s, 'sem-from').id].sort(),
    );
    expect([...(refs.get('sem-inuse') ?? [])]).toEqual([container(s, 'sem-created').id]);
    expect(refs.has('sem-dangling')).toBe(false);
  });
});

/**
 * Precedence when several spec fields name one destination (daemon `registerMountPoints`): Mounts > Binds >
 * VolumesFrom > Config/image volumes. The engine never lets two of these coexist for one destination in a
 * recording, so each row takes the recorded sem-created and adds the competing fields to its spec.
 */
describe('specSource precedence (recorded container, competing spec fields added)', () => {
  const s = snapshot('26.1.5');
  const base = container(s, 'sem-created');
  const donor = container(s, 'sem-run');
  const withSpec = (patch: Partial<ContainerSpec>): { snap: Snapshot; c: ContainerInfo } => {
    const spec = base.spec as ContainerSpec;
    // A recipient's mount table holds the donor's volume at that destination (the engine copied it).
    const named = donor.mounts.find((m) => m.destination === '/named');
    const c: ContainerInfo = {
      ...base,
      mounts: [...base.mounts, ...(named ? [named] : [])],
      spec: { ...spec, ...patch },
    };
    return { snap: { ...s, containers: s.containers.map((x) => (x.id === c.id ? c : x)) }, c };
  };
  const mount = (source: string) => [{ type: 'volume', source, target: '/named', readOnly: false }];
  test.each([
    ['Mounts over Binds', { mounts: mount('from-mounts'), binds: ['from-binds:/named'] }, 'from-mounts'],
    ['Mounts over VolumesFrom', { mounts: mount('from-mounts'), volumesFrom: ['sem-run'] }, 'from-mounts'],
    ['Binds over VolumesFrom', { binds: ['from-binds:/named'], volumesFrom: ['sem-run'] }, 'from-binds'],
    ['VolumesFrom over Config.Volumes', { configVolumes: ['/named'], volumesFrom: ['sem-run'] }, 'sem-named'],
    ['Binds (bare) over Config.Volumes', { binds: ['/named'], configVolumes: ['/named'] }, ''],
    ['Mounts (anonymous) over Binds (named)', { mounts: mount(''), binds: ['from-binds:/named'] }, ''],
    ['VolumesFrom with :ro suffix', { volumesFrom: ['sem-run:ro'] }, 'sem-named'],
  ] as const)('%s', (_label, patch, expected) => {
    const { snap, c } = withSpec({ binds: [], mounts: [], volumesFrom: [], configVolumes: [], ...patch });
    expect(donor.mounts.some((m) => m.destination === '/named')).toBe(true);
    expect(specSource(snap.containers, c, '/named')).toBe(expected);
  });
});

/**
 * `--volumes-from` history (issue 16) on the 26.1.5 recording: sem-from was created with `--volumes-from sem-run`.
 * The donor's spec is followed only while the container holding its name is still that donor; otherwise the
 * recipient's own spec decides (config.v2.json when readable, else the volume name: only a named spec gives a
 * volume a name that is not 64 hex digits).
 */
describe('--volumes-from when the donor is gone or its name was reused (26.1.5 recording)', () => {
  const s = snapshot('26.1.5');
  const rcpt = container(s, 'sem-from');
  const donor = container(s, 'sem-run');
  const anon1 = volumeAt(s, 'sem-from', '/anon1');

  test('donor removed: a named copy stays named, an anonymous one is unknown without the engine files', () => {
    const gone = s.containers.filter((c) => c.id !== donor.id);
    expect(specSource(gone, rcpt, '/named')).toBe('sem-named');
    expect(specSource(gone, rcpt, '/anon1')).toBeNull();
  });

  test("a newer container holding the donor's name is not read", () => {
    const impostor: ContainerInfo = {
      ...donor,
      id: 'f'.repeat(64),
      created: rcpt.created + 60,
      mounts: donor.mounts.map((m) => (m.destination === '/anon1' ? { ...m, name: 'other' } : m)),
      spec: { ...(donor.spec as ContainerSpec), binds: ['sem-named:/named', 'other:/anon1'] },
    };
    const list = [...s.containers.filter((c) => c.id !== donor.id), impostor];
    expect(specSource(list, rcpt, '/anon1')).toBeNull();
    const withDisk: ContainerInfo = { ...rcpt, spec: { ...(rcpt.spec as ContainerSpec), diskSpecs: { '/anon1': '' } } };
    expect(specSource(list, withDisk, '/anon1')).toBe('');
    expect(anon1).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the recipient image has a VOLUME at the donor destination: the donor copy wins, never "anonymous"', () => {
    const gone = s.containers.filter((c) => c.id !== donor.id);
    const onImagePath: ContainerInfo = {
      ...rcpt,
      spec: { ...(rcpt.spec as ContainerSpec), imageVolumes: ['/named'] },
    };
    expect(specSource(gone, onImagePath, '/named')).toBe('sem-named');
  });
});
