import { describe, expect, test } from 'vitest';
import { computeLayout, MIN_COLUMNS, MIN_ROWS, windowFor } from '../../src/core/layout.js';

describe('computeLayout', () => {
  test.each([
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 60],
  ])('%i×%i fits: height rows-1, panes inside it, columns split without overlap', (columns, rows) => {
    const l = computeLayout(columns, rows);
    expect(l.tooSmall).toBe(false);
    expect(l.height).toBe(rows - 1);
    // header + body + status + footer
    expect(1 + l.bodyHeight + 1 + 1).toBe(l.height);
    expect(l.mountsHeight + l.changesHeight).toBe(l.bodyHeight);
    expect(l.listWidth + l.rightWidth).toBe(columns);
    expect(l.changesHeight).toBeGreaterThanOrEqual(3);
  });

  test.each([
    [79, 24],
    [80, 23],
    [40, 10],
  ])('%i×%i is too small', (columns, rows) => {
    expect(computeLayout(columns, rows).tooSmall).toBe(true);
  });

  test('the minimum is 80×24', () => {
    expect([MIN_COLUMNS, MIN_ROWS]).toEqual([80, 24]);
  });

  test('the mount pane grows with the mounts, up to half the body', () => {
    const one = computeLayout(100, 40, 1);
    const three = computeLayout(100, 40, 3);
    const many = computeLayout(100, 40, 50);
    expect(three.mountsHeight).toBeGreaterThan(one.mountsHeight);
    expect(many.mountsHeight).toBe(Math.floor(many.bodyHeight * 0.5));
  });

  test('fate columns only where there is room', () => {
    expect(computeLayout(80, 24).showFates).toBe(computeLayout(80, 24).rightWidth >= 52);
    expect(computeLayout(160, 40).showFates).toBe(true);
  });
});

describe('windowFor', () => {
  test.each([
    // length, cursor, height, offset, margin → start, end
    [5, 4, 10, 0, 2, 0, 5],
    [0, 0, 10, 0, 2, 0, 0],
    [20, 0, 10, 0, 2, 0, 10],
    [20, 7, 10, 0, 2, 0, 10],
    [20, 8, 10, 0, 2, 1, 11],
    [20, 19, 10, 0, 2, 10, 20],
    [20, 12, 10, 10, 2, 10, 20],
    [20, 11, 10, 10, 2, 9, 19],
    [20, 5, 3, 0, 2, 4, 7],
  ])(
    'length %i cursor %i height %i offset %i margin %i → [%i, %i)',
    (length, cursor, height, offset, margin, start, end) => {
      expect(windowFor(length, cursor, height, offset, margin)).toEqual({ start, end });
    },
  );

  test('the cursor is always inside the window, with the scroll-off margin where the list allows', () => {
    for (let cursor = 0; cursor < 30; cursor++) {
      const { start, end } = windowFor(30, cursor, 10);
      expect(end - start).toBe(10);
      expect(cursor).toBeGreaterThanOrEqual(start);
      expect(cursor).toBeLessThan(end);
      if (start > 0) expect(cursor - start).toBeGreaterThanOrEqual(2);
      if (end < 30) expect(end - 1 - cursor).toBeGreaterThanOrEqual(2);
    }
  });
});
