import { memo } from 'react';
import type { ListRow } from '../../core/explorer-reducer.js';
import { cell, formatBytes, safe } from '../../core/format.js';
import { windowFor } from '../../core/layout.js';
import type { Theme } from '../theme.js';
import { Pane } from './pane.js';
import { Text } from './text.js';

export interface ContainerListProps {
  readonly rows: readonly ListRow[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
  readonly isFocused: boolean;
  readonly marked: ReadonlySet<string>;
  readonly theme: Theme;
  readonly filter: string;
  /** Writable-layer bytes by container ID (from the refresh's `/system/df`); null until read. */
  readonly sizes: ReadonlyMap<string, number> | null;
}

const Row = memo(function Row({
  row,
  selected,
  width,
  marked,
  theme,
  size,
}: {
  readonly row: ListRow;
  readonly selected: boolean;
  readonly width: number;
  readonly marked: boolean;
  readonly theme: Theme;
  readonly size: number | undefined;
}) {
  const pointer = selected ? '▸' : ' ';
  if (row.kind === 'group') {
    const text = `${pointer}${row.collapsed ? '▸' : '▾'} ${row.label} · ${row.count}`;
    return (
      <Text bold inverse={selected} color={theme.accent}>
        {cell(text, width)}
      </Text>
    );
  }
  const c = row.container;
  const indent = row.project ? '   ' : '  ';
  const name = row.project && c.name.startsWith(`${row.project}-`) ? c.name.slice(row.project.length + 1) : c.name;
  const state = c.state.padEnd(8);
  // The writable layer's size where the list leaves names room beside it (from 100 columns; at 80 the change
  // tree's title gives the bytes of the selected one).
  const sz = size === undefined || width < 30 ? '' : ` ${formatBytes(size).padStart(7)}`;
  const nameWidth = Math.max(6, width - indent.length - 2 - 9 - sz.length);
  const text = `${pointer}${marked ? '*' : ' '}${indent}${cell(safe(name), nameWidth)} ${state}${sz}`;
  const color = c.state === 'running' ? theme.running : undefined;
  return (
    <Text inverse={selected} color={selected ? undefined : color}>
      {cell(text, width)}
    </Text>
  );
});

/** The left pane: containers grouped by compose project, windowed around the cursor. */
export const ContainerList = memo(function ContainerList({
  rows,
  cursor,
  width,
  height,
  isFocused,
  marked,
  theme,
  filter,
  sizes,
}: ContainerListProps) {
  // Border (2) and title (1).
  const inner = Math.max(1, height - 3);
  const { start, end } = windowFor(rows.length, cursor, inner);
  const visible = rows.slice(start, end);
  const title = ` Containers${filter ? ` /${filter}` : ''} ${rows.length > inner ? `${cursor + 1}/${rows.length} ` : ''}`;
  return (
    <Pane title={title} width={width} height={height} isFocused={isFocused} theme={theme}>
      {rows.length === 0 ? <Text dimColor>{filter ? 'no container matches' : 'no containers'}</Text> : null}
      {visible.map((row, i) => (
        <Row
          key={row.key}
          row={row}
          selected={start + i === cursor}
          width={width - 2}
          marked={row.kind === 'container' && marked.has(row.container.id)}
          theme={theme}
          size={row.kind === 'container' ? sizes?.get(row.container.id) : undefined}
        />
      ))}
    </Pane>
  );
});
