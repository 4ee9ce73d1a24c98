/**
 * The text form of a Plan (`lastlook plan` without --json): grouped Destroy / Orphan / Keep with sizes and reasons,
 * warnings, totals and the exact command. Pure; names are escaped for the terminal.
 */
import { formatBytes, plural, safe, shortName } from '../format.js';
import type { Plan, PlannedContainer, PlannedVolume } from './types.js';

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** The command line as a shell would take it back. */
export function commandText(argv: readonly string[]): string {
  return argv.map((a) => quoteArg(safe(a))).join(' ');
}

function containerLine(c: PlannedContainer): string {
  const layer =
    c.writableLayer.bytes === null
      ? 'layer —'
      : `layer ${formatBytes(c.writableLayer.bytes)}${c.writableLayer.changes === null ? '' : ` (${plural(c.writableLayer.changes, 'change')})`}`;
  return `    ${safe(c.name)}  ${c.id.slice(0, 12)}  ${c.state}  ${layer}, logs ${formatBytes(c.logs.bytes)}  — ${safe(c.reason)}`;
}

function volumeLine(v: PlannedVolume): string {
  return `    ${safe(shortName(v.name))}${v.anonymous ? ' (anonymous)' : ''}  ${formatBytes(v.bytes)}  — ${safe(v.reason)}`;
}

/**
 * The plan as text for people. `closing` ends it with the preview's reassurance; `guard` leaves it out, since it
 * is about to act on the plan. @default true
 */
export function formatPlan(plan: Plan, opts: { readonly closing?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`Plan for: ${commandText(plan.command)}`);
  out.push(
    plan.engine.kind === 'podman'
      ? `${safe(plan.engine.name ?? `Podman ${plan.engine.version}`)} (compat API ${safe(plan.engine.apiVersion)}) at ${safe(plan.engine.host)}: Podman's rules apply`
      : `Engine ${plan.engine.version} (API ${plan.engine.apiVersion}) at ${plan.engine.host}`,
  );
  out.push('');
  if (plan.blocked) {
    out.push(`BLOCKED: the engine would refuse this command: ${safe(plan.blocked.reason)}`);
    out.push('Nothing would be destroyed.');
    out.push('');
  }
  const d = plan.destroy;
  const cache = d.buildCache ?? [];
  const count = d.containers.length + d.volumes.length + d.networks.length + d.images.length + cache.length;
  if (!plan.blocked) {
    out.push(count === 0 ? 'Destroy: nothing' : 'Destroy:');
    if (d.containers.length) out.push(`  Containers (${d.containers.length})`, ...d.containers.map(containerLine));
    if (d.volumes.length) out.push(`  Volumes (${d.volumes.length})`, ...d.volumes.map(volumeLine));
    if (d.networks.length) {
      out.push(
        `  Networks (${d.networks.length})`,
        ...d.networks.map((n) => `    ${safe(n.name)}  — ${safe(n.reason)}`),
      );
    }
    if (d.images.length) {
      out.push(
        `  Images (${d.images.length})`,
        ...d.images.map(
          (i) =>
            `    ${i.tags.length ? i.tags.map(safe).join(', ') : i.id.replace(/^sha256:/, '').slice(0, 12)}  ${formatBytes(i.bytes)}  — ${safe(i.reason)}`,
        ),
      );
    }
    if (cache.length) {
      out.push(
        `  Build cache (${cache.length})`,
        ...cache.map(
          (b) =>
            `    ${safe(b.id.slice(0, 12))}  ${safe(b.type)}  ${formatBytes(b.bytes)}  ${safe(b.description)}  — ${safe(b.reason)}`,
        ),
      );
    }
    out.push('');
  }
  const untag = plan.blocked ? [] : (plan.untag ?? []);
  if (untag.length) {
    out.push(
      'Untag (the image stays):',
      ...untag.map((u) => `    ${u.refs.map(safe).join(', ')}  — ${safe(u.reason)}`),
      '',
    );
  }
  if (plan.orphan.volumes.length) {
    out.push('Orphan (kept, but no container uses them afterwards):', ...plan.orphan.volumes.map(volumeLine), '');
  }
  const k = plan.keep;
  if (k.containers.length + k.volumes.length + k.networks.length > 0) {
    out.push('Keep:');
    if (k.containers.length) out.push(`  Containers (${k.containers.length})`, ...k.containers.map(containerLine));
    if (k.volumes.length) out.push(`  Volumes (${k.volumes.length})`, ...k.volumes.map(volumeLine));
    if (k.networks.length) {
      out.push(
        `  Networks (${k.networks.length})`,
        ...k.networks.map((n) => `    ${safe(n.name)}  — ${safe(n.reason)}`),
      );
    }
    out.push('');
  }
  if (plan.warnings.length) out.push('Warnings:', ...plan.warnings.map((w) => `  ! ${safe(w)}`), '');
  const unknown = plan.totals.unknown > 0 ? ` (+ ${plural(plan.totals.unknown, 'size')} unknown)` : '';
  out.push(`Total destroyed: ${formatBytes(plan.totals.bytes)}${unknown}`);
  if (opts.closing ?? true) out.push('Nothing was changed: this is a preview.');
  return `${out.join('\n')}\n`;
}
