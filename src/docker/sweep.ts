/**
 * Leftover helper containers: a helper (a never-started container holding a volume for a backup or a restore) is
 * removed by the run that made it, but kill -9 or an engine crash mid-backup leaves it behind, and while it exists
 * it holds its volume: `docker volume rm` is refused, and `rm -v` keeps a volume the helper still references.
 * Every helper carries its owner (`host:pid`); at start lastlook removes the helpers whose owner was a process on
 * this host that no longer runs. Never anything else: not a helper of a live run (another lastlook, a test in the
 * same process), not one made on another host or without an owner, never a volume.
 */
import { hostname } from 'node:os';

/** Label on every helper container lastlook creates. */
export const HELPER_LABEL = 'io.lastlook.helper';
/** Who made the helper: `<hostname>:<pid>`. */
export const OWNER_LABEL = 'io.lastlook.owner';

/** This process, as written on the helpers it makes. */
export function ownerTag(): string {
  return `${hostname()}:${process.pid}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** True for a helper whose owner was a process on this host that is gone. */
export function isLeftover(
  labels: Readonly<Record<string, string>>,
  here: string = hostname(),
  alive: (pid: number) => boolean = pidAlive,
): boolean {
  if (labels[HELPER_LABEL] === undefined) return false;
  const owner = labels[OWNER_LABEL];
  return owner ? ownerGone(owner, here, alive) : false;
}

/**
 * True when `owner` (`<hostname>:<pid>`, as {@link ownerTag} writes it) names a process on this host that no longer
 * runs. False for another host, this process, a live process, or anything malformed.
 */
export function ownerGone(
  owner: string,
  here: string = hostname(),
  alive: (pid: number) => boolean = pidAlive,
): boolean {
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (at <= 0 || host !== here || !Number.isInteger(pid) || pid <= 0) return false;
  return pid !== process.pid && !alive(pid);
}
