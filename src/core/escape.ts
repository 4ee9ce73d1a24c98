/**
 * File names as they really come from a container, made safe and unambiguous for a terminal.
 *
 * Linux names are bytes, not text. Two sources reach lastlook:
 * - `GET /containers/{id}/changes` is JSON written by Go's encoding/json, which replaces every byte that is not
 *   part of a valid UTF-8 sequence with U+FFFD (one per byte). The raw bytes are lost there.
 * - tar headers (export, archive) carry the raw bytes. lastlook decodes them with {@link decodeNameBytes}, which
 *   keeps valid UTF-8 as text and maps each invalid byte 0xNN to the lone surrogate U+DCNN ("surrogateescape",
 *   as Python does), so a JS string can hold any byte sequence and be turned back into bytes losslessly.
 *
 * {@link engineFormOf} turns such a string into what the engine's JSON shows for the same name, so the two
 * sources can be matched; {@link escapeName} renders any of them for the terminal.
 */

/** Length of a valid UTF-8 sequence starting at `i` (Go's `utf8.DecodeRune` rules), or 0 when invalid. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  // 0xED A0..BF would encode a UTF-16 surrogate: invalid in UTF-8 (and in Go).
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Raw name bytes → JS string: valid UTF-8 decoded, each invalid byte 0xNN → U+DCNN (lossless).
 * Validity follows Go's rules, byte by byte, so {@link engineFormOf} matches what the engine's JSON shows.
 */
export function decodeNameBytes(bytes: Uint8Array): string {
  try {
    // Valid UTF-8 means the same in WHATWG and Go; only invalid names need the byte-by-byte path.
    return utf8.decode(bytes);
  } catch {
    // fall through: at least one invalid byte
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number));
      i += 1;
    } else {
      out += n === 1 ? String.fromCharCode(bytes[i] as number) : utf8.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** The inverse of {@link decodeNameBytes}: the exact bytes of the name. */
export function encodeNameBytes(name: string): Uint8Array {
  const parts: number[] = [];
  const enc = new TextEncoder();
  for (const ch of name) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xdc80 && cp <= 0xdcff) parts.push(cp - 0xdc00);
    else for (const b of enc.encode(ch)) parts.push(b);
  }
  return Uint8Array.from(parts);
}

/** What the engine's `/changes` JSON shows for a name decoded by {@link decodeNameBytes}: raw bytes → U+FFFD. */
export function engineFormOf(name: string): string {
  return name.replace(/[\udc80-\udcff]/g, '\ufffd');
}

/** Non-empty printable ASCII with no `"`, no `\\` and no space at either edge: escapeName leaves it unchanged. */
const PLAIN_ASCII = /^[!#-[\]-~](?:[ !#-[\]-~]*[!#-[\]-~])?$/;

/** Code points that must never reach the terminal as they are. */
function escapeCodePoint(cp: number): string | null {
  switch (cp) {
    case 0x0a:
      return '\\n';
    case 0x09:
      return '\\t';
    case 0x0d:
      return '\\r';
    case 0x5c:
      return '\\\\';
    case 0x22:
      return '\\"';
    default:
      break;
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  // A raw byte kept by decodeNameBytes.
  if (cp >= 0xdc80 && cp <= 0xdcff) return `\\x${(cp - 0xdc00).toString(16)}`;
  if (
    (cp >= 0x80 && cp <= 0x9f) || // C1 controls (0x9b is a CSI introducer on some terminals)
    (cp >= 0xd800 && cp <= 0xdfff) || // any other lone surrogate
    (cp >= 0x200b && cp <= 0x200f) || // zero-width characters and LRM/RLM
    (cp >= 0x2028 && cp <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2069) || // word joiner, invisible operators, bidi isolates
    cp === 0xfeff || // zero-width no-break space (BOM)
    cp === 0xfffd // the engine's replacement for a byte it could not encode: show that it is one
  ) {
    return `\\u{${cp.toString(16)}}`;
  }
  return null;
}

/**
 * A name (or path) as one safe, unambiguous terminal token.
 *
 * - Printable text passes through unchanged, unquoted: what you see is the name.
 * - Otherwise the whole name is double-quoted and escaped: `\n`, `\t`, `\r`, `\\`, `\"`, `\xNN` for other
 *   control characters and for raw non-UTF-8 bytes, `\u{…}` for C1 controls, bidi/zero-width characters and
 *   U+FFFD (what the engine's JSON puts in place of a byte it could not encode).
 * - Names that are empty or start or end with whitespace are quoted too, so the boundary is visible.
 *
 * So a quoted name always contains an escape or an edge space, and an unquoted name never contains `\` or `"`.
 */
export function escapeName(name: string): string {
  // Printable ASCII without `"`, `\` or edge spaces passes as it is: one regular expression instead of a loop
  // over code points (200,000 paths in `diff --json`).
  if (PLAIN_ASCII.test(name)) return name;
  let out = '';
  let escaped = false;
  for (let i = 0; i < name.length; ) {
    const cp = name.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const e = escapeCodePoint(cp);
    if (e === null) out += name.slice(i, i + width);
    else {
      out += e;
      escaped = true;
    }
    i += width;
  }
  const edgeSpace = name.length === 0 || /^\s|\s$/u.test(name);
  return escaped || edgeSpace ? `"${out}"` : out;
}

/** True when {@link escapeName} would change the name. */
export function needsEscape(name: string): boolean {
  return escapeName(name) !== name;
}

/**
 * Every code point a terminal would act on rather than print: C0 controls (ESC, BEL, CR, …), DEL, C1 controls
 * (0x9b is a CSI and 0x9d an OSC introducer on some terminals), zero-width and bidi controls, line/paragraph
 * separators, BOM, and lone surrogates (a valid pair is printable). Tab and newline are matched too; the `lines`
 * form of {@link escapeText} keeps them.
 */
const TERMINAL_ACTIVE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** {@link TERMINAL_ACTIVE} but tabs and line feeds: whether a text with its lines kept needs any escape. */
const ACTIVE_BUT_LINES = new RegExp(
  TERMINAL_ACTIVE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000b-\\u001f'),
  'g',
);

/**
 * Free text from outside (an engine error, a tool's stderr, a label shown in a sentence) made inert for a terminal:
 * each code point in {@link TERMINAL_ACTIVE} becomes `\uXXXX` (the same form JSON uses, so the result is still
 * valid inside a JSON string). Everything else, `\` and `"` included, passes unchanged, so text that
 * {@link escapeName} already escaped is left exactly as it is (the function is idempotent).
 *
 * `keep: 'lines'` leaves `\n` and `\t` alone (multi-line output of the CLI); the default escapes them too (one
 * line of a TUI cell, where a newline would break the layout).
 */
export function escapeText(text: string, keep: 'none' | 'lines' = 'none'): string {
  // With lines kept, text that has nothing else to escape is returned whole without visiting each line break
  // (a plan's JSON: 20,000 of them).
  const probe = keep === 'lines' ? ACTIVE_BUT_LINES : TERMINAL_ACTIVE;
  probe.lastIndex = 0;
  if (!probe.test(text)) return text;
  TERMINAL_ACTIVE.lastIndex = 0;
  return text.replace(TERMINAL_ACTIVE, (ch) =>
    keep === 'lines' && (ch === '\n' || ch === '\t')
      ? ch
      : `\\u${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
}
