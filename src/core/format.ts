/** Presentation helpers shared by the text output and the TUI (pure). */
import prettyBytes from 'pretty-bytes';
import { escapeName } from './escape.js';

/** Bytes for people; `—` for a size that cannot be known (never a guess). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return prettyBytes(n);
}

/** Cuts `s` to at most `width` characters, ending with `…` when cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width === 1) return '…';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Left-aligned, padded or cut to exactly `width` characters. */
export function cell(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - [...t].length));
}

/** Right-aligned to `width`. */
export function rcell(s: string, width: number): string {
  const t = truncate(s, width);
  return ' '.repeat(Math.max(0, width - [...t].length)) + t;
}

/** A name from the engine made safe for the terminal (control characters escaped, unambiguous). */
export function safe(name: string): string {
  return escapeName(name);
}

/** `3f2a9c1b4d5e…` for 64-hex volume names and IDs; other names unchanged. */
export function shortName(name: string): string {
  return /^[0-9a-f]{64}$/.test(name) ? `${name.slice(0, 12)}…` : name;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
