import { describe, expect, test } from 'vitest';
import { LookupError } from '../../../src/core/plan/index.js';
import { danglingAnonymous, ENGINES, names, plan, recordedSizes, snapshot, volumeAt } from './recorded.js';

/** docker rm on the recorded engines (shared/docker-semantics.md §1, §6 rule 1). */
describe.each(ENGINES)('docker rm on the recording of %s', (version) => {
  const s = snapshot(version);
  const v = (c: string, dst: string) => volumeAt(s, c, dst);
  const runAnon = () => [v('sem-run', '/anon1'), v('sem-run', '/anon2'), v('sem-run', '/data')].sort();

  test.each([
    ['rm', 'sem-run', /sem-run is running: the engine refuses/],
    ['rm -v', 'sem-run', /sem-run is running/],
    ['rm', 'sem-paused', /sem-paused is paused: .*unpause it first/],
  ])('docker %s %s is blocked without -f', (flags, name, reason) => {
    const p = plan(s, ['docker', ...flags.split(' '), name]);
    expect(p.blocked?.reason).toMatch(reason);
    expect(p.destroy).toEqual({ containers: [], volumes: [], networks: [], images: [] });
    expect(names(p.keep.containers)).toEqual([name]);
  });

  test('rm of a running and a stopped container: the stopped one goes, the running one stays with a warning', () => {
    const p = plan(s, ['docker', 'rm', 'sem-run', 'sem-exited']);
    expect(p.blocked).toBeNull();
    expect(names(p.destroy.containers)).toEqual(['sem-exited']);
    expect(names(p.keep.containers)).toEqual(['sem-run']);
    expect(p.warnings.join('\n')).toMatch(/sem-run will not be removed .* exits non-zero/);
    // Without -v the anonymous volume is orphaned, never destroyed.
    expect(names(p.orphan.volumes)).toEqual([v('sem-exited', '/anon-e')]);
    expect(p.destroy.volumes).toEqual([]);
  });

  test('rm -f kills a running container; its volumes stay because sem-from (--volumes-from) still uses them', () => {
    const p = plan(s, ['docker', 'rm', '-f', '-v', 'sem-run']);
    expect(p.destroy.containers.map((c) => [c.name, c.reason])).toEqual([
      ['sem-run', 'running: killed (SIGKILL) and removed by rm -f'],
    ]);
    expect(p.destroy.volumes).toEqual([]);
    expect(names(p.keep.volumes)).toEqual([...runAnon(), 'sem-named'].sort());
    for (const k of p.keep.volumes) expect(k.reason).toBe('still used by sem-from');
  });

  test('rm -f -v of the donor and its --volumes-from recipient: anonymous volumes go, the named one is orphaned', () => {
    const p = plan(s, ['docker', 'rm', '-f', '-v', 'sem-run', 'sem-from']);
    expect(names(p.destroy.containers)).toEqual(['sem-from', 'sem-run']);
    expect(names(p.destroy.volumes)).toEqual(runAnon());
    for (const d of p.destroy.volumes) expect(d.anonymous).toBe(true);
    expect(p.orphan.volumes.map((o) => [o.name, o.anonymous])).toEqual([['sem-named', false]]);
    expect(p.orphan.volumes[0]?.reason).toMatch(/mounted by name \(sem-named\), so -v keeps it/);
  });

  test.each([
    // [command, destroyed volumes, orphaned volumes]
    ['rm -v sem-created', () => [v('sem-created', '/anon-c')], () => ['sem-inuse']],
    ['rm sem-created', () => [], () => [v('sem-created', '/anon-c'), 'sem-inuse'].sort()],
    ['rm -v sem-binds', () => [v('sem-binds', '/bindanon')], () => ['sem-bindnamed']],
    ['rm -v sem-override', () => [], () => ['sem-ovr']],
    ['rm -v sem-exited', () => [v('sem-exited', '/anon-e')], () => []],
  ])('docker %s', (cmd, destroyed, orphaned) => {
    const p = plan(s, ['docker', ...cmd.split(' ')]);
    expect(p.blocked).toBeNull();
    expect(names(p.destroy.volumes)).toEqual(destroyed());
    expect(names(p.orphan.volumes)).toEqual(orphaned());
  });

  test('rm -v keeps an anonymous volume another container mounts by name (shared volume)', () => {
    const shared = v('sem-shared-a', '/anon-s');
    const p = plan(s, ['docker', 'rm', '-v', 'sem-shared-a']);
    expect(p.destroy.volumes).toEqual([]);
    expect(p.keep.volumes.map((k) => [k.name, k.reason])).toEqual([[shared, 'still used by sem-shared-b']]);
  });

  test('rm -v of both users of a shared volume: anonymous in one, named in the other → listed destroyed, warned', () => {
    const shared = v('sem-shared-a', '/anon-s');
    const p = plan(s, ['docker', 'rm', '-v', 'sem-shared-a', 'sem-shared-b']);
    expect(names(p.destroy.volumes)).toEqual([shared]);
    expect(p.warnings.join('\n')).toMatch(/depends on the order the engine removes them/);
  });

  test('rm -v of a --volumes-from recipient whose donor is gone: "may be removed", listed destroyed, warned', () => {
    const p = plan(s, ['docker', 'rm', '-v', 'sem-from-gone']);
    expect(p.destroy.volumes.map((d) => [d.name, d.anonymous])).toEqual([[v('sem-from-gone', '/dv'), false]]);
    expect(p.destroy.volumes[0]?.reason).toMatch(/mount spec cannot be read/);
    expect(p.warnings.join('\n')).toMatch(/listed as destroyed to be safe/);
  });

  test('rm -l removes only a link name: nothing is destroyed', () => {
    const p = plan(s, ['docker', 'rm', '-l', 'sem-exited']);
    expect(p.destroy).toEqual({ containers: [], volumes: [], networks: [], images: [] });
    expect(p.warnings).toEqual(['-l/--link removes only the link name; no container, volume or data is removed']);
  });

  test('a missing container is exit 4 without -f, ignored with a warning with -f', () => {
    expect(() => plan(s, ['docker', 'rm', 'sem-nope'])).toThrow(LookupError);
    const p = plan(s, ['docker', 'rm', '-f', 'sem-nope', 'sem-exited']);
    expect(names(p.destroy.containers)).toEqual(['sem-exited']);
    expect(p.warnings).toContain('no such container: sem-nope (ignored with -f)');
  });

  test('a container named twice is removed once, with a warning', () => {
    const p = plan(s, ['docker', 'rm', 'sem-exited', 'sem-exited']);
    expect(names(p.destroy.containers)).toEqual(['sem-exited']);
    expect(p.warnings.join('\n')).toMatch(/named twice/);
  });

  test('with the recorded /system/df sizes: exact totals, and change counts null only when not read', () => {
    const sizes = recordedSizes(version);
    const p = plan(s, ['docker', 'rm', '-f', '-v', 'sem-run', 'sem-from'], sizes);
    const run = p.destroy.containers.find((c) => c.name === 'sem-run');
    // The recorder wrote 2 KiB into sem-run's writable layer and 1 KiB into /anon1.
    expect(run?.writableLayer).toEqual({ bytes: 2048, changes: null });
    expect(p.destroy.volumes.find((d) => d.name === v('sem-run', '/anon1'))?.bytes).toBe(1024);
    expect(p.orphan.volumes[0]?.bytes).toBe(4096);
    const known =
      p.destroy.containers.reduce((n, c) => n + (c.writableLayer.bytes ?? 0), 0) +
      p.destroy.volumes.reduce((n, d) => n + (d.bytes ?? 0), 0);
    expect(p.totals).toEqual({ bytes: known, unknown: 2 });
    // Two containers: under the exact-changes limit, so no warning about change counts.
    expect(p.warnings.join('\n')).not.toMatch(/change counts/);
  });

  test('the dangling anonymous volumes of the recording are untouched by rm', () => {
    const { labelled, unlabelled } = danglingAnonymous(s);
    const p = plan(s, ['docker', 'rm', '-v', 'sem-exited']);
    const mentioned = [...p.destroy.volumes, ...p.orphan.volumes, ...p.keep.volumes].map((x) => x.name);
    for (const name of [...labelled, ...unlabelled]) expect(mentioned).not.toContain(name);
  });
});
