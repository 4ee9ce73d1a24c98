import { describe, expect, test } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatProgressLine,
  progressSample,
  shouldEmit,
} from '../../src/core/progress.js';

describe('progressSample', () => {
  test.each([
    // done, total, start, now → fraction, bytes/s, eta
    [0, 1000, 0, 0, 0, 0, null],
    [500, 1000, 0, 1000, 0.5, 500, 1],
    [250, 1000, 0, 500, 0.25, 500, 1.5],
    [1200, 1000, 0, 1000, 1, 1200, 0],
    [300, null, 0, 1000, null, 300, null],
    [300, 0, 0, 1000, null, 300, null],
  ])('%i of %s bytes from %i to %i ms', (done, total, start, now, fraction, bps, eta) => {
    const s = progressSample(done, total, start, now);
    expect(s.fraction).toBe(fraction);
    expect(s.bytesPerSecond).toBe(bps);
    expect(s.etaSeconds).toBe(eta);
  });
});

test('shouldEmit lets through one update per interval', () => {
  expect(shouldEmit(null, 5)).toBe(true);
  expect(shouldEmit(0, 99)).toBe(false);
  expect(shouldEmit(0, 100)).toBe(true);
  expect(shouldEmit(0, 30, 25)).toBe(true);
});

test.each([
  [0, '0 B'],
  [999, '999 B'],
  [1000, '1.00 kB'],
  [123_456_789, '123 MB'],
  [1_500_000_000, '1.50 GB'],
])('formatBytes(%i) = %s', (n, text) => {
  expect(formatBytes(n)).toBe(text);
});

test.each([
  [null, '--:--'],
  [5, '0:05'],
  [65, '1:05'],
  [3725, '1:02:05'],
])('formatDuration(%s) = %s', (s, text) => {
  expect(formatDuration(s)).toBe(text);
});

test('formatProgressLine shows percent, amounts, throughput and ETA', () => {
  expect(formatProgressLine('vol', progressSample(450e6, 1e9, 0, 3000))).toBe(
    'vol   45% 450 MB / 1.00 GB  150 MB/s  ETA 0:04',
  );
  expect(formatProgressLine('dump', progressSample(2e6, null, 0, 1000))).toBe('dump  2.00 MB  2.00 MB/s');
});
