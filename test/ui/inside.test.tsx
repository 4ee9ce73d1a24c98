/**
 * The explorer's inside screens (issue 12) over the in-memory port fed with JSON recorded from Docker 26.1.5: `b`
 * on a preview (the backup service is a test double here: the real one, src/backup/for-plan.ts, is driven on a real
 * engine by test/e2e/explorer-inside.test.ts), a volume's contents, a container's logs (MemoryPort.logFeed).
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Plan } from '../../src/core/plan/types.js';
import { VolumeTreeBuilder } from '../../src/core/volume-tree.js';
import { App } from '../../src/ui/app.js';
import type { BackupRunOptions, ExplorerServices } from '../../src/ui/services.js';
import { ENTER, ESC, lineWith, plain, press, TAB, waitForFrame, waitForText } from '../helpers/ink.js';
import { containerNamed, type EngineFixture, loadFixture, MemoryPort } from '../helpers/memory-port.js';
import { demoPlans, key, memoryServices } from '../helpers/plans.js';

const fixture: EngineFixture = loadFixture();

let instance: ReturnType<typeof render> | null = null;
afterEach(() => {
  instance?.unmount();
  instance = null;
  cleanup();
});

/** A backup double: records what it was asked, and lets the test drive progress and the outcome. */
function backupDouble() {
  const calls: { plan: Plan; opts: BackupRunOptions }[] = [];
  let settle: { resolve: (v: unknown) => void; reject: (e: Error) => void } | null = null;
  const backup: NonNullable<ExplorerServices['backup']> = (plan, opts) => {
    calls.push({ plan, opts });
    opts.onDir('/home/u/lastlook-backups/2026-11-27T10-00-00Z');
    return new Promise((resolve, reject) => {
      settle = { resolve: resolve as (v: unknown) => void, reject };
      opts.signal.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
    });
  };
  return {
    backup,
    calls,
    finish: (v: { dir: string; archives: string[]; archiveBytes: number }) => settle?.resolve(v),
    fail: (e: Error) => settle?.reject(e),
  };
}

function setup(
  extra: Partial<ExplorerServices> = {},
  opts: { readOnly?: boolean; columns?: number; rows?: number } = {},
) {
  const port = new MemoryPort(fixture);
  const plans = demoPlans(fixture);
  const services = { ...memoryServices(port, plans), backupRoot: '/home/u/lastlook-backups', ...extra };
  const app = render(
    <App
      services={services}
      engine={fixture.engine}
      columns={opts.columns ?? 100}
      rows={opts.rows ?? 30}
      readOnly={opts.readOnly ?? false}
      noColor
      onExit={vi.fn()}
    />,
  );
  instance = app;
  return { port, plans, app, stdin: app.stdin, lastFrame: app.lastFrame, frame: () => plain(app.lastFrame()) };
}

async function ready(lastFrame: () => string | undefined): Promise<string> {
  return waitForFrame(lastFrame, (f) => f.includes('shop (compose)') && /Changes \(docker diff\): \d/.test(f));
}

const downV = ['docker', 'compose', '-p', 'shop', 'down', '-v'];

describe('b: back up what the preview destroys, then proceed', () => {
  async function backupScreen(extra: Partial<ExplorerServices>, readOnly = false) {
    const s = setup(extra, { readOnly });
    await ready(s.lastFrame);
    press(s.stdin, 'D');
    await waitForText(s.lastFrame, 'TOTAL destroyed', 'b backup');
    press(s.stdin, 'b');
    await waitForText(s.lastFrame, 'Back up before: docker compose -p shop down -v', 'y / enter: start');
    return s;
  }

  test('the exact plan is backed up with progress; once verified, y leads to the confirmation that removes it', async () => {
    const d = backupDouble();
    const s = await backupScreen({ backup: d.backup });
    let f = s.frame();
    expect(f).toContain('2 volumes, 2 writable layers');
    expect(f).toContain('into a new folder under /home/u/lastlook-backups');
    expect(f).toContain('shop-db-1 is running: it is stopped first');
    expect(d.calls).toHaveLength(0); // nothing starts before y
    press(s.stdin, 'y');
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    const plan = s.plans.get(key(downV)) as Plan;
    expect(d.calls[0]?.plan).toBe(plan);
    expect(d.calls[0]?.opts.stop).toBe(true);
    d.calls[0]?.opts.onNotice('stopped shop-db-1 first: nothing may write to its data after the backup', 'shop-db-1');
    d.calls[0]?.opts.onProgress({ stage: 'copy', item: 'shop_dbdata', index: 0, count: 4, done: 0, total: 4_000_000 });
    d.calls[0]?.opts.onProgress({
      stage: 'copy',
      item: 'shop_dbdata',
      index: 0,
      count: 4,
      done: 1_000_000,
      total: 4_000_000,
    });
    f = await waitForText(s.lastFrame, 'copying 1/4 shop_dbdata', '1 MB of 4 MB (25%)', 'ETA');
    expect(f).toContain('stopped shop-db-1 first');
    // y does nothing while it runs; nothing is removed.
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'backup in progress: esc cancels it');
    const dir = '/home/u/lastlook-backups/2026-11-27T10-00-00Z';
    d.finish({ dir, archives: [`${dir}/volume-shop_dbdata.tar.gz`], archiveBytes: 1234 });
    f = await waitForText(s.lastFrame, '✓ verified: 1 archive', 'proceed to the removal');
    expect(f).toContain(`in ${dir}`);
    expect(f).toContain('   volume-shop_dbdata.tar.gz');
    expect(s.port.containers).toHaveLength(fixture.containers.length);
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'Type shop to confirm');
    press(s.stdin, 's', 'h', 'o', 'p', ENTER);
    await waitForText(s.lastFrame, 'Result (read back from the engine)', 'Removed 5 objects.');
    const names = s.port.containers.map((c) => c.name).sort();
    expect(names).toEqual(['scratchpad', 'worker']);
  });

  test('esc while it runs cancels it (the service is aborted) and nothing is removed', async () => {
    const d = backupDouble();
    const s = await backupScreen({ backup: d.backup });
    press(s.stdin, 'y');
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    press(s.stdin, ESC);
    const f = await waitForText(
      s.lastFrame,
      '✗ backup cancelled',
      'Nothing was removed and no file of this backup is left',
    );
    expect(d.calls[0]?.opts.signal.aborted).toBe(true);
    expect(f).not.toContain('proceed to the removal');
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'the backup failed: nothing was removed');
    press(s.stdin, ESC);
    await waitForText(s.lastFrame, 'nothing was removed', 'TOTAL destroyed');
    expect(s.port.containers).toHaveLength(fixture.containers.length);
  });

  test('a failed backup names what it stopped and offers no removal', async () => {
    const d = backupDouble();
    const s = await backupScreen({ backup: d.backup });
    press(s.stdin, 'y');
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    d.calls[0]?.opts.onNotice('stopped shop-db-1 first', 'shop-db-1');
    d.fail(new Error('not enough space in /home/u/lastlook-backups'));
    const f = await waitForText(s.lastFrame, '✗ backup failed: not enough space');
    expect(f).toContain('Stopped for it: shop-db-1');
    press(s.stdin, 'y');
    await waitForText(s.lastFrame, 'the backup failed: nothing was removed');
    expect(s.port.containers).toHaveLength(fixture.containers.length);
  });
});

describe('volume contents', () => {
  function contents(volume: string) {
    const b = new VolumeTreeBuilder(4);
    b.add({ path: '/base', type: 'directory', size: 0 });
    b.add({ path: '/base/16384', type: 'directory', size: 0 });
    b.add({ path: '/base/16384/1259', type: 'file', size: 73_728 });
    b.add({ path: '/PG_VERSION', type: 'file', size: 3 });
    b.add({ path: '/evil\u001b]0;x\u0007', type: 'file', size: 1 });
    return b.result(volume);
  }

  test('enter on a volume of the volumes view opens its tree with sizes; esc returns', async () => {
    const asked: string[] = [];
    const s = setup({
      volumeContents: async (v) => {
        asked.push(v);
        return contents(v);
      },
    });
    await ready(s.lastFrame);
    press(s.stdin, 'V');
    await waitForText(s.lastFrame, 'old-reports');
    press(s.stdin, ENTER);
    const f = await waitForText(s.lastFrame, 'Volume ', '16384/', '73.7 kB', 'PG_VERSION');
    expect(asked).toHaveLength(1);
    expect(f).toContain(`Volume ${asked[0]}`);
    // The hostile name is escaped, never sent to the terminal as a sequence.
    expect(s.app.lastFrame()).not.toContain('\u001b]0;');
    expect(f).toContain('"evil\\x1b]0;x\\x07"');
    press(s.stdin, ESC);
    await waitForFrame(s.lastFrame, (x) => x.includes('old-reports') && !x.includes('PG_VERSION'));
  });

  test("enter on a volume's row of the mount pane opens that volume", async () => {
    const asked: string[] = [];
    const s = setup({
      volumeContents: async (v) => {
        asked.push(v);
        return contents(v);
      },
    });
    await ready(s.lastFrame);
    // shop-db-1: tab focuses its mount table (once its fates are known, the rows keep their order); j moves the
    // table's own cursor (▸) to the shop_dbdata row, and that row is the one opened.
    await waitForFrame(s.lastFrame, (f) => /shop_dbdata.*(keep|LOST)/.test(f));
    press(s.stdin, TAB);
    const onDbdata = (f: string) => f.split('\n').some((l) => /[│┃]▸/.test(l) && l.includes('shop_dbdata'));
    for (let i = 0; i < 8 && !onDbdata(s.frame()); i++) {
      const before = s.frame();
      press(s.stdin, 'j');
      await waitForFrame(s.lastFrame, (f) => f !== before || onDbdata(f));
    }
    expect(onDbdata(s.frame())).toBe(true);
    press(s.stdin, ENTER);
    await waitForText(s.lastFrame, 'Volume shop_dbdata', 'PG_VERSION');
    expect(asked).toEqual(['shop_dbdata']);
  });
});

describe('logs', () => {
  test('l shows the tail and follows it, escaped; esc stops the stream', async () => {
    const s = setup();
    await ready(s.lastFrame);
    const db = containerNamed(fixture, 'shop-db-1');
    const feed = s.port.logFeed(db.id);
    feed.write('listening on port 5432\n');
    press(s.stdin, 'l');
    await waitForText(s.lastFrame, 'Logs: shop-db-1 (following', 'listening on port 5432');
    feed.write('checkpoint \u001b]52;c;aGk=\u0007done\n');
    const f = await waitForText(s.lastFrame, 'checkpoint');
    expect(lineWith(f, 'checkpoint')).toContain('\\u001b]52;c;aGk=\\u0007done');
    expect(s.app.lastFrame()).not.toContain('\u001b]52');
    press(s.stdin, ESC);
    await ready(s.lastFrame);
    await vi.waitFor(() => expect(feed.destroyed).toBe(true));
  });

  test('a container whose log driver cannot be read gets a clear line', async () => {
    const s = setup();
    await ready(s.lastFrame);
    press(s.stdin, 'l');
    await waitForText(
      s.lastFrame,
      "cannot read this container's logs: configured logging driver does not support reading",
    );
  });
});
