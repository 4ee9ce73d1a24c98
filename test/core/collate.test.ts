import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, test } from 'vitest';
import { collatesAsciiAsRoot, ROOT_ASCII_ORDER, rootAsciiKey, sortByName } from '../../src/core/collate.js';
import { random } from '../helpers/random.js';

/** Two ASCII strings compared by their root sort keys. */
function compareRootAscii(a: string, b: string): number {
  const ka = rootAsciiKey(a);
  const kb = rootAsciiKey(b);
  if (ka === null || kb === null) throw new Error(`not ASCII: ${JSON.stringify([a, b])}`);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// The reference: ICU's own root collation, and the process's default collator (what `localeCompare` uses).
const root = new Intl.Collator('und');
const defaultCollator = new Intl.Collator();
const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

function expectSameOrder(pairs: Iterable<readonly [string, string]>, reference: Intl.Collator): number {
  let n = 0;
  const wrong: string[] = [];
  for (const [a, b] of pairs) {
    n++;
    if (Math.sign(compareRootAscii(a, b)) !== Math.sign(reference.compare(a, b)) && wrong.length < 5) {
      wrong.push(
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${compareRootAscii(a, b)}, ICU ${reference.compare(a, b)}`,
      );
    }
  }
  expect(wrong).toEqual([]);
  return n;
}

describe('rootAsciiKey: keys that order ASCII as the root collation of ICU does', () => {
  test('the primary order is the one ICU gives single characters (letters case-blind), controls ignorable', () => {
    const base = new Intl.Collator('und', { sensitivity: 'base' });
    const weighted = ascii.filter((c) => root.compare(c, '') !== 0).sort(root.compare);
    const classes: string[] = [];
    for (const c of weighted) {
      const last = classes.at(-1);
      if (last !== undefined && base.compare(last, c) === 0) classes[classes.length - 1] = last + c;
      else classes.push(c);
    }
    expect(classes.map((k) => k[0]).join('')).toBe(ROOT_ASCII_ORDER);
    expect(ascii.filter((c) => root.compare(c, '') === 0).map((c) => c.charCodeAt(0))).toEqual([
      ...Array.from({ length: 9 }, (_, i) => i),
      ...Array.from({ length: 18 }, (_, i) => 0x0e + i),
      0x7f,
    ]);
  });

  test('every pair of ASCII characters, alone, before a letter and inside a word', () => {
    const pairs: [string, string][] = [];
    for (const a of ascii) {
      for (const b of ascii) pairs.push([a, b], [`${a}x`, `${b}X`], [`a${a}b`, `a${b}`], [`${a}${a}`, `${b}`]);
    }
    expect(expectSameOrder(pairs, root)).toBe(128 * 128 * 4);
  });

  test('200,000 random pairs over an alphabet of case, punctuation, digits and controls', () => {
    const next = random(20261128);
    const alphabet = 'aAbBzZ09-_.  \t\u0001\u007f~$/';
    const word = () =>
      Array.from({ length: Math.floor(next() * 7) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const pairs = Array.from({ length: 200_000 }, () => [word(), word()] as const);
    expect(expectSameOrder(pairs, root)).toBe(200_000);
  });

  test('the names of a recorded engine (Docker 26.1.5, the demo scenario) sort as localeCompare sorts them', () => {
    const recorded = JSON.parse(
      readFileSync(new URL('../fixtures/engine-json/demo-26.1.5.json', import.meta.url), 'utf8'),
    ) as unknown;
    const names = new Set<string>();
    const walk = (v: unknown, key: string) => {
      if (typeof v === 'string' && (key === 'name' || key === 'Name' || key === 'id')) names.add(v);
      else if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(recorded, '');
    // Variants that differ only where the root order is subtle: case, `-` against `_` and `.`, digits, prefixes.
    const all = [...names].flatMap((n) => [n, n.toUpperCase(), n.replace(/-/g, '_'), n.replace(/-/g, '.'), `${n}1`]);
    expect(names.size).toBeGreaterThan(10);
    expect([...all].sort(compareRootAscii)).toEqual([...all].sort((a, b) => a.localeCompare(b, 'und')));
    expect(sortByName(all, (n) => n)).toEqual([...all].sort((a, b) => a.localeCompare(b)));
  });
});

describe('sortByName', () => {
  test('a name that is not ASCII has no key; a list with one is sorted by the collator, equal names kept in order', () => {
    expect(rootAsciiKey('café')).toBeNull();
    const items = ['b', 'é', 'a', 'e', 'B', 'a\u0001', 'ǅ'].map((name, i) => ({ name, i }));
    const sorted = sortByName(items, (x) => x.name);
    expect(sorted).toEqual([...items].sort((x, y) => x.name.localeCompare(y.name)));
    // 'a' and 'a\u0001' are equal to the collator: their order is the input's.
    expect(sorted.slice(0, 2).map((x) => x.i)).toEqual([2, 5]);
    const ascii = ['b', 'a\u0001', 'a', 'B'].map((name, i) => ({ name, i }));
    expect(sortByName(ascii, (x) => x.name).map((x) => x.i)).toEqual([1, 2, 0, 3]);
  });

  test('sorts as the default collator does, ASCII or not', () => {
    const names = ['b', 'B', 'a-b', 'a_b', 'ab', 'Ab', 'é', 'e', 'f', 'ǅ', '日本', 'z9', 'z10', 'a\u0001b'];
    for (const a of names) {
      for (const b of names) {
        expect([a, b, sortByName([a, b], (n) => n)]).toEqual([a, b, [a, b].sort(defaultCollator.compare)]);
      }
    }
    expect(sortByName(names, (n) => n)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  test.each([
    ['en-US', true],
    ['en', true],
    ['en-GB', true],
    ['en-150', true],
    ['und', true],
    ['da-DK', false],
    ['nb-NO', false],
    ['de-DE', false],
    ['en-US-u-kf-upper', false],
    ['en-US-posix', false],
    ['sr-RS-latin', false],
  ])('a default locale of %s takes the ASCII order: %s', (locale, fast) => {
    expect(collatesAsciiAsRoot(locale)).toBe(fast);
    if (fast) {
      const c = new Intl.Collator(locale);
      const pairs = ascii.flatMap((a) => ascii.map((b) => [`${a}a`, `${b}A`] as const));
      expectSameOrder(pairs, c);
    }
  });

  test('a Danish or Norwegian default locale is not the root order (aa after z): those go through ICU', () => {
    expect(new Intl.Collator('da').compare('aa', 'z')).toBe(1);
    expect(compareRootAscii('aa', 'z')).toBe(-1);
  });

  test.each([
    ['da_DK.UTF-8', 'da-DK', [1, 1]],
    ['nb_NO.UTF-8', 'nb-NO', [1, 1]],
    ['en_US.UTF-8', 'en-US', [-1, -1]],
    ['C.UTF-8', 'en-US', [-1, -1]],
    ['', 'und', [-1, -1]],
  ])(
    'in a process with LANG=%s (default locale %s), sortByName and localeCompare put "aa" against "z" alike',
    (lang, locale, expected) => {
      const dir = mkdtempSync(join(tmpdir(), 'lastlook-collate-'));
      try {
        const script = join(dir, 'collate.mjs');
        buildSync({
          stdin: {
            contents: `import { sortByName } from './src/core/collate.ts';
            const [first] = sortByName(['z', 'aa'], (n) => n);
            console.log(JSON.stringify([new Intl.Collator().resolvedOptions().locale, first === 'z' ? 1 : -1, 'aa'.localeCompare('z')]));`,
            resolveDir: new URL('../..', import.meta.url).pathname,
            loader: 'ts',
          },
          bundle: true,
          format: 'esm',
          platform: 'node',
          outfile: script,
          logLevel: 'silent',
        });
        const run = spawnSync(process.execPath, [script], {
          env: { PATH: process.env.PATH, LANG: lang },
          encoding: 'utf8',
        });
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout)).toEqual([locale, ...expected]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
