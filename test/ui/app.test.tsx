/**
 * The explorer rendered with ink-testing-library over the in-memory port fed with JSON recorded from Docker 26.1.5
 * (test/fixtures/engine-json/README.md). Plans are test inputs (test/helpers/plans.ts); execution is the real
 * executePlan over the MemoryPort, so removals really remove.
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Plan } from '../../src/core/plan/types.js';
import { App } from '../../src/ui/app.js';
import type { ExplorerServices } from '../../src/ui/services.js';
import {
  BACKSPACE,
  CTRL_C,
  DOWN,
  ENTER,
  ESC,
  lineWith,
  plain,
  press,
  UP,
  waitForFrame,
  waitForText,
} from '../helpers/ink.js';
import {
  containerNamed,
  type EngineFixture,
  loadFixture,
  MemoryPort,
  type MemoryPortOptions,
} from '../helpers/memory-port.js';
import { demoPlans, key, memoryServices, planFrom, type ServicesOptions } from '../helpers/plans.js';

const fixture: EngineFixture = loadFixture();

let instance: ReturnType<typeof render> | null = null;
afterEach(() => {
  instance?.unmount();
  instance = null;
  cleanup();
});

interface Setup {
  readonly port?: MemoryPortOptions;
  readonly services?: ServicesOptions;
  readonly readOnly?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

function setup(opts: Setup = {}) {
  const port = new MemoryPort(fixture, opts.port);
  const plans = demoPlans(fixture);
  const services = memoryServices(port, plans, opts.services);
  const onExit = vi.fn();
  const app = render(
    <App
      services={services}
      engine={fixture.engine}
      columns={opts.columns ?? 100}
      rows={opts.rows ?? 30}
      readOnly={opts.readOnly ?? false}
      noColor
      onExit={onExit}
    />,
  );
  instance = app;
  const frame = () => plain(app.lastFrame());
  return { port, plans, services, onExit, app, frame, stdin: app.stdin, lastFrame: app.lastFrame };
}

/** Waits until the list is shown and the selected container's change tree has loaded. */
async function ready(lastFrame: () => string | undefined): Promise<string> {
  return waitForFrame(lastFrame, (f) => f.includes('shop (compose)') && /Changes \(docker diff\): \d/.test(f));
}

const selectedLine = (frame: string) => frame.split('\n').find((l) => /[┃│]▸/.test(l));

describe('browsing', () => {
  test('the first frame lists the demo containers grouped by project, standalone last', async () => {
    const { lastFrame } = setup();
    const f = await ready(lastFrame);
    // The left pane, row by row.
    const list = f
      .split('\n')
      .map((l) => l.split(/[┃│]/)[1]?.trim() ?? '')
      .filter((l) => l && !l.startsWith('Containers') && !/^[━─]+$/.test(l));
    expect(list).toEqual([
      '▾ shop (compose) · 2',
      expect.stringMatching(/^▸ +db-1 +running$/),
      expect.stringMatching(/^web-1 +running$/),
      '▾ standalone · 2',
      expect.stringMatching(/^scratchpad +exited$/),
      expect.stringMatching(/^worker +running$/),
    ]);
    expect(f).toContain(`Engine ${fixture.engine.version} (API ${fixture.engine.apiVersion})`);
    expect(selectedLine(f)).toContain('db-1');
  });

  test('j and k move the selection; the mount table and the change tree follow it', async () => {
    const { lastFrame, stdin } = setup();
    let f = await ready(lastFrame);
    expect(f).toContain('Mounts: shop-db-1');
    expect(f).toContain('shop_dbdata');
    press(stdin, 'j');
    f = await waitForText(lastFrame, 'Mounts: shop-web-1', 'Changes (docker diff): 4 paths');
    expect(f).toContain('shop_uploads');
    expect(f).toContain('www/');
    press(stdin, DOWN);
    f = await waitForFrame(lastFrame, (x) => selectedLine(x)?.includes('standalone') === true);
    expect(f).toContain('standalone container(s)');
    press(stdin, 'j');
    f = await waitForText(lastFrame, 'Mounts: scratchpad', 'Changes (docker diff): 54 paths');
    expect(f).toContain('notes');
    press(stdin, 'k', UP, 'k');
    f = await waitForText(lastFrame, 'Mounts: shop-db-1', 'Changes (docker diff): 5 paths');
  });

  test('several keys in one chunk act on the latest state: "jjr" previews rm of the row two below', async () => {
    const { lastFrame, stdin } = setup();
    await ready(lastFrame);
    press(stdin, 'G', 'k');
    await waitForText(lastFrame, 'Mounts: scratchpad');
    press(stdin, 'g');
    await waitForFrame(lastFrame, (f) => selectedLine(f)?.includes('shop (compose)') === true);
    stdin.write('jjr');
    const f = await waitForText(lastFrame, '$ docker rm shop-web-1', 'BLOCKED');
    expect(f).toContain('container shop-web-1 is running');
  });

  /** Resolves once the hook has asked for `id`'s details (its inspect comes right before its change read). */
  const detailsAsked = (port: MemoryPort, id: string) =>
    vi.waitFor(() => expect(port.calls.some((c) => c.method === 'inspectContainer' && c.arg === id)).toBe(true), {
      timeout: 2000,
    });

  test('one walk at a time: moving on leaves the running /changes be, the next waits; its late answer does not replace the current selection', async () => {
    // The engine walks the whole layer for /changes and closing the request does not stop it (src/ui/change-walks.ts).
    const { lastFrame, stdin, port } = setup({ port: { deferred: ['containerChanges'] } });
    const db = containerNamed(fixture, 'shop-db-1');
    const web = containerNamed(fixture, 'shop-web-1');
    const first = await port.nextPending('containerChanges');
    expect(first.args[0]).toBe(db.id);
    press(stdin, 'j');
    await detailsAsked(port, web.id);
    expect(port.pending('containerChanges')).toHaveLength(1);
    expect(first.aborted).toBe(false);
    first.resolve();
    const second = await port.nextPending('containerChanges');
    expect(second.args[0]).toBe(web.id);
    second.resolve();
    let f = await waitForText(lastFrame, 'Mounts: shop-web-1', 'Changes (docker diff): 4 paths');
    // A further key proves the UI processed everything: db's answer did not replace web's tree.
    press(stdin, '?');
    await waitForText(lastFrame, 'Keys');
    press(stdin, ESC);
    f = await waitForText(lastFrame, 'Mounts: shop-web-1');
    expect(f).toContain('Changes (docker diff): 4 paths');
    expect(f).not.toContain('Changes (docker diff): 5 paths');
  });

  test('rows passed over while a walk runs are never walked; coming back while it runs shares it', async () => {
    const { lastFrame, stdin, port } = setup({ port: { deferred: ['containerChanges'] } });
    const db = containerNamed(fixture, 'shop-db-1');
    const web = containerNamed(fixture, 'shop-web-1');
    const first = await port.nextPending('containerChanges');
    press(stdin, 'j');
    await detailsAsked(port, web.id);
    // Past the `standalone` group's header to its first container.
    press(stdin, 'j');
    press(stdin, 'j');
    const third = await vi.waitFor(
      () => {
        const ids = port.calls.filter((c) => c.method === 'inspectContainer').map((c) => c.arg);
        const id = ids.find((x) => x !== db.id && x !== web.id);
        expect(id).toBeDefined();
        return id;
      },
      { timeout: 2000 },
    );
    first.resolve();
    // web was passed over while db's walk ran: only the row the selection rests on is walked next.
    const next = await port.nextPending('containerChanges');
    expect(next.args[0]).toBe(third);
    // Back up to db (over the header and web) while the third one's walk runs.
    press(stdin, 'k');
    press(stdin, 'k');
    press(stdin, 'k');
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    next.resolve();
    const again = await port.nextPending('containerChanges');
    expect(again.args[0]).toBe(db.id);
    // Away and back while db's walk runs: the selection shares it, no second walk of db.
    press(stdin, 'j');
    press(stdin, 'k');
    await waitForText(lastFrame, 'Mounts: shop-db-1');
    again.resolve();
    await waitForText(lastFrame, 'Mounts: shop-db-1', 'Changes (docker diff): 5 paths');
    const walked = port.calls.filter((c) => c.method === 'containerChanges').map((c) => c.arg);
    expect(walked.filter((id) => id === web.id)).toEqual([]);
    expect(walked.filter((id) => id === db.id)).toHaveLength(2);
  });

  test('/ filters the list live; esc clears the filter', async () => {
    const { lastFrame, stdin } = setup();
    await ready(lastFrame);
    press(stdin, '/', 'w', 'o', 'r');
    let f = await waitForText(lastFrame, 'Containers /wor', '/wor█');
    expect(f).toContain('worker');
    expect(f).not.toContain('scratchpad');
    expect(f).not.toContain('shop (compose)');
    press(stdin, BACKSPACE, BACKSPACE, BACKSPACE);
    f = await waitForFrame(lastFrame, (x) => x.includes('scratchpad') && x.includes('/█'));
    press(stdin, 'q');
    await waitForText(lastFrame, 'Containers /q');
    press(stdin, ESC);
    f = await waitForFrame(lastFrame, (x) => x.includes('scratchpad') && !x.includes('Containers /'));
    expect(f).toContain('shop (compose)');
  });

  test('? shows every key of the keymap that applies', async () => {
    const { lastFrame, stdin } = setup();
    await ready(lastFrame);
    press(stdin, '?');
    const f = await waitForText(lastFrame, 'Keys — esc to close');
    for (const label of ['filter', 'compose down -v', 'volume prune -a', 'rm -v', 'volumes/containers', 'quit']) {
      expect(f).toContain(label);
    }
    press(stdin, ESC);
    await waitForFrame(lastFrame, (x) => !x.includes('Keys — esc') && x.includes('Mounts:'));
  });

  test('Ctrl+C quits and calls onExit', async () => {
    const { lastFrame, stdin, onExit } = setup();
    await ready(lastFrame);
    press(stdin, CTRL_C);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0), { timeout: 2000 });
  });

  test('esc then q in one chunk (fast typing; Ink reads it as alt-q) closes the preview, then quits', async () => {
    const { lastFrame, stdin, onExit } = setup();
    await ready(lastFrame);
    press(stdin, 'r');
    await waitForText(lastFrame, '$ docker rm');
    stdin.write('\u001bq');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0), { timeout: 2000 });
  });

  test('an engine event refreshes the list', async () => {
    const { lastFrame, port } = setup();
    await ready(lastFrame);
    await vi.waitFor(() => expect(port.eventSubscribers).toBe(1));
    const worker = containerNamed(fixture, 'worker');
    port.containers = port.containers.filter((c) => c.id !== worker.id);
    port.pushEvent({ type: 'container', action: 'destroy', id: worker.id, time: 0 });
    const f = await waitForFrame(lastFrame, (x) => x.includes('scratchpad') && !x.includes('worker'));
    expect(f).toContain('standalone · 1');
  });
});

describe('volumes view', () => {
  test('V lists every volume with size, users and both prune verdicts', async () => {
    const { lastFrame, stdin } = setup();
    await ready(lastFrame);
    press(stdin, 'V');
    const f = await waitForFrame(lastFrame, (x) => lineWith(x, 'old-reports')?.includes('LOST') === true);
    const oldReports = lineWith(f, 'old-reports') ?? '';
    expect(oldReports).toMatch(/named\s+717 kB\s+\(none: dangling\)\s+keep\s+LOST/);
    const dangling = fixture.volumes.find(
      (v) => /^[0-9a-f]{64}$/.test(v.name) && !fixture.containers.some((c) => c.mounts.some((m) => m.name === v.name)),
    );
    expect(lineWith(f, dangling?.name.slice(0, 8) ?? '-')).toMatch(/anonymous.*\(none: dangling\)\s+LOST\s+LOST/);
    expect(lineWith(f, 'shop_dbdata')).toMatch(/2\.1 MB shop\s+shop-db-1\s+keep\s+keep/);
    // One line per volume: the rows fit the pane's width.
    const rows = f.split('\n').filter((l) => /(named|anonymous)\s/.test(l));
    expect(rows).toHaveLength(8);
    expect(f).toContain('PRUNE-A');
  });
});

describe('compose down -v: preview, confirm, execute', () => {
  const argv = ['docker', 'compose', '-p', 'shop', 'down', '-v'];

  async function openPreview(s: ReturnType<typeof setup>) {
    await ready(s.lastFrame);
    press(s.stdin, 'D');
    return waitForText(s.lastFrame, 'TOTAL destroyed');
  }

  test('D on a compose container previews the exact command with what is destroyed, orphaned and the totals', async () => {
    const s = setup();
    const f = await openPreview(s);
    expect(f).toContain('$ docker compose -p shop down -v');
    expect(f).toContain('DESTROYED (5)');
    expect(lineWith(f, 'container shop-db-1')).toContain('running');
    expect(f).toContain('container shop-web-1');
    expect(lineWith(f, 'volume    shop_dbdata')).toContain('2.1 MB');
    expect(f).toContain('network   shop_default');
    expect(f).toContain('ORPHANED — kept, but no container uses them afterwards (2)');
    expect(f).toContain('inherited by name at a recreate, so -v leaves it');
    const plan = s.plans.get(key(argv)) as Plan;
    expect(f).toContain(`TOTAL destroyed: 2.1 MB (+ ${plan.totals.unknown} objects of unknown size)`);
    expect(s.services.planned).toContain(key(argv));
  });

  test('y asks for the project name; a wrong name keeps the dialog; the exact name removes exactly the plan', async () => {
    const s = setup();
    await openPreview(s);
    press(s.stdin, 'y');
    let f = await waitForText(s.lastFrame, 'Type shop to confirm');
    expect(f).toContain('Remove 2 containers, 2 volumes, 1 network');
    press(s.stdin, 's', 'h', 'o', 'o', ENTER);
    f = await waitForText(s.lastFrame, 'type shop exactly to confirm');
    expect(f).toContain('> shoo█');
    expect(s.port.containers).toHaveLength(4);
    press(s.stdin, BACKSPACE);
    await waitForText(s.lastFrame, '> sho█');
    press(s.stdin, 'p', ENTER);
    f = await waitForText(s.lastFrame, 'Result (read back from the engine)', 'Removed 5 objects.');
    for (const line of ['container shop-db-1', 'container shop-web-1', 'volume shop_dbdata', 'network shop_default']) {
      expect(f).toContain(line);
    }
    const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);
    expect(names(s.port.containers).sort()).toEqual(['scratchpad', 'worker']);
    expect(names(s.port.volumes)).not.toContain('shop_dbdata');
    expect(names(s.port.volumes)).not.toContain('shop_uploads');
    expect(names(s.port.networks)).not.toContain('shop_default');
    // The orphaned volumes are still there: exactly the plan, nothing more.
    const plan = s.plans.get(key(argv)) as Plan;
    for (const v of plan.orphan.volumes) expect(names(s.port.volumes)).toContain(v.name);
    expect(s.port.volumes).toHaveLength(fixture.volumes.length - 2);
    // Back to the list, read again from the engine.
    press(s.stdin, ENTER);
    f = await waitForFrame(s.lastFrame, (x) => x.includes('standalone') && !x.includes('shop (compose)'));
  });

  test('esc in the dialog is No: nothing is removed', async () => {
    const s = setup();
    await openPreview(s);
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'Type shop to confirm');
    press(s.stdin, 's', 'h', 'o', 'p');
    await waitForText(s.lastFrame, '> shop█');
    press(s.stdin, ESC);
    const f = await waitForText(s.lastFrame, 'not confirmed: nothing was removed');
    expect(f).toContain('$ docker compose -p shop down -v');
    expect(s.port.containers).toHaveLength(fixture.containers.length);
    expect(s.port.calls.some((c) => c.method.startsWith('remove'))).toBe(false);
  });

  test('drift: when the recomputed plan differs, NOTHING is removed', async () => {
    const s = setup({
      services: {
        // Just before execution the engine says shop_uploads is in use by something else: it would be kept.
        recompute: (shown) =>
          planFrom(fixture, shown.command, {
            destroy: {
              containers: ['shop-db-1', 'shop-web-1'],
              networks: ['shop_default'],
              volumes: [{ name: 'shop_dbdata', reason: 'declared by project shop; removed by -v' }],
            },
            keep: { volumes: [{ name: 'shop_uploads', reason: 'in use by another container' }] },
          }),
      },
    });
    await openPreview(s);
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'Type shop to confirm');
    press(s.stdin, 's', 'h', 'o', 'p', ENTER);
    const f = await waitForText(s.lastFrame, 'NOTHING was removed');
    expect(f).toContain('volume shop_uploads: was destroy, now keep');
    expect(s.port.containers).toEqual(fixture.containers);
    expect(s.port.volumes).toEqual(fixture.volumes);
    expect(s.port.networks).toEqual(fixture.networks);
    expect(s.port.calls.some((c) => c.method.startsWith('remove') || c.method === 'stopContainer')).toBe(false);
  });
});

describe('read-only', () => {
  test('previews open (they destroy nothing); y is refused and never offered', async () => {
    const s = setup({ readOnly: true });
    let f = await ready(s.lastFrame);
    const footer = f.trimEnd().split('\n').at(-1) ?? '';
    expect(footer).toContain('/ filter');
    expect(f).toContain('READ-ONLY');
    press(s.stdin, 'D');
    f = await waitForText(s.lastFrame, '$ docker compose -p shop down -v', 'DESTROYED (5)');
    expect(f).toContain('read-only: lastlook will not carry this out');
    expect(f.trimEnd().split('\n').at(-1)).not.toContain('proceed');
    press(s.stdin, 'y');
    f = await waitForText(s.lastFrame, 'read-only mode');
    expect(f).not.toContain('Type shop');
    press(s.stdin, ESC);
    await waitForFrame(s.lastFrame, (x) => !x.includes('Preview'));
    press(s.stdin, '?');
    f = await waitForText(s.lastFrame, 'read-only: previews only');
    expect(f).not.toMatch(/y\/enter +proceed/);
  });
});

describe('size', () => {
  test.each([24, 40])('the frame is never taller than rows-1 (rows %i), in every screen', async (rows) => {
    const s = setup({ rows });
    const heights: number[] = [];
    const measure = (f: string) => heights.push(f.split('\n').length);
    measure(await ready(s.lastFrame));
    press(s.stdin, 'V');
    measure(await waitForText(s.lastFrame, 'Volumes · 8'));
    press(s.stdin, 'V', 'D');
    measure(await waitForText(s.lastFrame, 'DESTROYED (5)'));
    press(s.stdin, 'y');
    measure(await waitForText(s.lastFrame, 'Type shop'));
    // A lone Esc is held for one tick (Esc + q at once would be Meta+q): wait for its frame first.
    press(s.stdin, ESC);
    await waitForText(s.lastFrame, 'not confirmed');
    press(s.stdin, 'q');
    await waitForText(s.lastFrame, 'Mounts:');
    press(s.stdin, '?');
    measure(await waitForText(s.lastFrame, 'Keys'));
    for (const h of heights) expect(h).toBeLessThanOrEqual(rows - 1);
  });

  test('the preview keeps its title and command when the confirmation dialog takes room', async () => {
    const s = setup({ rows: 24 });
    await ready(s.lastFrame);
    press(s.stdin, 'D');
    await waitForText(s.lastFrame, 'DESTROYED');
    press(s.stdin, 'y');
    const f = await waitForText(s.lastFrame, 'Type shop');
    expect(f).toContain('Preview — what this command would destroy');
    expect(f).toContain('$ docker compose -p shop down -v');
    expect(f).toMatch(/↓ \d+ more \(j to scroll\)/);
  });

  test.each([
    [79, 30],
    [100, 23],
  ])('below 80×24 (%i×%i) a notice says so', (columns, rows) => {
    const s = setup({ columns, rows });
    const f = s.frame();
    expect(f).toContain('needs at least 80×24');
    expect(f).toContain(`${columns}×${rows}`);
  });
});

// Keep the services type honest: memoryServices is a full ExplorerServices.
const _typed: (p: MemoryPort) => ExplorerServices = (p) => memoryServices(p, new Map());
void _typed;
