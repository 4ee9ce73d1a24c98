import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AtomicFile } from '../../src/backup/atomic-file.js';
import { safeName } from '../../src/backup/manifest.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llaf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('commit never replaces an existing file: EEXIST, and the existing file is untouched', async () => {
  const final = join(dir, 'a.tar.gz');
  await writeFile(final, 'somebody else');
  const f = await AtomicFile.create(final);
  await f.write('mine');
  await expect(f.commit()).rejects.toMatchObject({ code: 'EEXIST' });
  await f.discard();
  expect(await readFile(final, 'utf8')).toBe('somebody else');
  expect(await readdir(dir)).toEqual(['a.tar.gz']);
});

test('commitUnique takes the first free name (and one whose companion is free too), keeping the others', async () => {
  const nameFor = (n: number) => join(dir, `a${n === 0 ? '' : `-${n}`}.tar.gz`);
  await writeFile(nameFor(0), 'first');
  await writeFile(`${nameFor(1)}.manifest.json`, 'an orphan manifest');
  const f = await AtomicFile.create(nameFor(0));
  await f.write('mine');
  const name = await f.commitUnique(nameFor, 10, (n) => `${n}.manifest.json`);
  expect(name).toBe(nameFor(2));
  expect(await readFile(name, 'utf8')).toBe('mine');
  expect(await readFile(nameFor(0), 'utf8')).toBe('first');
  expect((await readdir(dir)).sort()).toEqual(['a-1.tar.gz.manifest.json', 'a-2.tar.gz', 'a.tar.gz']);
});

test.each([
  ['a plain name is kept', 'shop_db-data.1', 'shop_db-data.1'],
  ['two long names sharing 100 characters differ', `${'x'.repeat(100)}-a`, `${'x'.repeat(100)}-b`],
  ['names that map to the same safe characters differ', 'a:b', 'a/b'],
])('safeName: %s', (_what, a, b) => {
  if (a === b) expect(safeName(a)).toBe(a);
  else expect(safeName(a)).not.toBe(safeName(b));
  expect(safeName(a)).toMatch(/^[A-Za-z0-9_.-]{1,100}$/);
});
