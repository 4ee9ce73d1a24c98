/**
 * The launcher runs the bundle with the code cache the build made (src/cli/early.ts `runBundle`). V8 checks a cache
 * against the source's length only, so a cache made from other bytes of the same length would run code that is not
 * in the file: the first test shows that V8 does so, the others that runBundle never lets it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runBundle } from '../../src/cli/early.js';

const ran = globalThis as { __lastlookCodeCacheTest?: string };
/**
 * Two bundles of the same length that record which one ran. Each test has its own (`tag`): V8 keeps what it compiled
 * in memory and would answer a second compile of the same source from there, never looking at the cache given.
 */
const A = (tag: string) =>
  `globalThis.__lastlookCodeCacheTest = "A:" + typeof require + typeof module.exports; // ${tag}`;
const B = (tag: string) =>
  `globalThis.__lastlookCodeCacheTest = "B:" + typeof require + typeof module.exports; // ${tag}`;

/** What the build writes (the SHA-1 of `source`, then V8's cache of it after a run), made in a Node of its own. */
function cacheOf(source: string, file: string): Buffer {
  const made = execFileSync(
    process.execPath,
    [
      '-e',
      `const { Script } = require('node:vm'); const { Module } = require('node:module');
       const s = new Script(Module.wrap(process.argv[1]), { filename: process.argv[2] });
       s.runInThisContext()({}, () => undefined, { exports: {} });
       process.stdout.write(s.createCachedData().toString('base64'));`,
      source,
      file,
    ],
    { encoding: 'utf8' },
  );
  return Buffer.concat([createHash('sha1').update(source).digest(), Buffer.from(made, 'base64')]);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llcc-'));
  delete ran.__lastlookCodeCacheTest;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete ran.__lastlookCodeCacheTest;
});

test('V8 alone: a cache of other bytes of the same length is accepted, and runs the other code', () => {
  expect(A('v8').length).toBe(B('v8').length);
  const file = join(dir, 'bundle.cjs');
  const cache = cacheOf(A('v8'), file).subarray(20);
  const script = new Script(Module.wrap(B('v8')), { filename: file, cachedData: cache });
  expect(script.cachedDataRejected).toBe(false);
  (script.runInThisContext() as (...a: unknown[]) => void)({}, () => undefined, { exports: {} });
  expect(ran.__lastlookCodeCacheTest).toBe('A:functionobject');
});

/**
 * The cache as another V8 would have written it: V8 keeps a header (magic number, version hash, source hash, flag
 * hash) before the code, and a Node upgrade changes its version hash, flipped here (after our 20-byte SHA-1).
 */
function otherV8(cache: Buffer): Buffer {
  const foreign = Buffer.from(cache);
  for (let i = 24; i < 28; i++) foreign[i] = (foreign[i] ?? 0) ^ 0xff;
  return foreign;
}

test.each([
  ['the cache made from the file is used', 'used', (tag: string, file: string) => cacheOf(B(tag), file)],
  [
    'a cache made from other bytes of the same length is passed over',
    'other-bytes',
    (tag: string, file: string) => cacheOf(A(tag), file),
  ],
  ['a cache of another V8 is refused by V8', 'rejected', (tag: string, file: string) => otherV8(cacheOf(B(tag), file))],
] as const)('runBundle: %s (%s), and the file itself runs as a CommonJS module', (_name, status, cache) => {
  const file = join(dir, 'bundle.cjs');
  writeFileSync(file, B(status));
  writeFileSync(`${file}.cache`, cache(status, file));
  expect(runBundle(file)).toBe(status);
  expect(ran.__lastlookCodeCacheTest).toBe('B:functionobject');
});

test('runBundle: no cache, or a truncated one, compiles from the file', () => {
  const file = join(dir, 'bundle.cjs');
  writeFileSync(file, B('none'));
  expect(runBundle(file)).toBe('none');
  expect(ran.__lastlookCodeCacheTest).toBe('B:functionobject');
  delete ran.__lastlookCodeCacheTest;
  writeFileSync(file, B('short'));
  writeFileSync(`${file}.cache`, Buffer.alloc(7));
  expect(runBundle(file)).toBe('other-bytes');
  expect(ran.__lastlookCodeCacheTest).toBe('B:functionobject');
});
