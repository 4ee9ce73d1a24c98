import { describe, expect, test } from 'vitest';
import { cell, formatBytes, plural, rcell, safe, shortName, truncate } from '../../src/core/format.js';

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
});
