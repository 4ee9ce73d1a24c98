import { Box } from 'ink';
import { escapeText } from '../../core/escape.js';
import type { LogsState } from '../../core/explorer/inside-state.js';
import { cell, plural, safe } from '../../core/format.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

/** One log line for a cell: tabs as spaces, a CR of CRLF dropped, every other control character escaped. */
export function logLine(line: string): string {
  return escapeText(line.replace(/\r$/, '').replace(/\t/g, '    '));
}

/**
 * The tail of a container's log, followed (`l`): what `docker rm` destroys with the container. The newest lines at
 * the bottom while following; j/k scroll back (following stops until G). Every byte escaped (core/escape.ts).
 */
export function LogsView({
  logs,
  width,
  height,
  theme,
}: {
  logs: LogsState;
  width: number;
  height: number;
  theme: Theme;
}) {
  const w = width - 2;
  const inner = Math.max(1, height - 3 - (logs.error || logs.ended ? 1 : 0));
  const all = logs.partial !== '' ? [...logs.lines, logs.partial] : logs.lines;
  const end = logs.scroll === null ? all.length : Math.min(all.length, logs.scroll + inner);
  const start = Math.max(0, end - inner);
  const state =
    logs.scroll === null ? (logs.ended ? 'ended' : 'following') : `line ${start + 1}-${end} of ${all.length}`;
  const title = ` Logs: ${safe(logs.name)} (${state}; ${plural(logs.dropped + logs.lines.length, 'line')} read; rm destroys them)`;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single">
      <Text bold>{cell(title, w)}</Text>
      {logs.error ? (
        <Text color={theme.destroy}>
          {cell(` cannot read this container's logs: ${logs.error} (json-file and local drivers can be read)`, w)}
        </Text>
      ) : null}
      {all.length === 0 && !logs.error ? (
        <Text dimColor>{cell(logs.ended ? ' (empty log)' : ' waiting for the log…', w)}</Text>
      ) : null}
      {all.slice(start, end).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's position in the window is its identity
        <Text key={start + i}>{cell(` ${logLine(line)}`, w)}</Text>
      ))}
      {logs.ended && !logs.error ? (
        <Text dimColor>{cell(' — the log stream ended (the container stopped)', w)}</Text>
      ) : null}
    </Box>
  );
}
