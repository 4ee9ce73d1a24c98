import { Box } from 'ink';
import { memo } from 'react';
import type { MountRow } from '../../core/explorer-reducer.js';
import { cell, displayWidth, formatBytes, rcell, safe, truncate, truncateMiddle } from '../../core/format.js';
import { cursorWindow } from '../../core/layout.js';
import type { MountPoint } from '../../core/model.js';
import type { FateCommand, Fate as FateValue } from '../../core/mount-fates.js';
import type { Theme } from '../theme.js';
import { Pane } from './pane.js';
import { Text } from './text.js';

/** A mount's fate under one command, in the table's short words: LOST (destroyed), orph (orphaned), keep. */
export type Fate = 'LOST' | 'orph' | 'keep' | '…' | '–' | '?';

const SHORT: Record<FateValue, Fate> = {
  destroyed: 'LOST',
  orphaned: 'orph',
  kept: 'keep',
  'not-applicable': '–',
  unknown: '?',
};

/** The fate columns: heading, the command, width. */
const FATE_COLUMNS: readonly { readonly head: string; readonly command: FateCommand; readonly width: number }[] = [
  { head: 'rm', command: 'rm', width: 4 },
  { head: 'rm-v', command: 'rm -v', width: 4 },
  { head: 'down-v', command: 'compose down -v', width: 6 },
  { head: 'prune', command: 'volume prune', width: 5 },
];

export interface MountsPaneProps {
  readonly title: string;
  /** The rows in the order of what is at stake (selectors `mountRows`); null while loading. */
  readonly rows: readonly MountRow[] | null;
  /** Whether the fates are known yet (they are planned after the table is shown). */
  readonly fatesKnown: boolean;
  readonly cursor: number;
  /** Volume bytes by name (one `/system/df` per refresh); null until read. */
  readonly sizes: ReadonlyMap<string, number> | null;
  readonly width: number;
  readonly height: number;
  readonly showFates: boolean;
  readonly isFocused: boolean;
  readonly theme: Theme;
  readonly error: string | null;
  /** Shown instead of the table when no container is selected (a project header, say). */
  readonly placeholder?: string;
}

const isHex64 = (s: string) => /^[0-9a-f]{64}$/.test(s);

function sourceOf(m: MountPoint): string {
  if (m.type === 'volume') return safe(m.name ?? '');
  if (m.type === 'tmpfs') return '(memory)';
  return safe(m.source);
}

/** The destination, marked when the mount is read-only. */
function destinationOf(m: MountPoint): string {
  return safe(m.destination) + (m.rw ? '' : ' (ro)');
}

/** Short type names keep the table narrow. */
function typeOf(m: MountPoint): string {
  if (m.type === 'volume') return m.name && isHex64(m.name) ? 'anon' : 'vol';
  return m.type;
}

function sizeOf(m: MountPoint, sizes: ReadonlyMap<string, number> | null): string {
  if (m.type !== 'volume' || !m.name) return '';
  return sizes ? formatBytes(sizes.get(m.name) ?? null) : '…';
}

interface Columns {
  readonly type: boolean;
  /** The fate columns shown (none when narrow). */
  readonly fates: readonly (typeof FATE_COLUMNS)[number][];
  readonly src: number;
  readonly dst: number;
}

const SIZE_W = 7;
const widthOf = (cols: readonly { readonly width: number }[]) => cols.reduce((n, c) => n + c.width + 1, 0);
/** `docker rm` without -v never removes a volume: its column is the first to go when the pane is narrow. */
const NARROW_FATES = FATE_COLUMNS.filter((f) => f.command !== 'rm');

/**
 * Widths from what is shown: the source and destination get the room left by the fixed columns, each whole when
 * both fit, else the shorter whole and the longer cut in its middle. An anonymous volume's 64-hex name asks for
 * no more than 13 columns (its ends say which it is).
 */
function columnsFor(rows: readonly MountRow[], inner: number, showFates: boolean): Columns {
  // Pointer (1), then a space before each column.
  const fixed = (type: boolean, fates: readonly { width: number }[]) =>
    1 + (type ? 6 : 0) + 2 + (SIZE_W + 1) + widthOf(fates);
  const want = (f: (m: MountPoint) => string, min: number) =>
    Math.max(min, ...rows.map((r) => Math.min(isHex64(r.mount.name ?? '') ? 13 : 999, displayWidth(f(r.mount)))));
  const wantSrc = want(sourceOf, 6);
  const wantDst = want(destinationOf, 4);
  const fates = !showFates
    ? []
    : inner - fixed(false, FATE_COLUMNS) >= Math.min(wantSrc + wantDst, 24)
      ? FATE_COLUMNS
      : NARROW_FATES;
  const type = inner - fixed(true, fates) >= Math.min(wantSrc + wantDst, 30);
  const room = Math.max(8, inner - fixed(type, fates));
  if (wantSrc + wantDst <= room) return { type, fates, src: wantSrc, dst: room - wantSrc };
  const half = Math.floor(room / 2);
  if (wantSrc <= half) return { type, fates, src: wantSrc, dst: room - wantSrc };
  if (wantDst <= half) return { type, fates, src: room - wantDst, dst: wantDst };
  return { type, fates, src: room - half, dst: half };
}

function heading(c: Columns): string {
  const type = c.type ? `${cell('TYPE', 5)} ` : '';
  const fates = c.fates.map((f) => ` ${cell(f.head, f.width)}`).join('');
  return ` ${type}${cell('SOURCE', c.src)} ${cell('DESTINATION', c.dst)} ${rcell('SIZE', SIZE_W)}${fates}`;
}

function MountLine(props: {
  row: MountRow;
  c: Columns;
  selected: boolean;
  fatesKnown: boolean;
  sizes: ReadonlyMap<string, number> | null;
  theme: Theme;
}) {
  const { row, c, selected, fatesKnown, sizes, theme } = props;
  const m = row.mount;
  const type = c.type ? `${cell(typeOf(m), 5)} ` : '';
  const src = truncateMiddle(sourceOf(m), c.src);
  const dst = truncateMiddle(destinationOf(m), c.dst);
  const left = `${selected ? '▸' : ' '}${type}${cell(src, c.src)} ${cell(dst, c.dst)} ${rcell(sizeOf(m, sizes), SIZE_W)}`;
  return (
    <Box>
      <Text inverse={selected}>{left}</Text>
      {c.fates.length > 0
        ? c.fates.map((f) => {
            const word: Fate = row.fates ? SHORT[row.fates[f.command]] : fatesKnown ? '?' : '…';
            const color =
              word === 'LOST'
                ? theme.destroy
                : word === 'orph'
                  ? theme.orphan
                  : word === 'keep'
                    ? theme.keep
                    : undefined;
            return (
              <Text key={f.head} color={color} bold={word === 'LOST'}>
                {` ${cell(word, f.width)}`}
              </Text>
            );
          })
        : null}
    </Box>
  );
}

/**
 * The selected container's mount table, one line per mount, with each mount's fate under rm, rm -v, compose down -v
 * and volume prune and its size beside them. Rows come in the order of what is at stake, so a LOST row is at the
 * top; the pane has its own cursor (tab focuses it) and scrolls, and says how many rows are off screen.
 */
export const MountsPane = memo(function MountsPane(props: MountsPaneProps) {
  const { title, rows, fatesKnown, cursor, sizes, width, height, showFates, isFocused, theme, error } = props;
  const inner = width - 2;
  const list = rows ?? [];
  const c = columnsFor(list, inner, showFates);
  // Border (2), title (1), heading (1), an error line.
  const room = Math.max(1, height - 4 - (error ? 1 : 0));
  const cur = Math.min(cursor, Math.max(0, list.length - 1));
  const win = cursorWindow(list.length, isFocused ? cur : 0, room);
  const more = (n: number, arrow: string) => (
    <Text dimColor>{cell(`  ${arrow} ${n} more (tab, then j/k)`, inner)}</Text>
  );
  return (
    <Pane title={` Mounts: ${title}`} width={width} height={height} isFocused={isFocused} theme={theme}>
      {error ? <Text color={theme.destroy}>{truncate(error, inner)}</Text> : null}
      {rows === null && !error ? <Text dimColor>loading…</Text> : null}
      {props.placeholder ? <Text dimColor>{truncate(props.placeholder, inner)}</Text> : null}
      {rows !== null && list.length === 0 && !props.placeholder ? (
        <Text dimColor>no mounts: everything is in the writable layer</Text>
      ) : null}
      {list.length > 0 ? (
        <Text bold color={theme.accent}>
          {cell(heading(c), inner)}
        </Text>
      ) : null}
      {win.above > 0 ? more(win.above, '↑') : null}
      {list.slice(win.start, win.start + win.shown).map((row, i) => (
        <MountLine
          key={row.mount.destination}
          row={row}
          c={c}
          selected={isFocused && win.start + i === cur}
          fatesKnown={fatesKnown}
          sizes={sizes}
          theme={theme}
        />
      ))}
      {win.below > 0 ? more(win.below, '↓') : null}
    </Pane>
  );
});
