/**
 * The CLI's last line of defence against terminal injection: every byte a subcommand writes to stdout or stderr
 * passes through {@link escapeText} (src/core/escape.ts), so an engine error, a tool's stderr, a label or a path
 * that a formatter forgot to escape still cannot set the title (OSC 0), the clipboard (OSC 52), move the cursor,
 * send C1 controls or reorder a line (bidi). Formatters still escape names with `safe()`/`escapeName` (unambiguous,
 * quoted); this leaves their output unchanged.
 *
 * On a terminal, the only sequences lastlook itself emits pass: SGR colours (`ESC [ … m`, `lastlook diff`) and
 * "erase line" after a carriage return (`\r ESC [ K`, progress lines). Anywhere else (a pipe, a file, `--json`),
 * nothing passes: the output holds no ESC at all. The replacement form `\uXXXX` is valid inside a JSON string.
 */
import { escapeText } from '../core/escape.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

// biome-ignore lint/suspicious/noControlCharactersInRegex: lastlook's own SGR and erase-line sequences
const OWN_SEQUENCES = /(\u001b\[[0-9;]*m|\r?\u001b\[K)/;

/** `text` made inert for `styled` (a TTY: lastlook's own SGR / erase-line kept) or plain output. */
export function inertOutput(text: string, styled: boolean): string {
  if (!styled) return escapeText(text, 'lines');
  const parts = text.split(OWN_SEQUENCES);
  // split() with a capture group: odd indexes are the separators (our own sequences), even ones the text.
  return parts.map((p, i) => (i % 2 === 1 ? p : escapeText(p, 'lines'))).join('');
}

/**
 * `out` with its `write` filtered by {@link inertOutput}; everything else (isTTY, columns, drain, end) is the
 * stream's own. Synchronous on purpose: nothing is held back, so a process that exits right after its last
 * write loses nothing, and back-pressure is the stream's own.
 */
export function guardTerminal<T extends Out>(out: T): T {
  return new Proxy(out, {
    get(target, key) {
      if (key === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => {
          const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
          return (target.write as (c: string, ...r: unknown[]) => boolean)(
            inertOutput(text, target.isTTY === true),
            ...rest.filter((r) => typeof r !== 'string'),
          );
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
