import { Box, Text } from 'ink';
import { cell, formatBytes, plural, safe, shortName } from '../../core/format.js';
import type { Plan } from '../../core/plan/types.js';
import type { Theme } from '../theme.js';

export type Tone = 'heading' | 'destroy' | 'orphan' | 'keep' | 'warning' | 'dim' | 'plain' | 'blocked';
export interface PreviewLine {
  /** Position in the preview (the React key: the same text can repeat). */
  readonly n: number;
  readonly text: string;
  readonly tone: Tone;
}

/** The preview as lines: every object destroyed, orphaned and kept, with sizes and reasons, totals, warnings. */
export function previewLines(plan: Plan): PreviewLine[] {
  const out: PreviewLine[] = [];
  const push = (text: string, tone: Tone) => out.push({ n: out.length, text, tone });
  if (plan.blocked) {
    push(`BLOCKED — the engine would refuse this command: ${plan.blocked.reason}`, 'blocked');
    push('Nothing would be removed.', 'dim');
  }
  const d = plan.destroy;
  const nDestroy = d.containers.length + d.volumes.length + d.networks.length + d.images.length;
  push(`DESTROYED (${nDestroy})`, 'heading');
  if (nDestroy === 0) push('  nothing', 'dim');
  for (const c of d.containers) {
    push(
      `  container ${safe(c.name)}  ${c.state}  layer ${formatBytes(c.writableLayer.bytes)}${c.writableLayer.changes === null ? '' : ` (${plural(c.writableLayer.changes, 'change')})`}  logs ${formatBytes(c.logs.bytes)}`,
      'destroy',
    );
    if (c.reason) push(`      ${c.reason}`, 'dim');
  }
  for (const v of d.volumes) {
    push(
      `  volume    ${safe(shortName(v.name))}${v.anonymous ? ' (anonymous)' : ''}  ${formatBytes(v.bytes)}`,
      'destroy',
    );
    push(`      ${v.reason}`, 'dim');
  }
  for (const n of d.networks) {
    push(`  network   ${safe(n.name)}`, 'destroy');
    push(`      ${n.reason}`, 'dim');
  }
  for (const i of d.images) {
    push(`  image     ${safe(i.tags[0] ?? i.id.slice(7, 19))}  ${formatBytes(i.bytes)}`, 'destroy');
    push(`      ${i.reason}`, 'dim');
  }
  if (plan.orphan.volumes.length > 0) {
    push(`ORPHANED — kept, but no container uses them afterwards (${plan.orphan.volumes.length})`, 'heading');
    for (const v of plan.orphan.volumes) {
      push(
        `  volume    ${safe(shortName(v.name))}${v.anonymous ? ' (anonymous)' : ''}  ${formatBytes(v.bytes)}`,
        'orphan',
      );
      push(`      ${v.reason}`, 'dim');
    }
  }
  const k = plan.keep;
  const nKeep = k.containers.length + k.volumes.length + k.networks.length;
  if (nKeep > 0) {
    push(`KEPT (${nKeep})`, 'heading');
    for (const c of k.containers) push(`  container ${safe(c.name)} — ${c.reason}`, 'keep');
    for (const v of k.volumes) push(`  volume    ${safe(shortName(v.name))} — ${v.reason}`, 'keep');
    for (const n of k.networks) push(`  network   ${safe(n.name)} — ${n.reason}`, 'keep');
  }
  if (plan.warnings.length > 0) {
    push('WARNINGS', 'heading');
    for (const w of plan.warnings) push(`  ! ${w}`, 'warning');
  }
  const unknown = plan.totals.unknown > 0 ? ` (+ ${plural(plan.totals.unknown, 'object')} of unknown size)` : '';
  push(`TOTAL destroyed: ${formatBytes(plan.totals.bytes)}${unknown}`, 'heading');
  return out;
}

export interface RemovalPreviewProps {
  readonly argv: readonly string[];
  readonly plan: Plan | null;
  readonly error: string | null;
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
  readonly readOnly: boolean;
}

/** The preview screen: the exact command, then the plan, scrollable. */
export function RemovalPreview({ argv, plan, error, scroll, width, height, theme, readOnly }: RemovalPreviewProps) {
  const w = width - 2;
  const lines = plan ? previewLines(plan) : [];
  const inner = Math.max(1, height - 5);
  const start = Math.min(scroll, Math.max(0, lines.length - inner));
  const color = (t: Tone) =>
    t === 'destroy' || t === 'blocked'
      ? theme.destroy
      : t === 'orphan' || t === 'warning'
        ? theme.orphan
        : t === 'keep'
          ? theme.keep
          : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.destroy}>
      <Text bold>{cell(' Preview — what this command would destroy', w)}</Text>
      <Text color={theme.accent}>
        {cell(`  $ ${argv.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`, w)}
      </Text>
      {readOnly ? (
        <Text color={theme.orphan}>{cell('  read-only: lastlook will not carry this out', w)}</Text>
      ) : (
        <Text> </Text>
      )}
      {error ? <Text color={theme.destroy}>{cell(`  cannot preview: ${error}`, w)}</Text> : null}
      {!plan && !error ? <Text dimColor> reading the engine and computing the plan…</Text> : null}
      {lines.slice(start, start + inner).map((l) => (
        <Text
          key={l.n}
          color={color(l.tone)}
          bold={l.tone === 'heading' || l.tone === 'blocked'}
          dimColor={l.tone === 'dim'}
        >
          {cell(l.text, w)}
        </Text>
      ))}
      {lines.length > inner ? (
        <Text dimColor>{cell(`  ↓ ${start + inner < lines.length ? 'more (j/k to scroll)' : 'end'}`, w)}</Text>
      ) : null}
    </Box>
  );
}
