import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createExportGate } from '../../src/docker/export-gate.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('an export starts only once the selection rested, and a selection that moves on never starts it', async () => {
  const gate = createExportGate(400);
  const started: string[] = [];
  const moved = new AbortController();
  const first = gate(async () => started.push('a'), moved.signal);
  first.catch(() => undefined);
  await vi.advanceTimersByTimeAsync(200);
  moved.abort();
  await expect(first).rejects.toThrow(/cancelled/);
  const second = gate(async () => started.push('b'), new AbortController().signal);
  await vi.advanceTimersByTimeAsync(399);
  expect(started).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  await second;
  expect(started).toEqual(['b']);
});

test('at most one export in flight: the next waits for the previous to end', async () => {
  const gate = createExportGate(10);
  let inFlight = 0;
  let most = 0;
  let release = () => {};
  const slow = () =>
    new Promise<void>((r) => {
      inFlight++;
      most = Math.max(most, inFlight);
      release = () => {
        inFlight--;
        r();
      };
    });
  const a = gate(slow);
  await vi.advanceTimersByTimeAsync(10);
  const b = gate(async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    inFlight--;
  });
  await vi.advanceTimersByTimeAsync(100);
  expect(inFlight).toBe(1);
  release();
  await a;
  await b;
  expect(most).toBe(1);
});
