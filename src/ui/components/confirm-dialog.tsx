import { Box } from 'ink';
import { cell, formatBytes, plural } from '../../core/format.js';
import type { Plan } from '../../core/plan/types.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface ConfirmDialogProps {
  readonly plan: Plan;
  /** The name to type, or null when y/N is enough. */
  readonly required: string | null;
  readonly input: string;
  readonly width: number;
  readonly theme: Theme;
}

/** Default No. Destroying volume data asks for the container, project or volume name to be typed. */
export function ConfirmDialog({ plan, required, input, width, theme }: ConfirmDialogProps) {
  const d = plan.destroy;
  const what = [
    d.containers.length ? plural(d.containers.length, 'container') : '',
    d.volumes.length ? plural(d.volumes.length, 'volume') : '',
    d.networks.length ? plural(d.networks.length, 'network') : '',
    d.images.length ? plural(d.images.length, 'image') : '',
    d.buildCache?.length ? plural(d.buildCache.length, 'build cache record') : '',
  ]
    .filter(Boolean)
    .join(', ');
  const w = width - 2;
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={theme.destroy}>
      <Text bold color={theme.destroy}>
        {cell(` Remove ${what} (${formatBytes(plan.totals.bytes)})? This cannot be undone.`, w)}
      </Text>
      {required === null ? (
        <Text>{cell(' Proceed? [y/N]  (any other key: no)', w)}</Text>
      ) : (
        <>
          <Text>{cell(` Volume data will be destroyed. Type ${required} to confirm, esc to cancel:`, w)}</Text>
          <Text color={theme.accent}>{cell(` > ${input}█`, w)}</Text>
        </>
      )}
    </Box>
  );
}
