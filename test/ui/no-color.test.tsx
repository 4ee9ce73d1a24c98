/**
 * `noColor` (NO_COLOR / --no-color) must drop every colour even where the terminal forces colour. This file pins
 * FORCE_COLOR=1 before Ink and chalk are loaded (each test file runs in its own module graph), and checks that the
 * same screens do carry colour without `noColor`, so the assertion cannot pass vacuously.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { waitForText } from '../helpers/ink.js';
import { loadFixture, MemoryPort } from '../helpers/memory-port.js';
import { demoPlans, memoryServices } from '../helpers/plans.js';

const previous = process.env.FORCE_COLOR;
process.env.FORCE_COLOR = '1';

type Testing = typeof import('ink-testing-library');
let testing: Testing;
let App: typeof import('../../src/ui/app.js').App;
beforeAll(async () => {
  testing = await import('ink-testing-library');
  ({ App } = await import('../../src/ui/app.js'));
});
afterAll(() => {
  process.env.FORCE_COLOR = previous;
});

let instance: ReturnType<Testing['render']> | null = null;
afterEach(() => {
  instance?.unmount();
  instance = null;
  testing.cleanup();
});

// SGR colour parameters: 30–37, 39, 40–47, 49, 90–97, 100–107, 38;…/48;… (256 and true colour).
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(?:\\d+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;\\d+)*m`);

async function screens(noColor: boolean): Promise<string[]> {
  const fixture = loadFixture();
  const port = new MemoryPort(fixture);
  const app = testing.render(
    <App
      services={memoryServices(port, demoPlans(fixture))}
      engine={fixture.engine}
      columns={100}
      rows={30}
      readOnly={false}
      noColor={noColor}
      onExit={() => {}}
    />,
  );
  instance = app;
  const frames: string[] = [];
  const raw = () => app.lastFrame() ?? '';
  await waitForText(app.lastFrame, 'Changes (docker diff): 5 paths', 'LOST');
  frames.push(raw());
  app.stdin.write('V');
  await waitForText(app.lastFrame, 'Volumes · 8', 'LOST');
  frames.push(raw());
  app.stdin.write('V');
  await waitForText(app.lastFrame, 'Mounts:');
  app.stdin.write('D');
  await waitForText(app.lastFrame, 'DESTROYED (5)');
  frames.push(raw());
  app.stdin.write('y');
  await waitForText(app.lastFrame, 'Type shop');
  frames.push(raw());
  return frames;
}

test('with colour forced, the screens are coloured (the control)', async () => {
  const frames = await screens(false);
  expect(frames.every((f) => COLOUR.test(f))).toBe(true);
});

test('noColor: no screen carries a colour code, even with FORCE_COLOR=1', async () => {
  const frames = await screens(true);
  for (const f of frames) expect(f.match(COLOUR)?.[0] ?? null).toBeNull();
});
