/** The mount table's shared rules, on mounts recorded from Docker 26.1.5 (test/fixtures/engine-json). */
import { describe, expect, test } from 'vitest';
import type { Fate, FateCommand } from '../../src/core/mount-fates.js';
import { mountModeText, mountStake, mountsOf, orderByStake } from '../../src/core/mounts.js';
import { loadFixture } from '../helpers/memory-port.js';

const fixture = loadFixture();
const inspected = (name: string) => {
  const c = Object.values(fixture.inspected).find((x) => x.name === name);
  if (!c) throw new Error(name);
  return c;
};
const fates = (f: Fate): Record<FateCommand, Fate> => ({
  rm: 'kept',
  'rm -v': 'kept',
  'compose down -v': f,
  'volume prune': 'kept',
});

describe('mounts', () => {
  test('a --tmpfs mount is a row of the table (the engine lists it only in HostConfig.Tmpfs)', () => {
    const worker = mountsOf(inspected('worker'));
    expect(worker.map((m) => `${m.type} ${m.destination}`).sort()).toEqual([
      'bind /src',
      'tmpfs /run/worker',
      'volume /cache',
    ]);
  });

  test("a :ro bind says ro once (the engine's Mode is 'ro' itself); other mode words follow", () => {
    const bind = mountsOf(inspected('worker')).find((m) => m.type === 'bind');
    expect(bind?.mode).toBe('ro');
    expect(mountModeText(bind as NonNullable<typeof bind>)).toBe('ro');
    expect(mountModeText({ mode: 'z', rw: true })).toBe('rw,z');
    expect(mountModeText({ mode: 'ro,Z', rw: false })).toBe('ro,Z');
    expect(mountModeText({ mode: '', rw: true })).toBe('rw');
  });

  test('rows are ordered by what is at stake (destroyed, orphaned, kept), by destination within, whatever the engine order', () => {
    const db = mountsOf(inspected('shop-db-1'));
    const f = new Map([
      ['/data', fates('orphaned')],
      ['/scratch', fates('orphaned')],
      ['/var/lib/db', fates('destroyed')],
    ]);
    const order = (ms: typeof db) =>
      orderByStake(ms.map((m) => ({ mount: m, fates: f.get(m.destination) }))).map((r) => r.mount.destination);
    expect(order(db)).toEqual(['/var/lib/db', '/data', '/scratch']);
    expect(order([...db].reverse())).toEqual(['/var/lib/db', '/data', '/scratch']);
    expect(mountStake(null)).toBe(2);
    expect(mountStake(fates('kept'))).toBe(2);
  });
});
