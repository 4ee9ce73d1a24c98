import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import { cell, safe, shortName, truncate } from '../../core/format.js';
import type { MountPoint } from '../../core/model.js';
import type { Theme } from '../theme.js';

/** A mount's fate under one command: LOST (destroyed), orph (orphaned), keep. */
export type Fate = 'LOST' | 'orph' | 'keep' | '…' | '–';

export interface MountFates {
  readonly rm: Fate;
  readonly rmV: Fate;
  readonly downV: Fate;
  readonly prune: Fate;
}

export interface MountsPaneProps {
  readonly title: string;
  readonly mounts: readonly MountPoint[] | null;
  /** Fates by mount destination; missing while being computed. */
  readonly fates: ReadonlyMap<string, MountFates> | null;
  readonly width: number;
  readonly height: number;
  readonly showFates: boolean;
  readonly isFocused: boolean;
  readonly theme: Theme;
  readonly error: string | null;
  /** Shown instead of the table when no container is selected (a project header, say). */
  readonly placeholder?: string;
}

function sourceOf(m: MountPoint): string {
  if (m.type === 'volume') return shortName(m.name ?? '');
  if (m.type === 'tmpfs') return '(memory)';
  return m.source;
}

function typeOf(m: MountPoint): string {
  if (m.type === 'volume' && m.name && /^[0-9a-f]{64}$/.test(m.name)) return 'anonymous';
  return m.type;
}

/** The selected container's mount table (ink-table), with each mount's fate under rm, rm -v, down -v, prune. */
export function MountsPane({
  title,
  mounts,
  fates,
  width,
  height,
  showFates,
  isFocused,
  theme,
  error,
  placeholder,
}: MountsPaneProps) {
  const inner = width - 2;
  // Rows of the table: 3 rules + heading + 2 per mount; the title takes one more, the border two.
  const maxMounts = Math.max(0, Math.floor((height - 2 - 1 - 3) / 2));
  const list = mounts ?? [];
  const shown = list.slice(0, maxMounts);
  const fixed = showFates ? 10 + 5 * 4 + 3 + 2 * 6 : 10 + 3 + 2 * 3;
  const room = Math.max(10, inner - fixed);
  const srcW = Math.max(13, Math.floor(room * 0.5));
  const dstW = Math.max(6, room - srcW);
  const data = shown.map((m) => {
    const f = fates?.get(m.destination);
    const row: Record<string, string> = {
      type: typeOf(m),
      source: truncate(safe(sourceOf(m)), srcW),
      dest: truncate(safe(m.destination), dstW),
      mode: m.rw ? 'rw' : 'ro',
    };
    if (showFates) {
      row.rm = f?.rm ?? '…';
      row['rm -v'] = f?.rmV ?? '…';
      row['down -v'] = f?.downV ?? '…';
      row.prune = f?.prune ?? '…';
    }
    return row;
  });
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle={isFocused ? 'bold' : 'single'}
      borderColor={isFocused ? theme.accent : undefined}
    >
      <Text bold>
        {cell(` Mounts: ${title}${list.length > shown.length ? ` (${shown.length} of ${list.length})` : ''}`, inner)}
      </Text>
      {error ? <Text color={theme.destroy}>{truncate(error, inner)}</Text> : null}
      {mounts === null && !error ? <Text dimColor>loading…</Text> : null}
      {placeholder ? <Text dimColor>{truncate(placeholder, inner)}</Text> : null}
      {mounts !== null && list.length === 0 && !placeholder ? (
        <Text dimColor>no mounts: everything is in the writable layer</Text>
      ) : null}
      {data.length > 0 ? (
        <Table
          data={data}
          padding={0}
          cell={({ children }) => {
            const text = String(children ?? '');
            const t = text.trim();
            const color =
              t === 'LOST' ? theme.destroy : t === 'orph' ? theme.orphan : t === 'keep' ? theme.keep : undefined;
            return (
              <Text color={color} bold={t === 'LOST'}>
                {text}
              </Text>
            );
          }}
        />
      ) : null}
    </Box>
  );
}
