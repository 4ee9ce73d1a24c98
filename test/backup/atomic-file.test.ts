import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AtomicFile, sweepTempFiles, tempNameFor } from '../../src/backup/atomic-file.js';
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

describe('leftovers of killed runs', () => {
  /** A pid that ran on this host and is gone: a child that has exited. */
  function deadPid(): number {
    const r = spawnSync('true');
    if (r.pid === undefined) throw new Error('could not start `true`');
    return r.pid;
  }
  const leftover = (owner: string, name = 'v.tar.gz') => `.lastlook-tmp-0badf00d-${owner}~${name}`;

  test('a temporary file whose owner on this host is gone is removed when the next file is created there', async () => {
    const gone = leftover(`${hostname()}:${deadPid()}`);
    await writeFile(join(dir, gone), 'half an archive');
    const f = await AtomicFile.create(join(dir, 'next.tar.gz'));
    await f.write('x');
    await f.commit();
    expect(await readdir(dir)).toEqual(['next.tar.gz']);
  });

  test.each([
    ['a live run (its owner still runs)', () => leftover(`${hostname()}:${process.ppid}`)],
    ['this very process', () => leftover(`${hostname()}:${process.pid}`)],
    ['another host', () => leftover(`not-${hostname()}:${deadPid()}`)],
    ['a name without an owner (an older build)', () => '.lastlook-tmp-0badf00d-v.tar.gz'],
    ['a user file that merely looks alike', () => `.lastlook-tmp-${hostname()}:${deadPid()}~v.tar.gz`],
  ])('keeps the file of %s', async (_what, name) => {
    const n = name();
    await writeFile(join(dir, n), 'keep me');
    expect(await sweepTempFiles(dir)).toEqual([]);
    expect(await readFile(join(dir, n), 'utf8')).toBe('keep me');
  });

  test('never follows or removes a symbolic link, even one named like a leftover', async () => {
    const target = join(dir, 'target');
    await writeFile(target, 'precious');
    const n = leftover(`${hostname()}:${deadPid()}`);
    await symlink(target, join(dir, n));
    expect(await sweepTempFiles(dir)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([n, 'target'].sort());
    expect(await readFile(target, 'utf8')).toBe('precious');
  });

  test('the temporary name carries this process as its owner', () => {
    expect(basename(tempNameFor(join(dir, 'a.tar.gz')))).toMatch(
      new RegExp(`^\\.lastlook-tmp-[0-9a-f]{8}-${hostname().replace(/\./g, '\\.')}:${process.pid}~a\\.tar\\.gz$`),
    );
  });
});
