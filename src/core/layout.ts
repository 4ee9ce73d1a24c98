/** Layout math for the explorer: a pure function of the terminal size (STYLE §3.5, §3.10). */

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface Layout {
  readonly tooSmall: boolean;
  readonly columns: number;
  /** Height of the whole app: rows - 1, so Ink never clears the screen each frame. */
  readonly height: number;
  /** Width of the left list pane including its border. */
  readonly listWidth: number;
  readonly rightWidth: number;
  /** Heights including borders. */
  readonly bodyHeight: number;
  readonly mountsHeight: number;
  readonly changesHeight: number;
  /** Drop the mount table's per-command fate columns when narrow. */
  readonly showFates: boolean;
}

export function computeLayout(columns: number, rows: number, mountCount = 3): Layout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const height = Math.max(1, rows - 1);
  // header (1) + status line (1) + footer (1)
  const bodyHeight = Math.max(3, height - 3);
  const listWidth = Math.max(26, Math.min(48, Math.floor(columns * 0.33)));
  const rightWidth = Math.max(20, columns - listWidth);
  // Mount table: border (2) + title (1) + heading (1) + a line per mount + one line for a notice. Beyond half the
  // body it scrolls (with its own cursor and `↓ N more`).
  const wantedMounts = 2 + 1 + 1 + Math.max(1, mountCount) + 1;
  const mountsHeight = Math.max(7, Math.min(wantedMounts, Math.floor(bodyHeight * 0.5)));
  const changesHeight = Math.max(3, bodyHeight - mountsHeight);
  return {
    tooSmall,
    columns,
    height,
    listWidth,
    rightWidth,
    bodyHeight,
    mountsHeight,
    changesHeight,
    // The fate columns need about 36 columns besides source and destination.
    showFates: rightWidth >= 52,
  };
}

/**
 * The window of a list to show: `height` rows around `cursor`, keeping `margin` rows of context above and below
 * when possible (scroll-off), starting from the previous `offset` so the view does not jump.
 */
export function windowFor(
  length: number,
  cursor: number,
  height: number,
  offset = 0,
  margin = 2,
): { start: number; end: number } {
  if (length <= height || height <= 0) return { start: 0, end: Math.min(length, Math.max(0, height)) };
  const m = Math.min(margin, Math.floor((height - 1) / 2));
  let start = Math.min(Math.max(0, offset), length - height);
  if (cursor < start + m) start = Math.max(0, cursor - m);
  if (cursor > start + height - 1 - m) start = Math.min(length - height, cursor - height + 1 + m);
  return { start, end: start + height };
}

/** A window of a list with its off-screen counts: `above` rows before `start`, `below` after the `shown` ones. */
export interface MarkedWindow {
  readonly start: number;
  readonly shown: number;
  readonly above: number;
  readonly below: number;
}

/**
 * The rows of a list scrolled to `scroll` in `room` lines, where a line of `↑ N more` / `↓ N more` takes the place
 * of a row when rows are off screen that way: nothing is hidden without saying so.
 */
export function scrollWindow(length: number, scroll: number, room: number): MarkedWindow {
  if (length <= room) return { start: 0, shown: length, above: 0, below: 0 };
  // At the top or the bottom one marker line; in between two.
  const last = Math.max(0, length - (room - 1));
  const start = Math.max(0, Math.min(scroll, last));
  let shown = room - (start > 0 ? 1 : 0);
  if (start + shown < length) shown -= 1;
  shown = Math.max(1, shown);
  return { start, shown, above: start, below: Math.max(0, length - start - shown) };
}

/** Like {@link scrollWindow}, but following a cursor (kept on screen, with {@link windowFor}'s scroll-off). */
export function cursorWindow(length: number, cursor: number, room: number): MarkedWindow {
  if (length <= room) return { start: 0, shown: length, above: 0, below: 0 };
  const inner = Math.max(1, room - 2);
  const { start } = windowFor(length, cursor, inner, 0, 1);
  // A window touching an end needs no marker there: it shows one row more.
  if (start === 0) return scrollWindow(length, 0, room);
  if (start + inner >= length) return scrollWindow(length, length, room);
  return { start, shown: inner, above: start, below: length - start - inner };
}

/**
 * The `?` help in a terminal of `columns`×`rows`: two columns when wide and long enough, the room for rows (the
 * body, less its border and title), and the last first row a scroll can reach (the end of the help then shows).
 */
export function helpLayout(
  lineCount: number,
  columns: number,
  rows: number,
): { readonly twoCols: boolean; readonly rows: number; readonly room: number; readonly maxScroll: number } {
  const room = Math.max(1, computeLayout(columns, rows).bodyHeight - 3);
  const twoCols = columns - 2 >= 90 && lineCount > room;
  const count = twoCols ? Math.ceil(lineCount / 2) : lineCount;
  return { twoCols, rows: count, room, maxScroll: count <= room ? 0 : count - (room - 1) };
}
