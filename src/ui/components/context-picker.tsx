import { Box } from 'ink';
import type { PickerState } from '../../core/context-picker.js';
import { cell, safe } from '../../core/format.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface ContextPickerProps {
  readonly picker: PickerState;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** The docker contexts, the one shown now marked `*` (as in `docker context ls`), the cursor on one. */
export function ContextPicker({ picker, width, height, theme }: ContextPickerProps) {
  const w = width - 2;
  const inner = Math.max(1, height - 4);
  const nameW = Math.min(24, Math.max(8, ...picker.choices.map((c) => safe(c.name).length + 2)));
  const top = Math.max(0, Math.min(picker.cursor - inner + 1, picker.choices.length - inner));
  const status = picker.switching
    ? `connecting to ${safe(picker.switching)}…`
    : picker.error
      ? picker.error
      : 'enter switch · j/k move · esc close';
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={theme.accent}>
      <Text bold>{cell(' Docker contexts (docker context ls) — the explorer reconnects to the one you pick', w)}</Text>
      {picker.choices.slice(top, top + inner).map((c, i) => {
        const at = top + i === picker.cursor;
        const mark = c.name === picker.active ? '*' : ' ';
        const line = `${at ? '▸' : ' '}${mark} ${cell(safe(c.name), nameW)} ${safe(c.host ?? '(no docker endpoint)')}${c.description ? `  ${safe(c.description)}` : ''}`;
        return (
          <Text key={c.name} inverse={at}>
            {cell(line, w)}
          </Text>
        );
      })}
      <Text color={picker.error ? theme.destroy : theme.orphan}>{cell(` ${status}`, w)}</Text>
    </Box>
  );
}
