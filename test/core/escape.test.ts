import { describe, expect, test } from 'vitest';
import {
  decodeNameBytes,
  encodeNameBytes,
  engineFormOf,
  escapeName,
  escapeText,
  needsEscape,
} from '../../src/core/escape.js';
import { random } from '../helpers/random.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('escapeName', () => {
  test.each([
    ['plain', 'etc/passwd', 'etc/passwd'],
    ['inner space stays unquoted', 'a b', 'a b'],
    ['newline', 'line\nbreak', '"line\\nbreak"'],
    ['tab and CR', 'a\tb\rc', '"a\\tb\\rc"'],
    ['ESC of a colour sequence', 'esc\x1b[31mred', '"esc\\x1b[31mred"'],
    ['BEL and DEL', '\x07\x7f', '"\\x07\\x7f"'],
    ['C1 CSI', 'a\u009bb', '"a\\u{9b}b"'],
    ['raw byte 0xff kept by decodeNameBytes', 'bad\udcffbyte', '"bad\\xffbyte"'],
    ['the engine replacement character', 'bad\ufffdbyte', '"bad\\u{fffd}byte"'],
    ['bidi override', 'evil\u202etxt.exe', '"evil\\u{202e}txt.exe"'],
    ['zero width space', 'a\u200bb', '"a\\u{200b}b"'],
    ['backslash is escaped, so it cannot fake an escape', 'a\\nb', '"a\\\\nb"'],
    ['double quote', 'say "hi"', '"say \\"hi\\""'],
    ['leading space', ' x', '" x"'],
    ['trailing space', 'x ', '"x "'],
    ['empty', '', '""'],
    ['unicode text passes', 'café/日本語/😀', 'café/日本語/😀'],
  ])('%s', (_label, input, expected) => {
    expect(escapeName(input)).toBe(expected);
  });

  test('never lets a control character or raw byte through', () => {
    for (let cp = 0; cp < 0x100; cp++) {
      const out = escapeName(`x${String.fromCharCode(cp)}y`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
      expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
    for (let b = 0x80; b < 0x100; b++) {
      expect(escapeName(String.fromCharCode(0xdc00 + b))).toBe(`"\\x${b.toString(16)}"`);
    }
  });

  test('is unambiguous: different names never escape to the same text', () => {
    const names = ['a\nb', 'a\\nb', 'a\\\\nb', '\udcff', '\\xff', '\ufffd', 'a b', '"a b"', ' a', 'a', ''];
    const seen = new Map<string, string>();
    for (const n of names) {
      const e = escapeName(n);
      expect(seen.get(e)).toBeUndefined();
      seen.set(e, n);
    }
    expect(needsEscape('plain')).toBe(false);
    expect(needsEscape('a\nb')).toBe(true);
  });
});

describe('decodeNameBytes / engineFormOf', () => {
  test.each([
    ['ASCII', bytes(0x61, 0x62), 'ab', 'ab'],
    ['valid UTF-8', bytes(0xc3, 0xa9), 'é', 'é'],
    ['a lone invalid byte', bytes(0x61, 0xff, 0x62), 'a\udcffb', 'a\ufffdb'],
    // Go replaces every byte of a truncated sequence: two U+FFFD, where WHATWG decoders give one.
    ['a truncated 3-byte sequence', bytes(0xe2, 0x82), '\udce2\udc82', '\ufffd\ufffd'],
    ['an encoded surrogate (invalid UTF-8)', bytes(0xed, 0xa0, 0x80), '\udced\udca0\udc80', '\ufffd\ufffd\ufffd'],
    ['an overlong slash', bytes(0xc0, 0xaf), '\udcc0\udcaf', '\ufffd\ufffd'],
  ])('%s', (_label, input, decoded, engineForm) => {
    const s = decodeNameBytes(input);
    expect(s).toBe(decoded);
    expect(engineFormOf(s)).toBe(engineForm);
    expect(Array.from(encodeNameBytes(s))).toEqual(Array.from(input));
  });
});

describe('escapeText', () => {
  // Sequences a hostile label, file name or error message could carry, and what must reach the terminal instead.
  test.each([
    ['OSC 0 title', '\u001b]0;pwned\u0007x', '\\u001b]0;pwned\\u0007x'],
    ['OSC 52 clipboard', '\u001b]52;c;cm0gLXJmIC8=\u001b\\', '\\u001b]52;c;cm0gLXJmIC8=\\u001b\\'],
    ['CSI cursor up + erase', 'a\u001b[2A\u001b[2Kb', 'a\\u001b[2A\\u001b[2Kb'],
    ['C1 CSI and OSC', 'a\u009b31mb\u009d0;t\u009c', 'a\\u009b31mb\\u009d0;t\\u009c'],
    ['bidi override and isolate', 'evil\u202egnp.exe\u2066', 'evil\\u202egnp.exe\\u2066'],
    ['carriage return, DEL, NUL', 'a\rb\u007fc\u0000', 'a\\u000db\\u007fc\\u0000'],
    ['newline and tab in one cell', 'a\nb\tc', 'a\\u000ab\\u0009c'],
    ['a lone surrogate (a raw byte)', 'x\udc9by', 'x\\udc9by'],
    ['a valid pair and ordinary text stay', 'caf\u00e9 \ud83d\ude00 "q" \\ ok', 'caf\u00e9 \ud83d\ude00 "q" \\ ok'],
  ])('%s', (_what, input, expected) => {
    expect(escapeText(input)).toBe(expected);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw controls
    expect(escapeText(input)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  test('the lines form keeps newline and tab, nothing else', () => {
    expect(escapeText('a\nb\tc\u001b[31m', 'lines')).toBe('a\nb\tc\\u001b[31m');
  });

  test('idempotent on its own output and on escapeName output', () => {
    for (const s of ['\u001b]0;t\u0007', 'a"b\\c\n', '\u202e\u009b', 'plain']) {
      expect(escapeText(escapeText(s))).toBe(escapeText(s));
      expect(escapeText(escapeName(s))).toBe(escapeName(s));
    }
  });

  test('the result is still valid inside a JSON string', () => {
    const hostile = '\u001b]52;c;x\u0007\u009b\u202e';
    expect(JSON.parse(`"${escapeText(hostile)}"`)).toBe(hostile);
  });
});

describe('escapeText with lines kept', () => {
  /** The escape as it was before text with nothing but line breaks took the short way: every match visited. */
  const visitEach = (text: string) =>
    text.replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (ch) => (ch === '\n' || ch === '\t' ? ch : `\\u${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`),
    );

  test('gives what visiting every match gives, over random text of line breaks, tabs, controls and the rest', () => {
    const pool = ['a', ' ', '\n', '\t', '\r', '\u001b', '\u009b', '\u202e', '\ud800', '\udc00', '😀', 'é', '"', '\\'];
    const next = random(7);
    let unchanged = 0;
    for (let n = 0; n < 5000; n++) {
      const text = Array.from({ length: Math.floor(next() * 10) }, () => pool[Math.floor(next() * pool.length)]).join(
        '',
      );
      expect(escapeText(text, 'lines')).toBe(visitEach(text));
      if (escapeText(text, 'lines') === text) unchanged++;
    }
    expect(unchanged).toBeGreaterThan(100);
    expect(unchanged).toBeLessThan(4900);
  });

  test("a plan's JSON (line breaks only) comes back as it is", () => {
    const json = JSON.stringify({ volumes: Array.from({ length: 2000 }, (_, i) => ({ name: `v${i}` })) }, null, 2);
    expect(escapeText(json, 'lines')).toBe(json);
  });
});
