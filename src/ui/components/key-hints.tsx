import { Box } from 'ink';
import type { ExplorerState } from '../../core/explorer-reducer.js';
import { displayWidth, truncate } from '../../core/format.js';
import { activeBindings, hintOf, inFooter, keyLabel } from '../../core/keymap.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface KeyHintsProps {
  readonly state: ExplorerState;
  readonly columns: number;
  readonly theme: Theme;
}

/** The footer: the keys that apply now, from the one keymap. */
export function KeyHints({ state, columns, theme }: KeyHintsProps) {
  const all = activeBindings(state)
    .filter((b) => inFooter(b, state))
    .map((b) => `${keyLabel(b.keys[0] ?? '')} ${hintOf(b, state)}`);
  // The last two (help and quit, or back) always show; others are dropped from the end of the middle to fit.
  const tail = all.slice(-2);
  const head: string[] = [];
  const width = (xs: string[]) => displayWidth(xs.join('  ')) + 1;
  for (const h of all.slice(0, -2)) {
    if (width([...head, h, ...tail]) <= columns) head.push(h);
  }
  const hints = [...head, ...tail].join('  ');
  return (
    <Box width={columns}>
      <Text color={theme.accent}>{truncate(` ${hints}`, columns)}</Text>
    </Box>
  );
}
