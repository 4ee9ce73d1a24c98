/** The plan as display lines with a tone each: the TUI preview colours them, `guard` prints them as text. */
import { formatBytes, plural, safe, shortName } from './format.js';
import type { Plan } from './plan/types.js';

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
  const cache = d.buildCache ?? [];
  const nDestroy = d.containers.length + d.volumes.length + d.networks.length + d.images.length + cache.length;
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
  for (const b of cache) {
    push(
      `  cache     ${safe(b.id.slice(0, 12))}  ${safe(b.type)}  ${formatBytes(b.bytes)}  ${safe(b.description)}`,
      'destroy',
    );
    push(`      ${b.reason}`, 'dim');
  }
  const untag = plan.untag ?? [];
  if (untag.length > 0) {
    push(`UNTAGGED — the image stays (${untag.length})`, 'heading');
    for (const u of untag) {
      push(`  image     ${u.refs.map(safe).join(', ')}`, 'keep');
      push(`      ${u.reason}`, 'dim');
    }
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
