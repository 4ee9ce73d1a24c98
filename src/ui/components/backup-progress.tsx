import { Box } from 'ink';
import { escapeText } from '../../core/escape.js';
import type { BackupState } from '../../core/explorer/inside-state.js';
import { cell, formatBytes, plural, safe } from '../../core/format.js';
import type { Plan } from '../../core/plan/types.js';
import { formatDuration, progressSample } from '../../core/progress.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

/** `12.3 MB of 50 MB (24%) · 5.2 MB/s · ETA 0:07` for the current stage. */
export function progressLine(b: BackupState): string {
  const p = progressSample(b.done, b.total, b.startedMs ?? 0, b.atMs ?? 0);
  const of = p.total !== null ? ` of ${formatBytes(p.total)} (${Math.floor((p.fraction ?? 0) * 100)}%)` : '';
  const rate = p.bytesPerSecond > 0 ? ` · ${formatBytes(Math.round(p.bytesPerSecond))}/s` : '';
  return `${formatBytes(p.done)}${of}${rate} · ETA ${formatDuration(p.etaSeconds)}`;
}

function bar(b: BackupState, width: number): string {
  if (b.total === null || b.total <= 0) return '';
  const filled = Math.round(Math.min(1, b.done / b.total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(Math.max(0, width - filled))}`;
}

function phaseLines(
  b: BackupState,
  plan: Plan,
  root: string,
  readOnly: boolean,
): [string, 'keep' | 'destroy' | null][] {
  const what = plan.destroy;
  switch (b.phase) {
    case 'ready':
      return [
        [` into a new folder under ${root}`, null],
        ...what.containers
          .filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting')
          .map((c): [string, null] => [
            readOnly
              ? ` ${safe(c.name)} is ${c.state}: read-only mode does not stop it (what it writes after is not backed up)`
              : ` ${safe(c.name)} is ${c.state}: it is stopped first (the plan stops it anyway)`,
            null,
          ]),
        [' y / enter: start   esc: back (nothing is written)', null],
      ];
    case 'running':
    case 'cancelling': {
      const stage = b.stage === 'verify' ? 'verifying' : b.stage === 'copy' ? 'copying' : 'stopping writers';
      const item = b.item ? ` ${b.index + 1}/${b.count} ${safe(b.item)}` : '';
      return [
        [` ${b.phase === 'cancelling' ? 'cancelling: removing what was written…' : `${stage}${item}`}`, null],
        [` ${progressLine(b)}`, null],
      ];
    }
    case 'verified':
      return [
        [
          ` ✓ verified: ${plural(b.archives.length, 'archive')}, ${formatBytes(b.archiveBytes)} in ${b.dir ?? ''}`,
          'keep',
        ],
        ...b.archives.map((a): [string, null] => [`   ${a.slice(a.lastIndexOf('/') + 1)}`, null]),
        ...(readOnly
          ? [' read-only mode: the backup is kept; nothing is removed. esc: back']
          : [
              ' y / enter: proceed to the removal (its confirmation follows)',
              ' esc: back to the preview, keeping the backup',
            ]
        ).map((t): [string, null] => [t, null]),
      ];
    case 'failed': {
      const stopped = b.stopped.length > 0 ? ` Stopped for it: ${b.stopped.join(' ')} (docker start to resume).` : '';
      return [
        [` ✗ backup ${b.error === 'cancelled' ? 'cancelled' : `failed: ${b.error ?? ''}`}`, 'destroy'],
        [` Nothing was removed and no file of this backup is left.${stopped}`, null],
        [' esc: back to the preview', null],
      ];
    }
  }
}

/** The backup of a preview's plan (`b`): what and where, progress with throughput and ETA, the verified archives. */
export function BackupProgress({
  backup,
  plan,
  root,
  readOnly,
  width,
  height,
  theme,
}: {
  backup: BackupState;
  plan: Plan;
  root: string;
  readOnly: boolean;
  width: number;
  height: number;
  theme: Theme;
}) {
  const w = width - 2;
  const d = plan.destroy;
  const total = [...d.volumes.map((v) => v.bytes), ...d.containers.map((c) => c.writableLayer.bytes)];
  const known = total.every((x) => x !== null)
    ? formatBytes(total.reduce<number>((a, x) => a + (x ?? 0), 0))
    : 'size unknown';
  const head = ` Back up before: ${plan.command.join(' ')}`;
  const what = ` ${plural(d.volumes.length, 'volume')}, ${plural(d.containers.length, 'writable layer')} (${known})`;
  const lines = phaseLines(backup, plan, root, readOnly);
  const running = backup.phase === 'running' || backup.phase === 'cancelling';
  const body = [...lines, ...backup.notices.map((n): [string, null] => [` · ${n}`, null])];
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="single">
      <Text bold>{cell(escapeText(head), w)}</Text>
      <Text>{cell(what, w)}</Text>
      {running ? <Text color={theme.accent}>{cell(` ${bar(backup, Math.max(10, w - 2))}`, w)}</Text> : null}
      {body.slice(0, Math.max(1, height - 5)).map(([text, tone], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed lines of one screen
        <Text key={i} color={tone === 'keep' ? theme.keep : tone === 'destroy' ? theme.destroy : undefined}>
          {cell(text, w)}
        </Text>
      ))}
    </Box>
  );
}
