import { describe, expect, test } from 'vitest';
import {
  cell,
  displayWidth,
  formatBytes,
  groupDigits,
  plural,
  rcell,
  safe,
  shortName,
  truncate,
  truncateMiddle,
  wrapText,
} from '../../src/core/format.js';

describe('format', () => {
  test.each([
    [null, '—'],
    [undefined, '—'],
    [0, '0 B'],
    [716800, '717 kB'],
    [2097152, '2.1 MB'],
  ])('formatBytes(%s) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  test.each([
    ['abcdef', 6, 'abcdef'],
    ['abcdef', 4, 'abc…'],
    ['abcdef', 1, '…'],
    ['abcdef', 0, ''],
    ['ääää', 3, 'ää…'],
  ])('truncate(%s, %i) = %s', (s, w, out) => {
    expect(truncate(s, w)).toBe(out);
  });

  test.each([
    ['ab', 4, 'ab  ', '  ab'],
    ['abcdef', 4, 'abc…', 'abc…'],
    ['█', 2, '█ ', ' █'],
  ])('cell/rcell(%s, %i)', (s, w, left, right) => {
    expect(cell(s, w)).toBe(left);
    expect(rcell(s, w)).toBe(right);
    expect([...cell(s, w)]).toHaveLength(w);
  });

  test('shortName shortens 64-hex names only', () => {
    const id = 'a'.repeat(64);
    expect(shortName(id)).toBe('aaaaaaaaaaaa…');
    expect(shortName('shop_dbdata')).toBe('shop_dbdata');
  });

  test.each([
    [1, 'container', '1 container'],
    [2, 'container', '2 containers'],
    [1283, 'path', '1,283 paths'],
    [0, 'change', '0 changes'],
  ])('plural(%i, %s)', (n, w, out) => {
    expect(plural(n, w)).toBe(out);
  });

  test('safe escapes control characters so a name cannot drive the terminal', () => {
    const out = safe('evil\u001b[2Jname\n');
    expect([...out].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f')).toBe(false);
    expect(out).toContain('evil');
    expect(safe('shop-db-1')).toBe('shop-db-1');
  });

  test.each([
    // CJK and emoji take two columns each: cut by display width, never in the middle of a character.
    ['数据库备份', 6, '数据…'],
    ['数据库备份', 5, '数据…'],
    ['📦📦📦', 5, '📦📦…'],
    ['👩‍👩‍👧xy', 3, '👩‍👩‍👧…'],
  ])('truncate(%s, %i) by display width = %s', (s, w, out) => {
    expect(truncate(s, w)).toBe(out);
    expect(displayWidth(truncate(s, w))).toBeLessThanOrEqual(w);
  });

  test('cell pads and cuts wide names to exactly the width in columns', () => {
    for (const w of [1, 2, 3, 4, 5, 6, 9, 12]) {
      expect(displayWidth(cell('日本語のファイル名.txt', w))).toBe(w);
      expect(displayWidth(rcell('😀 ok', w))).toBe(w);
    }
    expect(cell('日本', 6)).toBe('日本  ');
  });

  test.each([
    ['3f2a9c1b4d5e6f708192a3b4c5d6e7f8', 13, '3f2a9c…d6e7f8'],
    ['/var/lib/postgresql/data', 15, '/var/li…ql/data'],
    ['short', 10, 'short'],
    ['abcdef', 2, 'a…'],
    ['数据库/备份/文件', 9, '数据…文件'],
  ])('truncateMiddle(%s, %i) = %s', (s, w, out) => {
    expect(truncateMiddle(s, w)).toBe(out);
    expect(displayWidth(truncateMiddle(s, w))).toBeLessThanOrEqual(w);
  });

  test('wrapText keeps every word, in lines no wider than asked', () => {
    const text = 'docker frobnicate is not a command lastlook previews: try rm, compose down, the prunes';
    const lines = wrapText(text, 20);
    expect(lines.join(' ')).toBe(text);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(20);
    expect(wrapText('a'.repeat(25), 10)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
  });
});

test("wrapText keeps the text's own line breaks", () => {
  expect(wrapText('it previews:\ndocker rm CONTAINER\ndocker volume prune', 40)).toEqual([
    'it previews:',
    'docker rm CONTAINER',
    'docker volume prune',
  ]);
});

describe('groupDigits', () => {
  test("is toLocaleString('en-US') for integers, negatives, -0, large and non-integer numbers", () => {
    const values = [0, -0, 1, 9, 12, 123, 999, 1000, 1001, 12_345, 999_999, 1_000_000, -1, -1000, -1_234_567];
    values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5, 1234.5678, -0.25, NaN, Infinity);
    // A fixed pseudo-random walk over every length of integer (no Math.random: the same values each run).
    let x = 7;
    for (let i = 0; i < 2000; i++) {
      x = (x * 48_271) % 2_147_483_647;
      values.push(Math.floor(x / 10 ** (i % 10)) * (i % 3 === 0 ? -1 : 1));
    }
    for (const n of values) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
