import { Box } from 'ink';
import type { ReactNode } from 'react';
import { cell } from '../../core/format.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface PaneProps {
  /** The first line inside the border. */
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** A focused pane has a bold border in the accent colour. */
  readonly isFocused: boolean;
  readonly theme: Theme;
  readonly children?: ReactNode;
}

/** A bordered pane with a title line: the frame of the container list, the mount table and the change tree. */
export function Pane({ title, width, height, isFocused, theme, children }: PaneProps) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle={isFocused ? 'bold' : 'single'}
      borderColor={isFocused ? theme.accent : undefined}
    >
      <Text bold>{cell(title, width - 2)}</Text>
      {children}
    </Box>
  );
}
