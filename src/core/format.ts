/** Presentation helpers shared by the text output and the TUI (pure). */

import prettyBytes from 'pretty-bytes';
import stringWidth from 'string-width';
import { escapeName } from './escape.js';
import { graphemeSegmenter } from './graphemes.js';

/** Bytes for people; `—` for a size that cannot be known (never a guess). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return prettyBytes(n);
}

/** Columns `s` takes on a terminal (East Asian wide characters and emoji count 2, combining marks 0). */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

const segmenter = graphemeSegmenter();

/** Graphemes, so that a cut never splits an emoji sequence or a letter from its combining marks. */
const graphemes = (s: string) => [...segmenter.segment(s)].map((g) => g.segment);

/** How many of `parts`, from the first, fit in `width` columns. */
function fitCount(parts: readonly string[], width: number): number {
  let w = 0;
  let n = 0;
  for (const g of parts) {
    w += stringWidth(g);
    if (w > width) break;
    n++;
  }
  return n;
}

/** The longest head of `parts` that fits in `width` columns, joined. */
function fitHead(parts: readonly string[], width: number): string {
  return parts.slice(0, fitCount(parts, width)).join('');
}

/** Cuts `s` to at most `width` columns (display width), ending with `…` when cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(s) <= width) return s;
  if (width === 1) return '…';
  return `${fitHead(graphemes(s), width - 1)}…`;
}

/**
 * Cuts `s` to at most `width` columns by taking out its middle (`3f2a9c…b4d5e6`, `/var/lib/…/data`): both ends of an
 * ID or a path say more than either alone.
 */
export function truncateMiddle(s: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(s) <= width) return s;
  if (width <= 2) return truncate(s, width);
  const parts = graphemes(s);
  const n = fitCount([...parts].reverse(), Math.floor((width - 1) / 2));
  const tailText = parts.slice(parts.length - n).join('');
  const head = fitHead(parts, width - 1 - stringWidth(tailText));
  return `${head}…${tailText}`;
}

/** Left-aligned, padded or cut to exactly `width` columns. */
export function cell(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - stringWidth(t)));
}

/** Right-aligned to `width` columns. */
export function rcell(s: string, width: number): string {
  const t = truncate(s, width);
  return ' '.repeat(Math.max(0, width - stringWidth(t))) + t;
}

/** `s` padded with spaces to `width` columns (never cut). */
export function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - stringWidth(s)));
}

/**
 * Words of `text` wrapped into lines of at most `width` columns (a word longer than a line is cut into pieces; the
 * text's own line breaks kept), for messages that must be read whole (an error) rather than cut.
 */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [];
  // Each line of the text is a paragraph of its own.
  return text.split('\n').flatMap((p) => wrapParagraph(p, width));
}

function wrapParagraph(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (stringWidth(rest) > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const head = fitHead(graphemes(rest), width);
      lines.push(head);
      rest = rest.slice(head.length);
    }
    if (!line) line = rest;
    else if (stringWidth(line) + 1 + stringWidth(rest) <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A name from the engine made safe for the terminal (control characters escaped, unambiguous). */
export function safe(name: string): string {
  return escapeName(name);
}

/** `3f2a9c1b4d5e…` for 64-hex volume names and IDs; other names unchanged. */
export function shortName(name: string): string {
  return /^[0-9a-f]{64}$/.test(name) ? `${name.slice(0, 12)}…` : name;
}

/**
 * `n.toLocaleString('en-US')` (`1,234,567`): integers by hand, everything else by ICU. The first toLocaleString of
 * a process loads ICU's number formatting data (~5-25 ms, in the explorer's first frame).
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const part = digits.slice(Math.max(0, end - 3), end);
    out = out === '' ? part : `${part},${out}`;
  }
  return n < 0 ? `-${out}` : out;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${groupDigits(n)} ${n === 1 ? word : many}`;
}
