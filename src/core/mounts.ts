/**
 * A container's mount table as lastlook shows it (`lastlook mounts` and the explorer): every mount, tmpfs included,
 * its mode as one word list, and the order of what is at stake.
 */

import type { ContainerInfo, MountPoint } from './model.js';
import type { Fate, FateCommand } from './mount-fates.js';

/**
 * The mounts of an inspected container, with its `--tmpfs` mounts (HostConfig.Tmpfs), which the engine does not
 * list among the mount points.
 */
export function mountsOf(c: ContainerInfo): MountPoint[] {
  const mounts = [...c.mounts];
  for (const dest of c.spec?.tmpfs ?? []) {
    if (!mounts.some((m) => m.destination === dest)) {
      mounts.push({ type: 'tmpfs', name: null, source: '', destination: dest, driver: null, mode: '', rw: true });
    }
  }
  return mounts;
}

/**
 * `rw` or `ro`, then the engine's other mode words (`z`, `rprivate`…). The engine's `Mode` of a `:ro` bind is `ro`
 * itself: it is said once, not `ro,ro`.
 */
export function mountModeText(m: Pick<MountPoint, 'mode' | 'rw'>): string {
  const extra = m.mode
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w && w !== 'rw' && w !== 'ro');
  return [m.rw ? 'rw' : 'ro', ...extra].join(',');
}

/** What is at stake in a mount, worst first: 0 destroyed by some command, 1 orphaned by some, 2 neither. */
export function mountStake(fates: Readonly<Record<FateCommand, Fate>> | null | undefined): 0 | 1 | 2 {
  if (!fates) return 2;
  const values = Object.values(fates);
  if (values.includes('destroyed')) return 0;
  if (values.includes('orphaned')) return 1;
  return 2;
}

/**
 * Mounts in the order of what is at stake (destroyed, then orphaned, then kept), by destination within each: the
 * order depends only on the mounts and their fates, never on the order the engine listed them in.
 */
export function orderByStake<
  T extends { readonly mount: MountPoint; readonly fates?: Readonly<Record<FateCommand, Fate>> | null },
>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      mountStake(a.fates) - mountStake(b.fates) ||
      (a.mount.destination < b.mount.destination ? -1 : a.mount.destination > b.mount.destination ? 1 : 0),
  );
}
