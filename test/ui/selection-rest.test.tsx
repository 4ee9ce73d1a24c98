/**
 * A selection that moves fast loads details (inspect, `/changes`, sizes, fates) only where it rests, never for the
 * rows it passes; the frame for each key is drawn at once. In-memory port fed with JSON recorded from Docker 26.1.5
 * (test/fixtures/engine-json/README.md). The clock is vitest's: "fast" and "rests" are decided by it, not by how fast
 * this machine runs the test.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { SELECTION_REST_MS } from '../../src/ui/hooks/use-selection-detail.js';
import { mountApp } from '../helpers/app.js';
import { DOWN, plain, press, waitForFrame, waitForText } from '../helpers/ink.js';
import { containerNamed, type EngineFixture, loadFixture, MemoryPort } from '../helpers/memory-port.js';

const fixture: EngineFixture = loadFixture();

const renderApp = mountApp();
afterEach(() => {
  vi.useRealTimers();
});

/** A few turns of the event loop: React runs the effects of a drawn frame (they start or cancel the loads). */
async function effectsRun(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

const selectedLine = (frame: string) => frame.split('\n').find((l) => /[┃│]▸/.test(l));

test('keys in quick succession load details only for the row the selection rests on', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const port = new MemoryPort(fixture);
  const app = renderApp(fixture, port);
  const { lastFrame, stdin } = app;
  const changesOf = (name: string) =>
    port.calls.filter((c) => c.method === 'containerChanges' && c.arg === containerNamed(fixture, name).id).length;
  const inspectsOf = (name: string) =>
    port.calls.filter((c) => c.method === 'inspectContainer' && c.arg === containerNamed(fixture, name).id).length;

  // The first selection loads at once.
  await waitForFrame(lastFrame, (f) => f.includes('Mounts: shop-db-1') && /Changes \(docker diff\): \d/.test(f));
  // After a rest, a move loads at once too.
  vi.advanceTimersByTime(SELECTION_REST_MS);
  await effectsRun();
  press(stdin, 'j');
  await waitForText(lastFrame, 'Mounts: shop-web-1', 'Changes (docker diff): 4 paths');

  // Three more moves, each within the rest time of the previous one: each is drawn, none loads.
  press(stdin, DOWN);
  await waitForFrame(lastFrame, (f) => selectedLine(f)?.includes('standalone') === true);
  press(stdin, 'j');
  let f = await waitForFrame(lastFrame, (x) => selectedLine(x)?.includes('scratchpad') === true);
  expect(f).not.toContain('Changes (docker diff): 54 paths');
  await effectsRun();
  vi.advanceTimersByTime(SELECTION_REST_MS - 1);
  press(stdin, 'j');
  f = await waitForFrame(lastFrame, (x) => selectedLine(x)?.includes('worker') === true);
  expect(f).not.toContain('Mounts: scratchpad');
  expect([changesOf('scratchpad'), inspectsOf('scratchpad')]).toEqual([0, 0]);
  expect([changesOf('worker'), inspectsOf('worker')]).toEqual([0, 0]);
  await effectsRun();

  // Once the selection has rested, its details load, once; the row passed over never loaded.
  vi.advanceTimersByTime(SELECTION_REST_MS);
  f = await waitForFrame(lastFrame, (x) => x.includes('Mounts: worker') && /Changes \(docker diff\): \d/.test(x));
  expect(plain(selectedLine(f))).toContain('worker');
  expect([changesOf('worker'), inspectsOf('worker')]).toEqual([1, 1]);
  expect([changesOf('scratchpad'), inspectsOf('scratchpad')]).toEqual([0, 0]);
});
