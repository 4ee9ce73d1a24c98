import { Box } from 'ink';
import { renderContentDiff } from '../../core/content-diff.js';
import type { FileViewState } from '../../core/file-view.js';
import { cell, safe } from '../../core/format.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

type Style = 'add' | 'del' | 'meta' | 'dim' | 'plain';
interface Segment {
  readonly style: Style;
  readonly text: string;
}

// renderContentDiff's paint wraps styled parts in these. File bytes never contain them: every control character
// of a file is escaped (displayLine) before it is painted.
const OPEN = '\u0001';
const MID = '\u0002';
const CLOSE = '\u0003';

function segmentsOf(line: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf(OPEN, i);
    if (open === -1) {
      out.push({ style: 'plain', text: line.slice(i) });
      break;
    }
    if (open > i) out.push({ style: 'plain', text: line.slice(i, open) });
    const mid = line.indexOf(MID, open);
    const close = line.indexOf(CLOSE, mid);
    out.push({ style: line.slice(open + 1, mid) as Style, text: line.slice(mid + 1, close) });
    i = close + 1;
  }
  return out;
}

/** Segments cut to `width` characters in all, padded with spaces. */
function fitSegments(segs: readonly Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let left = width;
  for (const s of segs) {
    if (left <= 0) break;
    const chars = [...s.text];
    const take = chars.length > left ? `${chars.slice(0, Math.max(0, left - 1)).join('')}…` : s.text;
    out.push({ style: s.style, text: take });
    left -= [...take].length;
  }
  if (left > 0) out.push({ style: 'plain', text: ' '.repeat(left) });
  return out;
}

export interface FileDiffPaneProps {
  readonly view: FileViewState;
  readonly containerName: string;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** The content diff of one file: header, hunks with line numbers and -/+ markers, scrollable (j/k, pages, g/G). */
export function FileDiffPane({ view, containerName, width, height, theme }: FileDiffPaneProps) {
  const w = width - 2;
  const lines = view.diff ? renderContentDiff(view.diff, { paint: (s, t) => `${OPEN}${s}${MID}${t}${CLOSE}` }) : [];
  // Border (2) and the title line; one more for the "more" marker when the diff is longer than the room.
  const room = height - 3 - (view.error ? 1 : 0);
  const inner = Math.max(1, lines.length > room ? room - 1 : room);
  const start = Math.min(view.scroll, Math.max(0, lines.length - inner));
  const colour = (s: Style) =>
    s === 'add' ? theme.added : s === 'del' ? theme.deleted : s === 'meta' ? theme.accent : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.accent}>
      <Text bold>{cell(` ${safe(containerName)}: ${safe(view.path)} — image → container`, w)}</Text>
      {view.error ? <Text color={theme.destroy}>{cell(`  cannot read: ${view.error}`, w)}</Text> : null}
      {!view.diff && !view.error ? <Text dimColor>{cell('  reading the image and the container…', w)}</Text> : null}
      {lines.slice(start, start + inner).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed window, keyed by position on screen
        <Text key={i}>
          {fitSegments([{ style: 'plain', text: ' ' }, ...segmentsOf(l)], w).map((s, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line
            <Text key={j} color={colour(s.style)} dimColor={s.style === 'dim'}>
              {s.text}
            </Text>
          ))}
        </Text>
      ))}
      {lines.length > inner ? (
        <Text dimColor>
          {cell(
            `  ↓ ${start + inner < lines.length ? `more: line ${start + 1} of ${lines.length} (j/k, pgup/pgdn)` : 'end'}`,
            w,
          )}
        </Text>
      ) : null}
    </Box>
  );
}
