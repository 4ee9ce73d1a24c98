import { Box } from 'ink';
import type { RunState } from '../../core/explorer-reducer.js';
import { cell, plural } from '../../core/format.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface RunProgressProps {
  readonly run: RunState;
  readonly finished: boolean;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** Progress of the execution, then the report read back from the engine (or the drift that stopped it). */
export function RunProgress({ run, finished, width, height, theme }: RunProgressProps) {
  const w = width - 2;
  const inner = Math.max(1, height - 5);
  const lines = run.lines.slice(-inner);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single">
      <Text bold>
        {cell(finished ? ' Result (read back from the engine)' : ` Removing… ${run.done}/${run.total}`, w)}
      </Text>
      {run.drift ? (
        <>
          <Text bold color={theme.destroy}>
            {cell(' The engine changed since the preview: NOTHING was removed.', w)}
          </Text>
          {run.drift.slice(0, inner).map((d) => (
            <Text key={`${d.kind}:${d.name}`} color={theme.orphan}>
              {cell(`  ${d.kind} ${d.name}: was ${d.was}, now ${d.now}`, w)}
            </Text>
          ))}
          <Text dimColor>{cell(' Open the preview again to see the current plan.', w)}</Text>
        </>
      ) : null}
      {run.error ? <Text color={theme.destroy}>{cell(` ${run.error}`, w)}</Text> : null}
      {!run.drift
        ? lines.map((l) => (
            <Text
              key={`${l.status}:${l.text}`}
              color={l.status === 'failed' ? theme.destroy : l.status === 'removed' ? theme.keep : undefined}
            >
              {cell(`  ${l.status === 'removed' ? '✓' : l.status === 'failed' ? '✗' : '…'} ${l.text}`, w)}
            </Text>
          ))
        : null}
      {finished && run.removed !== null ? (
        <Text bold color={run.failed.length ? theme.destroy : theme.keep}>
          {cell(
            ` Removed ${plural(run.removed, 'object')}${run.failed.length ? `; ${run.failed.length} still present: ${run.failed.join(', ')}` : '.'}`,
            w,
          )}
        </Text>
      ) : null}
    </Box>
  );
}
