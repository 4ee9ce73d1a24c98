/** Helpers for ink-testing-library tests: key constants, ANSI stripping and polling for a frame (no sleeps). */
import { stripVTControlCharacters } from 'node:util';

export const ESC = '\u001b';
export const ENTER = '\r';
export const TAB = '\t';
export const BACKSPACE = '\u007f';
export const CTRL_C = '\u0003';
export const UP = '\u001b[A';
export const DOWN = '\u001b[B';

/** A frame without escape sequences. */
export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '');
}

/**
 * Polls until `predicate` holds for the latest (ANSI-stripped) frame, then returns that frame. Fails after
 * `timeoutMs` with the last frame in the message, so a failure shows what was on screen.
 */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  predicate: (frame: string) => boolean,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = plain(lastFrame());
    if (predicate(frame)) return frame;
    if (Date.now() > deadline) {
      throw new Error(`no matching frame within ${timeoutMs} ms; last frame:\n${frame}`);
    }
    // Yield to timers and I/O (React commits, Ink renders), then look again.
    await new Promise<void>((r) => setImmediate(r));
  }
}

/** Waits for a frame containing every one of `texts`. */
export function waitForText(lastFrame: () => string | undefined, ...texts: string[]): Promise<string> {
  return waitForFrame(lastFrame, (f) => texts.every((t) => f.includes(t)));
}

/** Writes keys one per `stdin.write` (Ink parses a chunk as one key press). */
export function press(stdin: { write(data: string): void }, ...keys: string[]): void {
  for (const k of keys) stdin.write(k);
}

/** The line of `frame` containing `text` (for row-level assertions), or undefined. */
export function lineWith(frame: string, text: string): string | undefined {
  return frame.split('\n').find((l) => l.includes(text));
}
