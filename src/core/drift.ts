import type { Plan, PlannedVolume } from './plan/types.js';

/** One object whose fate differs between the plan the user saw and the plan recomputed just before execution. */
export interface DriftItem {
  readonly kind: 'container' | 'volume' | 'network' | 'image' | 'build-cache';
  /** Name (or id when unnamed) as shown to the user. */
  readonly name: string;
  /** What the shown plan said, and what the fresh one says. */
  readonly was: string;
  readonly now: string;
}

type Fate = 'destroy' | 'orphan' | 'untag' | 'keep' | 'absent';

interface Entry {
  readonly kind: DriftItem['kind'];
  readonly name: string;
  readonly fate: Fate;
  /** A volume's identity besides its name: driver and CreatedAt (undefined: not recorded in the plan). */
  readonly identity?: string;
}

/** `local, created 2026-11-27T07:00:00Z`: what tells two volumes of the same name apart. */
function volumeIdentity(v: PlannedVolume): string | undefined {
  if (v.createdAt === undefined) return undefined;
  return `${v.driver ?? 'local'}, created ${v.createdAt ?? 'at an unknown time'}`;
}

function fates(plan: Plan): Map<string, Entry> {
  const m = new Map<string, Entry>();
  const put = (kind: DriftItem['kind'], key: string, name: string, fate: Fate, identity?: string) =>
    m.set(`${kind}:${key}`, { kind, name, fate, ...(identity !== undefined ? { identity } : {}) });
  for (const c of plan.destroy.containers) put('container', c.id, c.name, 'destroy');
  for (const v of plan.destroy.volumes) put('volume', v.name, v.name, 'destroy', volumeIdentity(v));
  for (const n of plan.destroy.networks) put('network', n.id, n.name, 'destroy');
  for (const i of plan.destroy.images) put('image', i.id, i.tags[0] ?? i.id.slice(7, 19), 'destroy');
  for (const b of plan.destroy.buildCache ?? []) put('build-cache', b.id, b.id.slice(0, 12), 'destroy');
  for (const v of plan.orphan.volumes) put('volume', v.name, v.name, 'orphan', volumeIdentity(v));
  for (const u of plan.untag ?? []) for (const ref of u.refs) put('image', `${u.id} ${ref}`, ref, 'untag');
  for (const c of plan.keep.containers) if (!m.has(`container:${c.id}`)) put('container', c.id, c.name, 'keep');
  for (const v of plan.keep.volumes) if (!m.has(`volume:${v.name}`)) put('volume', v.name, v.name, 'keep');
  for (const n of plan.keep.networks) if (!m.has(`network:${n.id}`)) put('network', n.id, n.name, 'keep');
  return m;
}

/**
 * Compares the plan that was shown with the plan recomputed from a fresh read of the engine. Any object whose
 * fate changed (destroyed, orphaned, kept or absent), or a change of `blocked`, is drift: the execution must stop
 * before touching anything. A volume destroyed or orphaned in both but no longer the same volume (removed and
 * recreated under its name: another CreatedAt or driver) is drift too. Sizes are not compared: a running
 * container's log grows between two reads.
 */
export function comparePlans(shown: Plan, fresh: Plan): DriftItem[] {
  const out: DriftItem[] = [];
  if ((shown.blocked === null) !== (fresh.blocked === null)) {
    out.push({
      kind: 'container',
      name: '(command)',
      was: shown.blocked ? `blocked: ${shown.blocked.reason}` : 'allowed',
      now: fresh.blocked ? `blocked: ${fresh.blocked.reason}` : 'allowed',
    });
  }
  const a = fates(shown);
  const b = fates(fresh);
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const key of [...keys].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    const was = x?.fate ?? 'absent';
    const now = y?.fate ?? 'absent';
    if (was === now && x?.identity !== undefined && y?.identity !== undefined && x.identity !== y.identity) {
      out.push({
        kind: x.kind,
        name: x.name,
        was: `${was} (${x.identity})`,
        now: `${now} a different volume (${y.identity})`,
      });
      continue;
    }
    // Only what would be destroyed or orphaned matters; a kept object appearing or vanishing changes nothing.
    if (was === now || ((was === 'keep' || was === 'absent') && (now === 'keep' || now === 'absent'))) continue;
    const item = (x ?? y) as Entry;
    out.push({ kind: item.kind, name: item.name, was, now });
  }
  return out;
}

export function describeDrift(items: readonly DriftItem[]): string[] {
  return items.map((d) => `${d.kind} ${d.name}: was ${d.was}, now ${d.now}`);
}
