/**
 * The layer reader's own rules (src/docker/layer-sizes.ts) on directories made here: the export's walk order,
 * hardlinks, a list that names a path before its parent, and names from the container that would lead out of the
 * layer. That its sizes equal the export's on real engines is test/engine/diff-nonmutation.test.ts.
 */
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { decodeNameBytes } from '../../src/core/escape.js';
import type { Change } from '../../src/core/model.js';
import { lstatOnSecondThread, readLayerSizes, walkOrder } from '../../src/docker/layer-sizes.js';

const root = mkdtempSync(join(tmpdir(), 'lastlook-layer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const added = (...paths: string[]): Change[] => paths.map((path) => ({ path, kind: 'added' }));

function layer(name: string): string {
  const upper = join(root, name);
  mkdirSync(join(upper, 'a/c'), { recursive: true });
  mkdirSync(join(upper, 'a.b'));
  writeFileSync(join(upper, 'a/c/f'), '1234567');
  writeFileSync(join(upper, 'a.b/g'), '12');
  linkSync(join(upper, 'a.b/g'), join(upper, 'a/h'));
  symlinkSync('c/f', join(upper, 'a/rel'));
  return upper;
}

test('walk order: a directory before what it holds, names in byte order, `/` below every character', () => {
  expect(['/a.b', '/a/c', '/a', '/a/c/f', '/a b'].sort(walkOrder)).toEqual(['/a', '/a/c', '/a/c/f', '/a b', '/a.b']);
});

test('types, sizes, a symlink as written, and the first name of a hardlinked inode in walk order carries its bytes', async () => {
  const upper = layer('plain');
  const changes: Change[] = [
    ...added('/a', '/a/c', '/a/c/f', '/a/h', '/a/rel', '/a.b', '/a.b/g'),
    { path: '/gone', kind: 'deleted' },
  ];
  const read = await readLayerSizes(upper, changes);
  expect(read.reason).toBeNull();
  expect(Object.fromEntries(read.sizes ?? [])).toEqual({
    '/a': { type: 'directory', size: 0, linkTarget: null },
    '/a/c': { type: 'directory', size: 0, linkTarget: null },
    '/a/c/f': { type: 'file', size: 7, linkTarget: null },
    // `/a/h` comes before `/a.b/g` in the export's walk (the directory `a` is walked before `a.b`).
    '/a/h': { type: 'file', size: 2, linkTarget: null },
    '/a/rel': { type: 'symlink', size: 0, linkTarget: 'c/f' },
    '/a.b': { type: 'directory', size: 0, linkTarget: null },
    '/a.b/g': { type: 'link', size: 0, linkTarget: '/a/h' },
  });
});

test('a symlink target that is not UTF-8 keeps its bytes, decoded as the export decodes a tar header', async () => {
  const upper = layer('bytes');
  const target = Buffer.from([0x62, 0xff, 0x2f, 0x1b, 0x5b, 0x33, 0x31, 0x6d]);
  symlinkSync(target, Buffer.from(join(upper, 'odd')));
  const read = await readLayerSizes(upper, added('/odd'));
  expect(read.sizes?.get('/odd')).toEqual({ type: 'symlink', size: 0, linkTarget: decodeNameBytes(target) });
  expect(read.sizes?.get('/odd')?.linkTarget).not.toContain('\ufffd');
});

test('a list that names a path before its parent is read in walk order, with the same result', async () => {
  const upper = layer('order');
  const inOrder = await readLayerSizes(upper, added('/a', '/a/c', '/a/c/f', '/a.b', '/a.b/g', '/a/h'));
  const shuffled = await readLayerSizes(upper, added('/a/c/f', '/a.b/g', '/a/h', '/a', '/a.b', '/a/c'));
  expect(shuffled.reason).toBeNull();
  expect(Object.fromEntries(shuffled.sizes ?? [])).toEqual(Object.fromEntries(inOrder.sizes ?? []));
});

test('never through a symlink the container made: a path under one hands the read back to the engine', async () => {
  const upper = layer('escape');
  const outside = mkdtempSync(join(root, 'outside-'));
  writeFileSync(join(outside, 'secret'), 'x'.repeat(99));
  symlinkSync(outside, join(upper, 'link'));
  const read = await readLayerSizes(upper, added('/link', '/link/secret'));
  expect(read.sizes).toBeNull();
  expect(read.reason).toContain('/link/secret');
});

test('what the layer cannot serve (the engine is asked instead): a missing path (a running container removed it, or a driver lists it where the layer does not hold it), a name the JSON cannot spell, a dot segment, no layer', async () => {
  const upper = layer('refuse');
  expect((await readLayerSizes(upper, added('/a', '/a/nope'))).reason).toContain('/a/nope');
  expect((await readLayerSizes(upper, added('/a/\ufffd'))).reason).toContain('cannot spell');
  expect((await readLayerSizes(upper, added('/a/../../etc'))).reason).toContain('unexpected');
  expect((await readLayerSizes(join(root, 'none'), added('/a'))).reason).toContain('cannot read');
  expect((await readLayerSizes('relative/dir', added('/a'))).reason).toContain('absolute');
});

/** A layer of `dirs` directories of `files` files each, some hardlinked across directories, some symlinks. */
function wideLayer(name: string, dirs: number, files: number): { upper: string; changes: Change[] } {
  const upper = join(root, name);
  const changes: Change[] = [{ path: '/w', kind: 'added' }];
  mkdirSync(join(upper, 'w'), { recursive: true });
  for (let d = 0; d < dirs; d++) {
    mkdirSync(join(upper, `w/d${d}`));
    changes.push({ path: `/w/d${d}`, kind: 'added' });
    for (let f = 0; f < files; f++) {
      const path = `/w/d${d}/f${f}`;
      if (f % 50 === 7 && d > 0) linkSync(join(upper, `w/d0/f${f}`), join(upper, path));
      else if (f % 50 === 9) symlinkSync(`../d0/f${f}`, join(upper, path));
      else writeFileSync(join(upper, path), 'x'.repeat((d * files + f) % 97));
      changes.push({ path, kind: f % 3 === 0 ? 'modified' : 'added' });
    }
  }
  return { upper, changes };
}

test('many paths on two threads (the paths that hold nothing split between them): the same sizes as on one', async () => {
  const { upper, changes } = wideLayer('wide', 4, 300);
  const one = await readLayerSizes(upper, changes, { secondThreadFrom: Number.POSITIVE_INFINITY });
  const two = await readLayerSizes(upper, changes, { secondThreadFrom: 1 });
  expect(one.reason).toBeNull();
  expect(two.reason).toBeNull();
  expect(two.sizes?.size).toBe(changes.length);
  expect(Object.fromEntries(two.sizes ?? [])).toEqual(Object.fromEntries(one.sizes ?? []));
  // Hardlinks across the two halves: the first name in walk order carries the bytes.
  expect(two.sizes?.get('/w/d3/f7')).toEqual({ type: 'link', size: 0, linkTarget: '/w/d0/f7' });
  expect(two.sizes?.get('/w/d0/f7')).toEqual({ type: 'file', size: 7, linkTarget: null });
  expect(two.sizes?.get('/w/d2/f9')).toEqual({ type: 'symlink', size: 0, linkTarget: '../d0/f9' });
});

test('on two threads, a path missing from either half, or under a symlink, hands the read back to the engine', async () => {
  const { upper, changes } = wideLayer('wide-refuse', 2, 200);
  const early = [...changes.slice(0, 5), { path: '/w/d0/missing', kind: 'added' as const }, ...changes.slice(5)];
  const late = [...changes, { path: '/w/d1/missing', kind: 'added' as const }];
  for (const list of [early, late]) {
    const read = await readLayerSizes(upper, list, { secondThreadFrom: 1 });
    expect(read.sizes).toBeNull();
    expect(read.reason).toMatch(/\/w\/d[01]\/missing is not in the layer/);
  }
  const outside = mkdtempSync(join(root, 'outside-'));
  writeFileSync(join(outside, 'secret'), 'x'.repeat(99));
  symlinkSync(outside, join(upper, 'w/link'));
  const under = await readLayerSizes(upper, [...changes, ...added('/w/link', '/w/link/secret')], {
    secondThreadFrom: 1,
  });
  expect(under.sizes).toBeNull();
  expect(under.reason).toContain('/w/link/secret');
});

test('a cancelled read stops and says so', async () => {
  const { upper, changes } = wideLayer('wide-cancel', 4, 1_500);
  const controller = new AbortController();
  const reading = readLayerSizes(upper, changes, { secondThreadFrom: 1, signal: controller.signal });
  controller.abort();
  const read = await reading;
  expect(read.sizes).toBeNull();
  expect(read.reason).toBe('cancelled');
});

test('the second thread runs the lookups itself: kinds, sizes and links of each path, and where it stopped', async () => {
  const upper = layer('thread');
  const found = await lstatOnSecondThread(upper, ['/a', '/a/c/f', '/a/rel', '/a/h', '/nope', '/a']).found;
  expect(found).not.toBeNull();
  expect([...(found?.kind ?? [])]).toEqual([1, 3, 2, 3, 0, 0]);
  expect([...(found?.size ?? [])].slice(1, 2)).toEqual([7]);
  expect(found?.nlink[3]).toBe(2);
  expect(found?.failedAt).toBe(4);
});
