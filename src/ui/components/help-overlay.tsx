import { Box } from 'ink';
import type { ExplorerState } from '../../core/explorer-reducer.js';
import { cell } from '../../core/format.js';
import { KEYMAP, keyLabel } from '../../core/keymap.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface HelpOverlayProps {
  readonly state: ExplorerState;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** Every key, from the same keymap that drives the dispatcher and the footer. */
export function HelpOverlay({ state, width, height, theme }: HelpOverlayProps) {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const b of KEYMAP) {
    if (b.modes.includes('browsing') === false && b.modes.includes('previewing') === false) continue;
    if (state.readOnly && b.destructive) continue;
    const keys = b.keys.map(keyLabel).join('/');
    const id = `${keys}:${b.label}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const where = b.modes.includes('browsing') ? (b.views?.length === 1 ? `(${b.views[0]} view)` : '') : '(preview)';
    lines.push(`  ${keys.padEnd(12)} ${b.label} ${where}`);
  }
  const w = width - 2;
  const inner = Math.max(1, height - 3);
  const half = Math.ceil(lines.length / 2);
  const twoCols = w >= 90 && lines.length > inner;
  const colW = Math.floor(w / 2);
  const rows = twoCols
    ? lines.slice(0, half).map((l, i) => cell(l, colW) + cell(lines[half + i] ?? '', w - colW))
    : lines;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.accent}>
      <Text bold>
        {cell(` Keys${state.readOnly ? ' (read-only: destructive keys are off)' : ''} — esc to close`, w)}
      </Text>
      {rows.slice(0, inner).map((l) => (
        <Text key={l}>{cell(l, w)}</Text>
      ))}
    </Box>
  );
}
