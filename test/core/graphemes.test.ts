import { describe, expect, test } from 'vitest';
import { graphemeSegmenter, segmentedWithoutIcu } from '../../src/core/graphemes.js';
import { random } from '../helpers/random.js';

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ours = graphemeSegmenter();

/** Every UTF-16 unit of the Basic Multilingual Plane that our segmenter takes without ICU. */
const oneUnit = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter(segmentedWithoutIcu);

const plain = (s: Intl.Segments) => [...s].map((d) => ({ ...d }));

describe('graphemeSegmenter', () => {
  test('the characters it segments alone are the ones named: ASCII but CR, Latin-1 but the soft hyphen, punctuation, arrows, boxes, shapes', () => {
    expect(oneUnit.length).toBe(127 + 95 + 24 + 47 + 112 + 256);
    expect(oneUnit).not.toContain('\r');
    expect(oneUnit).not.toContain('\u00ad');
    expect(oneUnit).not.toContain('\u200d');
    expect(oneUnit).not.toContain('\ufe0f');
    expect(segmentedWithoutIcu('\u2500 lastlook · 200 ▾ …')).toBe(true);
    expect(segmentedWithoutIcu('e\u0301')).toBe(false);
    expect(segmentedWithoutIcu('a\r\nb')).toBe(false);
    expect(segmentedWithoutIcu('🐳')).toBe(false);
  });

  test('ICU puts a boundary between every ordered pair of those characters', () => {
    // Each character, followed by every one of them: every ordered pair stands side by side once. In strings of
    // ~1,300 units: V8 walks the segments of one long string in quadratic time.
    let longer = 0;
    let count = 0;
    let units = 0;
    for (const a of oneUnit) {
      const s = oneUnit.map((b) => a + b).join('');
      units += s.length;
      for (const d of icu.segment(s)) {
        count++;
        if (d.segment.length !== 1 && longer++ < 5) expect(d.segment).toBe('one unit');
      }
    }
    expect(longer).toBe(0);
    expect(count).toBe(units);
    expect(units).toBe(2 * oneUnit.length ** 2);
  });

  test('segments and containing() as Intl.Segmenter gives them, for random strings of every kind', () => {
    const next = random(20261128);
    const pool = [
      ...oneUnit.filter((_, i) => i % 7 === 0),
      'a',
      ' ',
      '─',
      '·',
      '\r',
      '\n',
      '\u0301',
      '\u200d',
      '🐳',
      '\ufe0f',
      '한',
      '\u00ad',
      '🇩',
      '🇪',
    ];
    let withoutIcu = 0;
    for (let n = 0; n < 3000; n++) {
      const s = Array.from({ length: Math.floor(next() * 12) }, () => pool[Math.floor(next() * pool.length)]).join('');
      if (segmentedWithoutIcu(s)) withoutIcu++;
      expect(plain(ours.segment(s))).toEqual(plain(icu.segment(s)));
      for (const i of [-1, 0, 1, s.length - 1, s.length, Math.floor(s.length / 2), 0.5, Number.NaN]) {
        const a = ours.segment(s).containing(i);
        const b = icu.segment(s).containing(i);
        expect([s, i, a && { ...a }]).toEqual([s, i, b && { ...b }]);
      }
      expect(ours.segment(s).containing()).toEqual(icu.segment(s).containing());
    }
    // Both paths were taken.
    expect(withoutIcu).toBeGreaterThan(300);
    expect(withoutIcu).toBeLessThan(2900);
  });

  test('iterating twice gives the same segments (each iteration starts over)', () => {
    const segments = ours.segment('┏━ ab');
    expect(plain(segments)).toEqual(plain(segments));
    expect(plain(segments).map((d) => d.segment)).toEqual(['┏', '━', ' ', 'a', 'b']);
  });
});
