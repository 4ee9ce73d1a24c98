import { Box } from 'ink';
import type { VolumeRow } from '../../core/explorer-reducer.js';
import { cell, formatBytes, rcell, safe, truncateMiddle } from '../../core/format.js';
import { windowFor } from '../../core/layout.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

/** A volume's fate under the two prunes, from the planner. */
export interface PruneFates {
  readonly prune: 'LOST' | 'keep';
  readonly pruneAll: 'LOST' | 'keep';
}

export interface VolumesViewProps {
  readonly rows: readonly VolumeRow[];
  readonly cursor: number;
  readonly sizes: ReadonlyMap<string, number> | null;
  readonly fates: ReadonlyMap<string, PruneFates> | null;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
  readonly filter: string;
}

/** Every volume: size, anonymous or named, the project that created it, who uses it, and each prune's verdict. */
export function VolumesView({ rows, cursor, sizes, fates, width, height, theme, filter }: VolumesViewProps) {
  const inner = Math.max(1, height - 4);
  const { start, end } = windowFor(rows.length, cursor, inner);
  const w = width - 2;
  // Pointer and space (2), kind 9, size 10, project 8, prune 6, prune-a 7, and a space after each of the six
  // columns before prune-a: a row is exactly `w` wide (one more and Ink wraps every row onto two lines).
  // Pointer and spaces (2 + 6 separators), KIND, SIZE, PROJECT, PRUNE, PRUNE-A, and one spare column so a row
  // never touches the border.
  const fixed = 2 + 9 + 10 + 8 + 6 + 7 + 6 + 1;
  const rest = Math.max(20, w - fixed);
  const nameW = Math.max(12, Math.floor(rest * 0.45));
  const usedW = Math.max(8, rest - nameW);
  const header = `  ${cell('VOLUME', nameW)} ${cell('KIND', 9)} ${rcell('SIZE', 10)} ${cell('PROJECT', 8)} ${cell('USED BY', usedW)} ${cell('PRUNE', 6)} ${cell('PRUNE-A', 7)}`;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single">
      <Text bold>{cell(` Volumes${filter ? ` /${filter}` : ''} · ${rows.length}`, w)}</Text>
      <Text dimColor>{cell(header, w)}</Text>
      {rows.length === 0 ? <Text dimColor>no volumes</Text> : null}
      {rows.slice(start, end).map((r, i) => {
        const selected = start + i === cursor;
        const size = sizes ? formatBytes(sizes.get(r.volume.name) ?? null) : '…';
        const f = fates?.get(r.volume.name);
        const used = r.usedBy.length ? r.usedBy.join(', ') : '(none: dangling)';
        const line = `${selected ? '▸' : ' '} ${cell(truncateMiddle(safe(r.volume.name), nameW), nameW)} ${cell(r.anonymous ? 'anonymous' : 'named', 9)} ${rcell(size, 10)} ${cell(r.project ?? '', 8)} ${cell(used, usedW)} `;
        return (
          <Box key={r.key}>
            <Text inverse={selected}>{line}</Text>
            <Text color={f?.prune === 'LOST' ? theme.destroy : theme.keep} inverse={selected}>
              {cell(f?.prune ?? '…', 6)}{' '}
            </Text>
            <Text color={f?.pruneAll === 'LOST' ? theme.destroy : theme.keep} inverse={selected}>
              {cell(f?.pruneAll ?? '…', 7)}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
