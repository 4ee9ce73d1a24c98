/**
 * The explorer's layout at 80×24 and 120×40 (issue 12): nothing hidden without saying so, widths by display width,
 * sizes from one `/system/df`. Rendered with ink-testing-library over the in-memory port fed with JSON recorded
 * from Docker 26.1.5 (test/fixtures/engine-json/README.md; layer sizes: demo-26.1.5-df.json).
 */
import { cleanup, render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../src/ui/app.js';
import { ESC, lineWith, plain, press, TAB, waitForFrame, waitForText } from '../helpers/ink.js';
import {
  containerNamed,
  type EngineFixture,
  loadFixture,
  MemoryPort,
  type MemoryPortOptions,
} from '../helpers/memory-port.js';
import { demoPlans, memoryServices } from '../helpers/plans.js';

const fixture: EngineFixture = loadFixture();

let instance: ReturnType<typeof render> | null = null;
afterEach(() => {
  instance?.unmount();
  instance = null;
  cleanup();
});

function setup(columns: number, rows: number, port: MemoryPortOptions = {}, readOnly = false) {
  const p = new MemoryPort(fixture, port);
  const app = render(
    <App
      services={memoryServices(p, demoPlans(fixture))}
      engine={fixture.engine}
      columns={columns}
      rows={rows}
      readOnly={readOnly}
      noColor
      onExit={vi.fn()}
    />,
  );
  instance = app;
  return { port: p, lastFrame: app.lastFrame, stdin: app.stdin, frame: () => plain(app.lastFrame()) };
}

/** The mount pane's rows: the right half of each line between its borders. */
const mountLines = (f: string) =>
  f
    .split('\n')
    .map((l) => l.split(/[┃│]/).filter(Boolean).at(-1) ?? '')
    .filter((l) => /(LOST|orph|keep) +(LOST|orph|keep|–)/.test(l));

const SIZES = [
  [80, 24],
  [120, 40],
] as const;

describe.each(SIZES)('at %i×%i', (columns, rows) => {
  test('shop-db-1: the LOST row comes first, with its size beside the verdict', async () => {
    const { lastFrame } = setup(columns, rows);
    const f = await waitForFrame(lastFrame, (x) => /shop_dbdata.*LOST/.test(x) && x.includes('orph'));
    const lines = mountLines(f);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/shop_dbdata +\/var\/lib\/db +2\.1 MB .*LOST/);
    expect(lines[1]).toMatch(/\/data .*orph/);
    expect(lines[2]).toMatch(/\/scratch .*orph/);
    for (const l of f.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(columns);
  });

  test('worker: its --tmpfs mount is a row (read from inspect), its :ro bind says ro', async () => {
    const { lastFrame, stdin } = setup(columns, rows);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, 'G');
    const f = await waitForText(lastFrame, 'Mounts: worker', '/run/worker', '(memory)');
    expect(lineWith(f, '/src')).toContain('(ro)');
  });

  test('the help scrolls to q quit, and says how much is above', async () => {
    const { lastFrame, stdin } = setup(columns, rows);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, '?');
    let f = await waitForText(lastFrame, 'Keys — esc to close');
    if (rows === 24) {
      expect(f).not.toMatch(/q\s+quit/);
      expect(f).toMatch(/↓ \d+ more/);
    }
    press(stdin, 'G');
    f = await waitForFrame(lastFrame, (x) => /q\s+quit/.test(x));
    if (rows === 24) expect(f).toMatch(/↑ \d+ more/);
    expect(f.split('\n').length).toBeLessThanOrEqual(rows - 1);
  });

  test('CJK and emoji names keep every pane border in its column', async () => {
    const scratch = containerNamed(fixture, 'scratchpad');
    const { lastFrame, port } = setup(columns, rows);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    port.containers = [
      ...port.containers,
      { ...scratch, id: `f${scratch.id.slice(1)}`, name: '数据库备份-日本語のコンテナ-😀📦-报告-長い名前' },
    ];
    port.pushEvent({ type: 'container', action: 'create', id: 'x', time: 0 });
    const f = await waitForText(lastFrame, '数据');
    // The display columns of a line's box characters: the list pane's borders and the next pane's left one.
    const borders = (l: string) => {
      const at: number[] = [];
      let col = 0;
      for (const ch of l) {
        if ('┃│┌┐└┘'.includes(ch)) at.push(col);
        col += stringWidth(ch);
      }
      return at.slice(0, 3);
    };
    const line = lineWith(f, '数据') ?? '';
    expect(line).toMatch(/exited/);
    expect(borders(line)).toEqual(borders(lineWith(f, 'Containers') ?? ''));
    for (const l of f.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(columns);
  });
});

describe('the mount pane has its own cursor', () => {
  test('tab focuses it; j moves its cursor; rows beyond the pane say ↓ N more and come into view', async () => {
    const db = containerNamed(fixture, 'shop-db-1');
    // Twelve more volume mounts than the pane holds at 80×24.
    const extra = Array.from({ length: 12 }, (_, i) => ({
      ...db.mounts[2],
      name: 'shop_dbdata',
      destination: `/extra/${String(i).padStart(2, '0')}`,
    })) as typeof db.mounts;
    const more = <T extends { id: string; mounts: typeof db.mounts }>(c: T): T =>
      c.id === db.id ? { ...c, mounts: [...c.mounts, ...extra] } : c;
    const fx: EngineFixture = {
      ...fixture,
      containers: fixture.containers.map(more),
      inspected: Object.fromEntries(Object.entries(fixture.inspected).map(([id, c]) => [id, more(c)])),
    };
    const p = new MemoryPort(fx);
    const app = render(
      <App
        services={memoryServices(p, demoPlans(fixture))}
        engine={fixture.engine}
        columns={80}
        rows={24}
        readOnly={false}
        noColor
        onExit={vi.fn()}
      />,
    );
    instance = app;
    let f = await waitForFrame(app.lastFrame, (x) => /↓ \d+ more/.test(x) && x.includes('LOST'));
    const below = Number(/↓ (\d+) more/.exec(f)?.[1]);
    expect(below).toBeGreaterThan(0);
    press(app.stdin, TAB);
    for (let i = 0; i < 14; i++) press(app.stdin, 'j');
    f = await waitForFrame(app.lastFrame, (x) => /↑ \d+ more/.test(x) && x.includes('/scratch'));
    const cursorRow = f.split('\n').find((l) => (l.split(/[┃│]/).filter(Boolean).at(-1) ?? '').startsWith('▸'));
    expect(cursorRow).toContain('/scratch');
    expect(f).not.toMatch(/↓ \d+ more/);
  });
});

describe('sizes from one /system/df per refresh', () => {
  test("each container's writable layer in the list; moving the selection reads no more sizes", async () => {
    const { lastFrame, stdin, port } = setup(120, 40, { diskUsage: true });
    const f = await waitForFrame(lastFrame, (x) => /scratchpad +exited +1\.54 MB/.test(x));
    expect(lineWith(f, 'web-1')).toMatch(/14 B/);
    press(stdin, 'j', 'j', 'j', 'j');
    await waitForText(lastFrame, 'Mounts: worker');
    expect(port.calls.filter((c) => c.method === 'diskUsage')).toHaveLength(1);
    expect(port.calls.filter((c) => c.method === 'volumeSizes')).toHaveLength(0);
  });
});

describe('footer and prompts', () => {
  test('esc clears a filter while browsing', async () => {
    const { lastFrame, stdin } = setup(100, 30);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, '/', 'w', 'o', 'r', '\r');
    let f = await waitForText(lastFrame, 'Containers /wor', 'esc clear filter');
    expect(f).not.toContain('scratchpad');
    press(stdin, ESC);
    f = await waitForFrame(lastFrame, (x) => x.includes('scratchpad') && !x.includes('Containers /'));
  });

  test('the volumes view offers the way back to containers', async () => {
    const { lastFrame, stdin } = setup(100, 30);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, 'V');
    const f = await waitForText(lastFrame, 'PRUNE-A');
    const footer = f.trimEnd().split('\n').at(-1) ?? '';
    expect(footer).toContain('V containers');
    expect(footer).not.toContain('V volumes');
  });

  test('an unsupported : command shows its whole error, wrapped; y says it failed', async () => {
    const { lastFrame, stdin } = setup(80, 24);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, ':', 'frobnicate', '\r');
    const f = await waitForText(lastFrame, 'cannot preview');
    expect(f).not.toContain('proceed');
    press(stdin, 'y');
    const after = await waitForText(lastFrame, 'preview failed');
    expect(after).not.toContain('still being computed');
  });

  test('an engine event adding a container above keeps the highlight on the same container', async () => {
    const { lastFrame, stdin, port } = setup(100, 30);
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    press(stdin, 'G');
    await waitForText(lastFrame, 'Mounts: worker');
    const scratch = containerNamed(fixture, 'scratchpad');
    port.containers = [{ ...scratch, id: `e${scratch.id.slice(1)}`, name: 'aaa-first' }, ...port.containers];
    port.pushEvent({ type: 'container', action: 'create', id: 'x', time: 0 });
    const f = await waitForText(lastFrame, 'aaa-first');
    expect(f).toContain('Mounts: worker');
    expect(lineWith(f, '▸')).toContain('worker');
  });
});
