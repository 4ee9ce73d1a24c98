import { memo } from 'react';
import { KIND_LETTER, type VisibleRow } from '../../core/diff-tree.js';
import { cell, formatBytes, plural, safe, truncateMiddle } from '../../core/format.js';
import { windowFor } from '../../core/layout.js';
import type { Theme } from '../theme.js';
import { Pane } from './pane.js';
import { Text } from './text.js';

export interface ChangesPaneProps {
  readonly rows: readonly VisibleRow[] | null;
  readonly cursor: number;
  readonly summary: { readonly paths: number; readonly bytes: number; readonly sized: boolean } | null;
  readonly width: number;
  readonly height: number;
  readonly isFocused: boolean;
  readonly theme: Theme;
  readonly error: string | null;
  /** The title instead of the change count (a volume's contents use this pane too). */
  readonly title?: string;
  /** What an empty tree says. @default no changes in the writable layer */
  readonly empty?: string;
}

const ChangeRow = memo(function ChangeRow({
  row,
  selected,
  width,
  theme,
  sized,
}: {
  readonly row: VisibleRow;
  readonly selected: boolean;
  readonly width: number;
  readonly theme: Theme;
  readonly sized: boolean;
}) {
  const n = row.node;
  const letter = n.status ? KIND_LETTER[n.status] : ' ';
  const fold = n.isDir && row.hasChildren ? (row.isCollapsed ? '▸ ' : '▾ ') : '  ';
  const mount =
    n.isMountPoint && n.mount
      ? `  [${n.mount.type}${n.mount.name ? ` ${truncateMiddle(safe(n.mount.name), 16)}` : ''}: contents not in diff]`
      : '';
  const link = n.linkTarget ? ` → ${safe(n.linkTarget)}` : '';
  // Without sizes (not read yet, or not readable) show none rather than a misleading 0 B.
  const size = !sized || n.status === 'deleted' ? '' : n.isDir ? formatBytes(n.bytes) : formatBytes(n.size);
  const sizeW = 10;
  const left = `${selected ? '▸' : ' '}${letter} ${'  '.repeat(row.depth)}${fold}${safe(n.name)}${n.isDir ? '/' : ''}${link}${mount}`;
  const color =
    n.status === 'added'
      ? theme.added
      : n.status === 'deleted'
        ? theme.deleted
        : n.status === 'modified'
          ? theme.changed
          : undefined;
  return (
    <Text inverse={selected} color={selected ? undefined : color} dimColor={!row.isMatch}>
      {cell(left, width - sizeW)}
      {size.padStart(sizeW)}
    </Text>
  );
});

/** The selected container's writable-layer changes as a tree (A added, C changed, D deleted), windowed. */
export const ChangesPane = memo(function ChangesPane(props: ChangesPaneProps) {
  const { rows, cursor, summary, width, height, isFocused, theme, error } = props;
  const inner = Math.max(1, height - 3);
  const list = rows ?? [];
  const cur = Math.min(cursor, Math.max(0, list.length - 1));
  const { start, end } = windowFor(list.length, cur, inner);
  const title = props.title
    ? props.title
    : summary
      ? ` Changes (docker diff): ${plural(summary.paths, 'path')}${summary.sized ? `, ${formatBytes(summary.bytes)}` : ''}`
      : ' Changes (docker diff)';
  return (
    <Pane title={title} width={width} height={height} isFocused={isFocused} theme={theme}>
      {error ? <Text color={theme.destroy}>{cell(error, width - 2)}</Text> : null}
      {rows === null && !error ? <Text dimColor>loading…</Text> : null}
      {rows !== null && list.length === 0 ? (
        <Text dimColor>{props.empty ?? 'no changes in the writable layer'}</Text>
      ) : null}
      {list.slice(start, end).map((row, i) => (
        <ChangeRow
          key={row.node.path}
          row={row}
          selected={isFocused && start + i === cur}
          width={width - 2}
          theme={theme}
          sized={summary?.sized ?? false}
        />
      ))}
    </Pane>
  );
});
