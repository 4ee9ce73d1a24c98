import { Box } from 'ink';
import type { ExplorerState } from '../../core/explorer-reducer.js';
import { cell } from '../../core/format.js';
import { helpLines } from '../../core/keymap.js';
import { scrollWindow } from '../../core/layout.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface HelpOverlayProps {
  readonly state: ExplorerState;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/**
 * Every key, from the same keymap that drives the dispatcher and the footer. Two columns when wide enough;
 * otherwise it scrolls (j/k, page keys, g/G), with `↑ N more` / `↓ N more` saying what is off screen.
 */
export function HelpOverlay({ state, width, height, theme }: HelpOverlayProps) {
  const lines = helpLines(state);
  const w = width - 2;
  // Border (2) and title (1).
  const room = Math.max(1, height - 3);
  const half = Math.ceil(lines.length / 2);
  const colW = Math.floor(w / 2);
  const twoCols = w >= 90 && lines.length > room;
  const rows = twoCols
    ? lines.slice(0, half).map((l, i) => cell(l, colW) + cell(lines[half + i] ?? '', w - colW))
    : lines;
  const { start, shown, above, below } = scrollWindow(rows.length, state.helpScroll, room);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.accent}>
      <Text bold>
        {cell(` Keys${state.readOnly ? ' (read-only: previews only, nothing is carried out)' : ''} — esc to close`, w)}
      </Text>
      {above > 0 ? <Text dimColor>{cell(`  ↑ ${above} more (k)`, w)}</Text> : null}
      {rows.slice(start, start + shown).map((l) => (
        <Text key={l}>{cell(l, w)}</Text>
      ))}
      {below > 0 ? <Text dimColor>{cell(`  ↓ ${below} more (j)`, w)}</Text> : null}
    </Box>
  );
}
