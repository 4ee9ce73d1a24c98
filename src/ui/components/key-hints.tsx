import { Box } from 'ink';
import { memo } from 'react';
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
  return <HintsLine hints={footerHints(state, columns)} columns={columns} theme={theme} />;
}

/** The hints that fit in `columns`. */
function footerHints(state: ExplorerState, columns: number): string {
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
  return [...head, ...tail].join('  ');
}

/** Drawn again only when the hints change (not for every key that moves a cursor). */
const HintsLine = memo(function HintsLine({ hints, columns, theme }: { hints: string; columns: number; theme: Theme }) {
  return (
    <Box width={columns}>
      <Text color={theme.accent}>{truncate(` ${hints}`, columns)}</Text>
    </Box>
  );
});
