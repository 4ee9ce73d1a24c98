/**
 * What the explorer shows and acts on, derived from its state: the grouped container list, the volume list, the
 * change tree's visible rows, the selection. Pure; memoised only in the state's own `memo` (no module globals).
 */
import { sortByName } from '../collate.js';
import { flatten, type VisibleRow } from '../diff-tree.js';
import type { PreviewSelection } from '../families/index.js';
import type { ContainerInfo } from '../model.js';
import { orderByStake } from '../mounts.js';
import {
  ANONYMOUS_LABEL,
  type ExplorerState,
  type ListRow,
  type MountRow,
  PROJECT_LABEL,
  type VolumeRow,
} from './state.js';

function matchesFilter(c: ContainerInfo, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return (
    c.name.toLowerCase().includes(f) ||
    c.image.toLowerCase().includes(f) ||
    (c.labels[PROJECT_LABEL] ?? '').toLowerCase().includes(f) ||
    c.id.startsWith(f)
  );
}

export function listRows(s: Pick<ExplorerState, 'containers' | 'filter' | 'collapsedGroups' | 'memo'>): ListRow[] {
  const key = [s.containers, s.filter, s.collapsedGroups];
  const m = s.memo;
  if (m?.list && sameKey(m.list.key, key)) return m.list.rows;
  const rows = groupRows(s);
  if (m) m.list = { key, rows };
  return rows;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => a.every((x, i) => x === b[i]);

function groupRows(s: Pick<ExplorerState, 'containers' | 'filter' | 'collapsedGroups'>): ListRow[] {
  const groups = new Map<string | null, ContainerInfo[]>();
  for (const c of s.containers ?? []) {
    if (!matchesFilter(c, s.filter)) continue;
    const p = c.labels[PROJECT_LABEL] ?? null;
    const list = groups.get(p) ?? [];
    list.push(c);
    groups.set(p, list);
  }
  const names = [...groups.keys()].filter((k): k is string => k !== null).sort();
  const order: (string | null)[] = [...names, ...(groups.has(null) ? [null] : [])];
  const rows: ListRow[] = [];
  for (const p of order) {
    const members = sortByName(groups.get(p) ?? [], (c) => c.name);
    const key = p === null ? 'group:' : `group:${p}`;
    const collapsed = s.collapsedGroups.has(key);
    rows.push({
      kind: 'group',
      key,
      label: p === null ? 'standalone' : `${p} (compose)`,
      project: p,
      count: members.length,
      collapsed,
    });
    if (!collapsed) for (const c of members) rows.push({ kind: 'container', key: c.id, container: c, project: p });
  }
  return rows;
}

function isAnonymousName(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}

export function volumeRows(s: Pick<ExplorerState, 'volumes' | 'containers' | 'filter'>): VolumeRow[] {
  const users = new Map<string, string[]>();
  for (const c of s.containers ?? []) {
    for (const m of c.mounts) {
      if (m.type !== 'volume' || !m.name) continue;
      const list = users.get(m.name) ?? [];
      list.push(c.name);
      users.set(m.name, list);
    }
  }
  const f = s.filter.toLowerCase();
  const shown = (s.volumes ?? []).filter(
    (v) => !f || v.name.toLowerCase().includes(f) || (v.labels[PROJECT_LABEL] ?? '').includes(f),
  );
  // Named volumes first (they are what people care about), then anonymous ones, each by name.
  return [
    ...sortByName(
      shown.filter((v) => !isAnonymousName(v.name)),
      (v) => v.name,
    ),
    ...sortByName(
      shown.filter((v) => isAnonymousName(v.name)),
      (v) => v.name,
    ),
  ].map((v) => ({
    key: v.name,
    volume: v,
    usedBy: (users.get(v.name) ?? []).sort(),
    project: v.labels[PROJECT_LABEL] ?? null,
    anonymous: isAnonymousName(v.name) || ANONYMOUS_LABEL in v.labels,
  }));
}

/**
 * The change tree's visible rows for the selected container (empty while loading or for another container).
 * Memoised on the tree and the collapsed set: flattening 100,000 paths on every key would cost a frame.
 */
export function visibleChanges(s: ExplorerState): VisibleRow[] {
  const t = s.changeTree;
  if (!t || t.id !== selectedContainer(s)?.id) return [];
  const key = [t.tree, s.collapsedPaths];
  const m = s.memo;
  if (m?.changes && sameKey(m.changes.key, key)) return m.changes.rows;
  const rows = flatten(t.tree, s.collapsedPaths);
  if (m) m.changes = { key, rows };
  return rows;
}

export function clamp(n: number, length: number): number {
  return length <= 0 ? 0 : Math.max(0, Math.min(length - 1, n));
}

export function selectedRow(s: ExplorerState): ListRow | null {
  const rows = listRows(s);
  return rows[clamp(s.cursor, rows.length)] ?? null;
}

export function selectedContainer(s: ExplorerState): ContainerInfo | null {
  const row = selectedRow(s);
  return row?.kind === 'container' ? row.container : null;
}

export function selectedVolume(s: ExplorerState): VolumeRow | null {
  const rows = volumeRows(s);
  return rows[clamp(s.volumeCursor, rows.length)] ?? null;
}

/**
 * The selected container's mount table, in the order of what is at stake (destroyed, orphaned, kept; by
 * destination within): the inspected mounts (tmpfs too) once read, the listed ones until then.
 */
export function mountRows(s: ExplorerState): MountRow[] {
  const c = selectedContainer(s);
  if (!c) return [];
  const t = s.mountTable?.id === c.id ? s.mountTable : null;
  // Memoised on what they are made of, so that the mount pane is not drawn again for a key that moved nothing in it.
  const key = [c, t];
  const m = s.memo;
  if (m?.mounts && sameKey(m.mounts.key, key)) return m.mounts.rows;
  const mounts = t?.mounts ?? c.mounts;
  const rows = orderByStake(mounts.map((mt) => ({ mount: mt, fates: t?.fates?.get(mt.destination) ?? null })));
  if (m) m.mounts = { key, rows };
  return rows;
}

/** The mount row under the mount pane's cursor. */
export function selectedMount(s: ExplorerState): MountRow | null {
  const rows = mountRows(s);
  return rows[clamp(s.mountCursor, rows.length)] ?? null;
}

/** What the selection offers a preview key (the families' bindings read only this). */
export function previewSelection(s: ExplorerState): PreviewSelection {
  const row = selectedRow(s);
  const containers =
    s.marked.size > 0
      ? (s.containers ?? []).filter((c) => s.marked.has(c.id)).map((c) => c.name)
      : row?.kind === 'container'
        ? [row.container.name]
        : [];
  return {
    view: s.view,
    containers,
    containerSelected: row?.kind === 'container',
    marked: s.marked.size,
    project: row?.project ?? null,
    volume: selectedVolume(s)?.volume.name ?? null,
  };
}
