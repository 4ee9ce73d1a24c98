/**
 * `npm run screenshots`: real runs of lastlook on the demo scenario, in a real terminal (tmux), captured with
 * their colours and rendered to SVG (for the README) and PNG (to look at). Uses the demo sandbox engine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, lastlookBin, TmuxSession } from '../test/e2e/tmux.js';
import { repoRoot } from '../test/engine/harness.js';
// @ts-expect-error: plain ESM helper without type declarations
import { ansiToSvg } from './ansi-to-svg.mjs';

const sandbox = process.env.LASTLOOK_SANDBOX ?? '/var/tmp/lastlook-sandbox';
const host = `unix://${sandbox}/engine/docker.sock`;
const out = join(repoRoot, 'screenshots');

interface Scene {
  readonly name: string;
  readonly title: string;
  readonly columns: number;
  readonly rows: number;
  readonly args?: readonly string[];
  /** Keys to reach the scene, and the text to wait for before capturing. */
  readonly steps: readonly {
    readonly keys?: readonly string[];
    readonly type?: string;
    /** Press j until the screen matches this (a row of a list or tree), then wait. */
    readonly seek?: RegExp;
    readonly wait: string | RegExp;
  }[];
}

const scenes: Scene[] = [
  {
    name: 'explorer',
    title: 'lastlook — containers, mounts and changes',
    columns: 120,
    rows: 32,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { wait: /Changes \(docker diff\): \d+ paths, / },
    ],
  },
  {
    name: 'explorer-80x24',
    title: 'lastlook at 80×24',
    columns: 80,
    rows: 24,
    steps: [
      { wait: 'shop (compose)' },
      // Keys only once the app has settled (its fates loaded), so that none is typed before raw mode is on.
      { wait: / (keep|LOST|orph) / },
      { keys: ['j', 'j', 'j'], wait: 'Mounts: scratchpad' },
      { wait: / (keep|LOST|orph) / },
      { wait: /Changes \(docker diff\): \d+ paths, / },
    ],
  },
  {
    name: 'compose-down-preview',
    title: 'lastlook — preview of docker compose -p shop down -v',
    columns: 120,
    rows: 36,
    steps: [{ wait: 'shop (compose)' }, { wait: / (keep|LOST|orph) / }, { keys: ['D'], wait: 'TOTAL destroyed' }],
  },
  {
    name: 'confirmation',
    title: 'lastlook — confirmation: type the project name',
    columns: 120,
    rows: 36,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { keys: ['D'], wait: 'TOTAL destroyed' },
      { keys: ['y'], wait: 'Type shop to confirm' },
      { type: 'sh', wait: '> sh' },
    ],
  },
  {
    name: 'volumes',
    title: 'lastlook — volumes and what each prune would take',
    columns: 120,
    rows: 30,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { keys: ['V'], wait: 'PRUNE-A' },
      { wait: /LOST/ },
    ],
  },
  {
    name: 'content-diff',
    title: 'lastlook — what changed inside /etc/passwd of scratchpad (enter on a file of the change tree)',
    columns: 100,
    rows: 30,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { keys: ['j', 'j', 'j'], wait: 'Mounts: scratchpad' },
      { wait: /Changes \(docker diff\): \d+ paths, / },
      { keys: [KEYS.enter], seek: /▸C [^│┃]*passwd/, wait: /▸C [^│┃]*passwd/ },
      { keys: [KEYS.enter], wait: /\+ app:x:1000/ },
    ],
  },
  {
    name: 'volume-contents',
    title: 'lastlook — enter on a volume: its files, read through a helper container',
    columns: 100,
    rows: 30,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { keys: ['V'], wait: 'PRUNE-A' },
      { seek: /▸.*old-reports/, wait: /▸.*old-reports/ },
      { keys: [KEYS.enter], wait: '2025-q4.csv' },
    ],
  },
  {
    name: 'logs',
    title: 'lastlook — l: the logs that docker rm destroys with shop-db-1, followed',
    columns: 100,
    rows: 30,
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { wait: 'Mounts: shop-db-1' },
      { keys: ['l'], wait: 'ready to accept connections' },
    ],
  },
  {
    name: 'help',
    title: 'lastlook — keys',
    columns: 100,
    rows: 30,
    steps: [{ wait: 'shop (compose)' }, { wait: / (keep|LOST|orph) / }, { keys: ['?'], wait: 'Keys' }],
  },
  // Last: the backup stops the containers it backs up (as guard --backup-to does), and they stay stopped.
  {
    name: 'backup',
    title: 'lastlook — b on a preview: backing up what compose down -v destroys, before the confirmation',
    columns: 100,
    rows: 30,
    args: ['--backup-dir', join(sandbox, 'backups')],
    steps: [
      { wait: 'shop (compose)' },
      { wait: / (keep|LOST|orph) / },
      { keys: ['D'], wait: 'TOTAL destroyed' },
      { keys: ['b'], wait: 'y / enter: start' },
      // db's 48 MiB of random data take a few seconds to compress and verify: captured while it runs.
      { keys: ['y'], wait: /ETA \d/ },
    ],
  },
];

async function main(): Promise<void> {
  execFileSync('bash', [join(repoRoot, 'scripts/demo.sh'), '--seed-only'], {
    stdio: 'inherit',
    env: { ...process.env, LASTLOOK_SANDBOX: sandbox },
  });
  mkdirSync(out, { recursive: true });
  const rsvg = spawnSync('rsvg-convert', ['--version']).status === 0;
  // SCENES=a,b renders only those scenes.
  const only = process.env.SCENES?.split(',').filter(Boolean);
  for (const scene of scenes.filter((s) => !only || only.includes(s.name))) {
    const t = new TmuxSession(scene.columns, scene.rows);
    try {
      t.start(['node', lastlookBin, '--host', host, ...(scene.args ?? [])], {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
      });
      for (const step of scene.steps) {
        for (const k of step.keys ?? []) t.send(k);
        if (step.type) t.type(step.type);
        for (let i = 0; step.seek && i < 80 && !step.seek.test(t.capture()); i++) {
          const before = t.capture();
          t.send('j');
          await t.waitFor((s) => s !== before, 20_000, 'the selection to move');
        }
        await t.waitForText(step.wait, 20_000);
      }
      const screen = t.capture(true);
      const svg: string = await ansiToSvg(screen, scene.columns, scene.rows, scene.title);
      const svgPath = join(out, `${scene.name}.svg`);
      writeFileSync(svgPath, svg);
      writeFileSync(join(out, `${scene.name}.txt`), t.capture());
      if (rsvg) {
        execFileSync('rsvg-convert', ['-o', join(out, `${scene.name}.png`), svgPath]);
      }
      t.send(KEYS.escape);
      console.log(`screenshots/${scene.name}.svg${rsvg ? ' + .png' : ''}`);
    } finally {
      t.kill();
    }
  }
  if (!rsvg) console.warn('rsvg-convert not found (apt-get install librsvg2-bin): PNGs were not made');
}

await main();
