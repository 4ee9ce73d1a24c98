/**
 * End to end, issue 12's inside screens: the real binary (bin/lastlook.js) in a real terminal (tmux) at 80×24 and
 * 120×40, against a private engine this file owns (it removes things). `b` on a `compose down -v` preview writes
 * verified archives (checked again by `lastlook verify`), then the confirmation removes exactly the plan (the engine
 * read back); a volume's contents and a container's logs open and close.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { given } from '../engine/given.js';
import { compose, docker, engineEnv, prefix, startEngine, stopEngine, type TestEngine } from '../engine/harness.js';
import { KEYS, lastlookBin, TmuxSession } from './tmux.js';

let engine: TestEngine;
let dir: string;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  engine = await startEngine('modern');
  dir = mkdtempSync(join(tmpdir(), 'llinside-'));
});

afterAll(async () => {
  for (const s of sessions) s.kill();
  if (engine) await stopEngine(engine);
  rmSync(dir, { recursive: true, force: true });
});

function open(columns: number, rows: number, extra: string[] = []): TmuxSession {
  const t = new TmuxSession(columns, rows);
  sessions.push(t);
  t.start(['node', lastlookBin, '--host', engine.host, ...extra], engineEnv(engine, { LANG: 'C.UTF-8' }));
  return t;
}

const names = async (args: string[]) =>
  (await docker(engine, args))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();

async function seedProject(project: string): Promise<void> {
  const pdir = join(dir, project);
  mkdirSync(pdir, { recursive: true });
  writeFileSync(
    join(pdir, 'compose.yaml'),
    [
      `name: ${project}`,
      'services:',
      '  db:',
      '    stop_grace_period: 1s',
      `    image: ${engine.volumeImage}`,
      '    command: ["sh", "-c", "head -c 300000 /dev/urandom > /var/lib/db/table && echo row > /scratch/wal && exec sleep 3600"]',
      '    volumes: [dbdata:/var/lib/db, /scratch]',
      '  web:',
      '    stop_grace_period: 1s',
      `    image: ${engine.image}`,
      '    command: ["sh", "-c", "echo changed > /etc/motd && exec sleep 3600"]',
      'volumes:',
      '  dbdata:',
      '',
    ].join('\n'),
  );
  await compose(engine, ['up', '-d', '--wait'], { cwd: pdir });
}

interface PlanJson {
  destroy: { containers: { name: string }[]; volumes: { name: string }[]; networks: { name: string }[] };
  orphan: { volumes: { name: string }[] };
}

const SIZES = [
  [80, 24],
  [120, 40],
] as const;

describe.each(SIZES)('inside the explorer at %i×%i', (columns, rows) => {
  test('b on a compose down -v preview writes verified archives; the confirmation then removes exactly the plan', async () => {
    const project = prefix(`b${columns}`);
    await seedProject(project);
    const bystander = `${project}-keep`;
    await given(engine, ['volume', 'create', bystander]);
    const argv = ['docker', 'compose', '-p', project, 'down', '-v'];
    const plan = JSON.parse(
      execFileSync('node', [lastlookBin, '--host', engine.host, 'plan', '--json', '--', ...argv], {
        env: engineEnv(engine),
        encoding: 'utf8',
      }),
    ) as PlanJson;
    expect(plan.destroy.volumes.map((v) => v.name)).toContain(`${project}_dbdata`);
    const containersBefore = await names(['ps', '-a', '--format', '{{.Names}}']);
    const volumesBefore = await names(['volume', 'ls', '-q']);
    const backups = join(dir, `backups-${columns}`);
    const t = open(columns, rows, ['--backup-dir', backups]);
    await t.waitForText(project);
    t.send('/');
    t.type(project);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${project}-db-1`);
    t.send('D');
    await t.waitForText('DESTROYED (');
    t.send('b');
    await t.waitForText('y / enter: start');
    expect(readdirSync(dir)).not.toContain(`backups-${columns}`); // nothing written before y
    t.send('y');
    const screen = await t.waitForText('✓ verified', 60_000);
    const objects = plan.destroy.volumes.length + plan.destroy.containers.length;
    expect(screen).toContain(`verified: ${objects} archives`);
    // One timestamped folder, holding exactly one archive and one manifest per object: no partial file.
    const [folder, ...more] = readdirSync(backups);
    expect(more).toEqual([]);
    const files = readdirSync(join(backups, folder as string)).sort();
    expect(files.filter((f) => f.endsWith('.tar.gz'))).toHaveLength(objects);
    expect(files.filter((f) => f.endsWith('.tar.gz.manifest.json'))).toHaveLength(objects);
    expect(files).toHaveLength(2 * objects);
    for (const f of files.filter((x) => x.endsWith('.tar.gz'))) {
      // `lastlook verify` reads each archive back against its manifest (exit 0, or execFileSync throws).
      execFileSync('node', [lastlookBin, 'verify', join(backups, folder as string, f)], { encoding: 'utf8' });
    }
    expect(files.some((f) => f.includes(`${project}_dbdata`))).toBe(true);
    // Nothing removed yet; then the confirmation of the same plan.
    expect(await names(['ps', '-a', '--format', '{{.Names}}'])).toEqual(containersBefore);
    t.send('y');
    await t.waitForText(`Type ${project} to confirm`);
    t.type(project);
    t.send(KEYS.enter);
    await t.waitForText(/Removed \d+ object/, 30_000);
    const removed = new Set(plan.destroy.containers.map((c) => c.name));
    expect(await names(['ps', '-a', '--format', '{{.Names}}'])).toEqual(
      containersBefore.filter((n) => !removed.has(n)),
    );
    const gone = new Set(plan.destroy.volumes.map((v) => v.name));
    expect(await names(['volume', 'ls', '-q'])).toEqual(volumesBefore.filter((n) => !gone.has(n)));
    for (const v of [...plan.orphan.volumes.map((o) => o.name), bystander]) {
      expect(await names(['volume', 'ls', '-q'])).toContain(v);
    }
    t.send(KEYS.enter);
    await t.waitFor((s) => !s.includes('Removed'), 20_000, 'the list');
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');
    expect(t.exitStatus()).toBe(0);
  });

  test("l follows a container's log; a log driver that cannot be read says so; enter on a volume opens its contents", async () => {
    const p = prefix(`l${columns}`);
    const volume = `${p}-files`;
    await given(engine, ['volume', 'create', volume]);
    await docker(engine, [
      'run',
      '--rm',
      '-v',
      `${volume}:/v`,
      engine.image,
      'sh',
      '-c',
      'mkdir -p /v/base && head -c 70000 /dev/zero > /v/base/big && echo 1 > /v/PG_VERSION',
    ]);
    const talker = `${p}-talker`;
    const script =
      'echo hello-from-the-log; echo to-stderr >&2; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.5; done';
    await given(engine, ['run', '-d', '--name', talker, engine.image, 'sh', '-c', script]);
    const silent = `${p}-silent`;
    await given(engine, ['run', '-d', '--name', silent, '--log-driver', 'none', engine.image, 'sleep', '3600']);
    const t = open(columns, rows);
    await t.waitForText('standalone');
    t.send('/');
    t.type(talker);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${talker}`);
    t.send('l');
    const max = (screen: string) => Math.max(-1, ...(screen.match(/tick-\d+/g) ?? []).map((m) => Number(m.slice(5))));
    const seen = max(await t.waitForText(/tick-\d+/));
    // g: the top of the tail, where the first lines (stdout and stderr, demultiplexed) are.
    t.send('g');
    await t.waitForText('hello-from-the-log');
    await t.waitForText('to-stderr');
    // G follows again: lines written after it opened arrive.
    t.send('G');
    await t.waitFor((screen) => max(screen) > seen + 1, 20_000, 'a newer line');
    t.send(KEYS.escape);
    await t.waitForText(`Mounts: ${talker}`);
    // The driver `none` keeps no log: the engine refuses to read it, and the screen says so.
    t.send('/');
    for (let i = 0; i < talker.length; i++) t.send('BSpace');
    t.type(silent);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${silent}`);
    t.send('l');
    await t.waitForText("cannot read this container's logs");
    t.send(KEYS.escape);
    await t.waitForText(`Mounts: ${silent}`);
    // A volume's contents, from the volumes view (the filter typed over).
    t.send('V');
    await t.waitForText('PRUNE-A');
    t.send('/');
    for (let i = 0; i < silent.length; i++) t.send('BSpace');
    t.type(volume);
    t.send(KEYS.enter);
    await t.waitFor((s) => s.includes(volume) && !s.includes(`${p}-talker`), 20_000, 'the volume alone');
    t.send(KEYS.enter);
    const contents = await t.waitForText('PG_VERSION');
    expect(contents).toContain('base/');
    expect(contents).toContain('70 kB');
    t.send(KEYS.escape);
    await t.waitFor((s) => !s.includes('PG_VERSION'), 20_000, 'the volumes view');
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');
    expect(t.exitStatus()).toBe(0);
    await given(engine, ['rm', '-f', talker, silent]);
    await given(engine, ['volume', 'rm', volume]);
  });
});
