import { Box, Text } from 'ink';
import type { ExplorerState } from '../../core/explorer-reducer.js';
import { truncate } from '../../core/format.js';
import { activeBindings, keyLabel } from '../../core/keymap.js';
import type { Theme } from '../theme.js';

export interface KeyHintsProps {
  readonly state: ExplorerState;
  readonly columns: number;
  readonly theme: Theme;
}

/** The footer: the keys that apply now, from the one keymap. */
export function KeyHints({ state, columns, theme }: KeyHintsProps) {
  const hints = activeBindings(state)
    .filter((b) => b.footer)
    .map((b) => `${keyLabel(b.keys[0] ?? '')} ${b.label}`)
    .join('  ');
  return (
    <Box width={columns}>
      <Text color={theme.accent}>{truncate(` ${hints}`, columns)}</Text>
    </Box>
  );
}
