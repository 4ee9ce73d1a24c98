/**
 * Pure progress arithmetic for long copies (backups, restores): fraction of the total, throughput and ETA from
 * byte counts and timestamps the caller supplies. No clocks, no I/O.
 */

export interface ProgressSample {
  /** Bytes done so far. */
  readonly done: number;
  /** Bytes expected in all; null when unknown. */
  readonly total: number | null;
  /** 0..1, clamped; null when the total is unknown (or 0). */
  readonly fraction: number | null;
  /** Average since the start, bytes per second; 0 before any time has passed. */
  readonly bytesPerSecond: number;
  /** Seconds left at the current average rate; null when unknown. */
  readonly etaSeconds: number | null;
  readonly elapsedMs: number;
}

/** Computes a sample. `startMs`/`nowMs` are any monotonic milliseconds. */
export function progressSample(done: number, total: number | null, startMs: number, nowMs: number): ProgressSample {
  const elapsedMs = Math.max(0, nowMs - startMs);
  const bytesPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const knownTotal = total !== null && total > 0 ? total : null;
  const fraction = knownTotal === null ? null : Math.min(1, Math.max(0, done / knownTotal));
  const left = knownTotal === null ? null : Math.max(0, knownTotal - done);
  const etaSeconds = left === null || bytesPerSecond <= 0 ? null : left / bytesPerSecond;
  return { done, total: knownTotal, fraction, bytesPerSecond, etaSeconds, elapsedMs };
}

/** Lets through at most one update per `intervalMs` (first one always). Pure: keeps the last time in a value. */
export function shouldEmit(lastEmitMs: number | null, nowMs: number, intervalMs = 100): boolean {
  return lastEmitMs === null || nowMs - lastEmitMs >= intervalMs;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, 3 significant digits: `1.23 GB`, `512 B`. */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0
    ? `${Math.round(v)} B`
    : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[i]}`;
}

/** `1:05`, `12:00:03`; `--:--` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line: `label  45% 450 MB / 1.00 GB  120 MB/s  ETA 0:04`. */
export function formatProgressLine(label: string, s: ProgressSample): string {
  const pct = s.fraction === null ? '' : `${String(Math.floor(s.fraction * 100)).padStart(3)}% `;
  const amount = s.total === null ? formatBytes(s.done) : `${formatBytes(s.done)} / ${formatBytes(s.total)}`;
  const eta = s.total === null ? '' : `  ETA ${formatDuration(s.etaSeconds)}`;
  return `${label}  ${pct}${amount}  ${formatBytes(s.bytesPerSecond)}/s${eta}`;
}
