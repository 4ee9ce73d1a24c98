/**
 * Grapheme segmentation for the terminal libraries the bundle carries (Ink's tokenizer, slice-ansi, string-width;
 * scripts/build.mjs hands them this in place of their own `new Intl.Segmenter()`).
 *
 * Making the first `Intl.Segmenter` of a process loads ICU's break rules, ~15-20 ms here (BENCHMARKS.md,
 * "explorer"), and those libraries made theirs at module evaluation, in every start. But the explorer's lines are
 * ASCII, box drawing, arrows, shapes and Latin-1: characters that each make a grapheme of their own whatever
 * stands beside them (Unicode's Grapheme_Cluster_Break of Other or Control, none of them a CR, an Extend, a ZWJ, a
 * regional indicator or a Hangul jamo). A string made only of those is segmented here, one character per grapheme;
 * any other string goes through one real `Intl.Segmenter`, made at its first use. test/core/graphemes.test.ts
 * checks both against ICU: every ordered pair of the characters below, and the segments of random strings.
 */

/**
 * Strings whose every UTF-16 unit is its own grapheme: ASCII but CR (CR LF is one grapheme), Latin-1 but the soft
 * hyphen (a format character), general punctuation without the zero-width and format characters (U+2010-U+2027,
 * U+2030-U+205E), arrows, box drawing, block elements and geometric shapes (U+2190-U+21FF, U+2500-U+25FF).
 */
const ONE_UNIT_GRAPHEMES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are one grapheme each (CR, left out, is not)
  /^[\0-\x0c\x0e-\x7f\xa0-\xac\xae-\xff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25ff]*$/;

/** The part of `Intl.Segmenter` the libraries use: `segment(s)`, iterated or asked `containing(i)`. */
export interface GraphemeSegmenter {
  segment(input: string): Intl.Segments;
}

interface Made {
  segmenter?: Intl.Segmenter;
}
const made: Made = {};

function real(): Intl.Segmenter {
  made.segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return made.segmenter;
}

/** The segments of a string of one-unit graphemes, shaped as `Intl.Segments` gives them. */
function oneUnitSegments(input: string): Intl.Segments {
  const at = (index: number): Intl.SegmentData => ({ segment: input.charAt(index), index, input });
  return {
    containing(codeUnitIndex?: number): Intl.SegmentData | undefined {
      // As Intl does: the index is made an integer (undefined and NaN are 0), and one out of range has no segment.
      const n = Number(codeUnitIndex);
      const index = Number.isNaN(n) ? 0 : Math.trunc(n) || 0;
      return index >= 0 && index < input.length ? at(index) : undefined;
    },
    [Symbol.iterator](): IterableIterator<Intl.SegmentData> {
      let index = 0;
      const iterator: IterableIterator<Intl.SegmentData> = {
        next: () => (index < input.length ? { done: false, value: at(index++) } : { done: true, value: undefined }),
        [Symbol.iterator]: () => iterator,
      };
      return iterator;
    },
  } as Intl.Segments;
}

/** A grapheme segmenter for the default locale: one-unit strings here, any other through ICU. */
export function graphemeSegmenter(): GraphemeSegmenter {
  return {
    segment: (input: string) => (ONE_UNIT_GRAPHEMES.test(input) ? oneUnitSegments(input) : real().segment(input)),
  };
}

/** Exported for the tests: whether `input` is segmented here (without ICU). */
export function segmentedWithoutIcu(input: string): boolean {
  return ONE_UNIT_GRAPHEMES.test(input);
}
