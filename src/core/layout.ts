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
  // Mount table (ink-table): border (2) + title (1) + top rule, heading, bottom rule (3) + a rule and a line per
  // mount + one line for a notice.
  const wantedMounts = 2 + 1 + 3 + 2 * Math.max(1, mountCount) + 1;
  const mountsHeight = Math.max(6, Math.min(wantedMounts, Math.floor(bodyHeight * 0.5)));
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
