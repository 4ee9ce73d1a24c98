import { Table } from '@alcalzone/ink-table';
import { cell, safe, shortName, truncate } from '../../core/format.js';
import type { MountPoint } from '../../core/model.js';
import type { Theme } from '../theme.js';
import { Pane } from './pane.js';
import { Text } from './text.js';

/** A mount's fate under one command: LOST (destroyed), orph (orphaned), keep. */
export type Fate = 'LOST' | 'orph' | 'keep' | '…' | '–' | '?';

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

/** Short type names keep the table narrow enough for 80 columns. */
function typeOf(m: MountPoint): string {
  if (m.type === 'volume') return m.name && /^[0-9a-f]{64}$/.test(m.name) ? 'anon' : 'vol';
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
  const maxMounts = Math.max(0, Math.floor((height - 2 - 1 - 3 - (error ? 1 : 0)) / 2));
  const list = mounts ?? [];
  const shown = list.slice(0, maxMounts);
  // ink-table sizes each column to its widest value and cannot cut: every value is padded or cut to a fixed
  // width here, so the table is never wider than the pane (a wider one would wrap and garble the frame).
  // ink-table pads each cell with one space a side (its `padding` falls back to 1 when given 0) and draws a rule
  // between columns and at both ends. Three widths: everything; without type and mode; without the fates.
  const fateCols = ['rm', 'rm-v', 'down-v', 'prune'];
  const fateW = (k: string) => Math.max(4, k.length);
  const overhead = (cols: number) => 3 * cols + 1;
  const fatesWidth = fateCols.reduce((n, k) => n + fateW(k), 0);
  const full = 5 + 4 + fatesWidth + overhead(4 + fateCols.length);
  const compact = fatesWidth + overhead(2 + fateCols.length);
  const variant = !showFates || inner - compact < 12 ? 'plain' : inner - full >= 20 ? 'full' : 'compact';
  const fixed = variant === 'full' ? full : variant === 'compact' ? compact : 5 + 4 + overhead(4);
  const room = Math.max(8, inner - fixed);
  const srcW = Math.max(4, Math.floor(room / 2));
  const dstW = Math.max(4, room - srcW);
  const data = shown.map((m) => {
    const f = fates?.get(m.destination);
    const row: Record<string, string> = {};
    if (variant !== 'compact') row.type = cell(typeOf(m), 5);
    row.source = cell(safe(sourceOf(m)), srcW);
    row.dest = cell(safe(m.destination), dstW);
    if (variant !== 'compact') row.mode = cell(m.rw ? 'rw' : 'ro', 4);
    if (variant !== 'plain') {
      const values = [f?.rm, f?.rmV, f?.downV, f?.prune];
      fateCols.forEach((k, i) => {
        row[k] = cell(values[i] ?? '…', fateW(k));
      });
    }
    return row;
  });
  return (
    <Pane
      title={` Mounts: ${title}${list.length > shown.length ? ` (${shown.length} of ${list.length})` : ''}`}
      width={width}
      height={height}
      isFocused={isFocused}
      theme={theme}
    >
      {error ? <Text color={theme.destroy}>{truncate(error, inner)}</Text> : null}
      {mounts === null && !error ? <Text dimColor>loading…</Text> : null}
      {placeholder ? <Text dimColor>{truncate(placeholder, inner)}</Text> : null}
      {mounts !== null && list.length === 0 && !placeholder ? (
        <Text dimColor>no mounts: everything is in the writable layer</Text>
      ) : null}
      {data.length > 0 ? (
        <Table
          data={data}
          padding={1}
          // ink-table's default heading is hard-coded blue, which ignored --no-color / NO_COLOR.
          header={({ children }) => (
            <Text bold color={theme.accent}>
              {children}
            </Text>
          )}
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
    </Pane>
  );
}
