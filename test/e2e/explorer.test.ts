/**
 * End to end: the real binary (bin/lastlook.js, built by `npm test` before vitest runs) in a real terminal
 * (tmux), against a private engine this file owns (it removes things, so it shares its engine with no one).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { given } from '../engine/given.js';
import { compose, docker, engineEnv, prefix, startEngine, stopEngine, type TestEngine } from '../engine/harness.js';
import { KEYS, lastlookBin, TmuxSession } from './tmux.js';

let engine: TestEngine;
let dir: string;
const sessions: TmuxSession[] = [];

interface EngineState {
  readonly containers: string[];
  readonly volumes: string[];
  readonly networks: string[];
}

async function state(): Promise<EngineState> {
  const lines = async (args: string[]) =>
    (await docker(engine, args))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  return {
    containers: await lines(['ps', '-a', '--format', '{{.Names}}']),
    volumes: await lines(['volume', 'ls', '-q']),
    networks: await lines(['network', 'ls', '--format', '{{.Name}}']),
  };
}

/** Narrows the list to one project (other tests' leftovers must not move the selection). */
async function only(t: TmuxSession, project: string): Promise<void> {
  await t.waitForText(`${project} (compose)`);
  t.send('/');
  t.type(project);
  t.send(KEYS.enter);
  await t.waitForText(`Mounts: ${project}-db-1`);
}

function open(columns = 100, rows = 30, extra: string[] = [], opts: { rawLog?: string } = {}): TmuxSession {
  const t = new TmuxSession(columns, rows);
  sessions.push(t);
  t.start(['node', lastlookBin, '--host', engine.host, ...extra], engineEnv(engine, { LANG: 'C.UTF-8' }), opts);
  return t;
}

async function seedProject(project: string): Promise<string> {
  const pdir = join(dir, project);
  rmSync(pdir, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(pdir, { recursive: true });
  writeFileSync(
    join(pdir, 'compose.yaml'),
    [
      `name: ${project}`,
      'services:',
      '  db:',
      '    stop_grace_period: 1s',
      `    image: ${engine.volumeImage}`,
      '    command: ["sh", "-c", "echo row > /var/lib/db/t && exec sleep 3600"]',
      '    volumes: [dbdata:/var/lib/db, /scratch]',
      '  web:',
      '    stop_grace_period: 1s',
      `    image: ${engine.image}`,
      '    command: ["sleep", "3600"]',
      'volumes:',
      '  dbdata:',
      '',
    ].join('\n'),
  );
  await compose(engine, ['up', '-d'], { cwd: pdir });
  return pdir;
}

beforeAll(async () => {
  engine = await startEngine('modern');
  dir = mkdtempSync(join(tmpdir(), 'lle2e-'));
});

afterAll(async () => {
  for (const s of sessions) s.kill();
  if (engine) await stopEngine(engine);
  rmSync(dir, { recursive: true, force: true });
});

describe('the explorer in a real terminal', () => {
  test('lists containers by project, follows the selection, opens every kind of preview', async () => {
    const project = prefix('e');
    await seedProject(project);
    const solo = `${prefix('s')}-solo`;
    await given(engine, ['run', '--name', solo, '-v', '/cache', engine.image, 'sh', '-c', 'echo x > /root/f']);
    const t = open();
    await t.waitForText(`${project} (compose)`);
    await t.waitForText('standalone');
    // The first container is selected: its mount table and its fates (from the planner) are shown.
    await t.waitForText(`Mounts: ${project}-db-1`);
    await t.waitForText(/LOST/);
    t.send('j');
    await t.waitForText(`Mounts: ${project}-web-1`);
    t.send('j');
    t.send('j');
    await t.waitForText(`Mounts: ${solo}`);
    await t.waitForText(/Changes \(docker diff\): \d+ path/);

    const previews: [string, string | RegExp][] = [
      ['r', `$ docker rm ${solo}`],
      ['R', `$ docker rm -v ${solo}`],
      ['f', `$ docker rm -f ${solo}`],
      ['p', '$ docker volume prune'],
      ['P', '$ docker volume prune -a'],
      ['c', '$ docker container prune'],
      ['S', '$ docker system prune --volumes'],
    ];
    for (const [key, command] of previews) {
      t.send(key);
      await t.waitForText(command);
      await t.waitForText(/TOTAL destroyed|BLOCKED/);
      t.send(KEYS.escape);
      await t.waitForText(`Mounts: ${solo}`);
    }
    // Up past the standalone group's header and web-1.
    for (let i = 0; i < 3; i++) t.send('k');
    await t.waitForText(`Mounts: ${project}-db-1`);
    for (const [key, command] of [
      ['d', `$ docker compose -p ${project} down`],
      ['D', `$ docker compose -p ${project} down -v`],
    ] as const) {
      t.send(key);
      await t.waitForText(command);
      await t.waitForText('TOTAL destroyed');
      t.send(KEYS.escape);
      await t.waitForText(`Mounts: ${project}-db-1`);
    }
    // Running containers without -f: the engine would refuse, and the preview says so.
    t.send('r');
    await t.waitForText('BLOCKED');
    t.send(KEYS.escape);
    // The volumes view and a volume rm preview.
    t.send('V');
    await t.waitForText('PRUNE-A');
    t.send('x');
    await t.waitForText('$ docker volume rm');
    // One key per frame: Esc and q sent back to back can arrive as one chunk (Ink reads Alt+q).
    t.send(KEYS.escape);
    await t.waitFor((s) => !s.includes('$ docker volume rm'), 20_000, 'the preview to close');
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 5000, 'exit');
    expect(t.exitStatus()).toBe(0);
    await compose(engine, ['-p', project, 'down', '-v']);
    await given(engine, ['rm', '-v', solo]);
  });

  test('confirming compose down -v removes exactly what the preview listed', async () => {
    const project = prefix('c');
    const pdir = await seedProject(project);
    // A recreate: the anonymous volumes are now inherited by name, so down -v must leave them (orphaned).
    await compose(engine, ['up', '-d', '--force-recreate', 'db'], { cwd: pdir });
    const bystander = `${prefix('b')}-keep`;
    await given(engine, ['volume', 'create', bystander]);
    const before = await state();

    // The same plan, as JSON, from the real binary: what the preview will show.
    const { execFileSync } = await import('node:child_process');
    const plan = JSON.parse(
      execFileSync(
        'node',
        [lastlookBin, '--host', engine.host, 'plan', '--json', '--', 'docker', 'compose', '-p', project, 'down', '-v'],
        {
          env: engineEnv(engine),
          encoding: 'utf8',
        },
      ),
    ) as {
      destroy: { containers: { name: string }[]; volumes: { name: string }[]; networks: { name: string }[] };
      orphan: { volumes: { name: string }[] };
    };
    expect(plan.destroy.containers.map((c) => c.name).sort()).toEqual([`${project}-db-1`, `${project}-web-1`]);
    expect(plan.destroy.volumes.map((v) => v.name)).toContain(`${project}_dbdata`);
    expect(plan.orphan.volumes.length).toBeGreaterThanOrEqual(2);

    const t = open(110, 34);
    await only(t, project);
    t.send('D');
    await t.waitForText('TOTAL destroyed');
    await t.waitForText('ORPHANED');
    t.send('y');
    await t.waitForText(`Type ${project} to confirm`);
    // A wrong name does nothing.
    t.type('nope');
    t.send(KEYS.enter);
    await t.waitForText(`type ${project} exactly`);
    for (let i = 0; i < 4; i++) t.send('BSpace');
    t.type(project);
    t.send(KEYS.enter);
    await t.waitForText(/Removed \d+ object/, 30_000);
    const after = await state();
    const gone = (k: keyof EngineState) => before[k].filter((x) => !after[k].includes(x)).sort();
    const added = (k: keyof EngineState) => after[k].filter((x) => !before[k].includes(x));
    expect(gone('containers')).toEqual(plan.destroy.containers.map((c) => c.name).sort());
    expect(gone('volumes')).toEqual(plan.destroy.volumes.map((v) => v.name).sort());
    expect(gone('networks')).toEqual(plan.destroy.networks.map((n) => n.name).sort());
    expect(added('containers')).toEqual([]);
    expect(after.volumes).toContain(bystander);
    for (const v of plan.orphan.volumes) expect(after.volumes).toContain(v.name);
    t.send(KEYS.enter);
    await t.waitFor((s) => !/Removed \d+ object/.test(s), 20_000, 'the result to close');
    t.send('q');
    await given(engine, ['volume', 'rm', bystander, ...plan.orphan.volumes.map((v) => v.name)]);
  });

  test('drift: the engine changes between preview and confirmation, and nothing is removed', async () => {
    const project = prefix('d');
    await seedProject(project);
    const t = open(110, 34);
    await only(t, project);
    t.send('D');
    await t.waitForText('TOTAL destroyed');
    // Meanwhile someone adds a container to the project: down -v would now remove it too.
    await docker(engine, [
      'create',
      '--name',
      `${project}-extra-1`,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      'com.docker.compose.service=extra',
      '--label',
      'com.docker.compose.oneoff=False',
      '--label',
      'com.docker.compose.config-hash=x',
      engine.image,
      'true',
    ]);
    const before = await state();
    t.send('y');
    await t.waitForText(`Type ${project} to confirm`);
    t.type(project);
    t.send(KEYS.enter);
    await t.waitForText('NOTHING was removed', 30_000);
    await t.waitForText(`${project}-extra-1`);
    expect(await state()).toEqual(before);
    t.send(KEYS.escape);
    await t.waitFor((s) => !s.includes('NOTHING was removed'), 20_000, 'the result to close');
    t.send('q');
    await compose(engine, ['-p', project, 'down', '-v']);
  });

  test.each([
    [80, 24],
    [120, 40],
  ])('--read-only at %i×%i shows a preview and refuses y: nothing is removed', async (columns, rows) => {
    const project = prefix('r');
    await seedProject(project);
    const before = await state();
    const t = open(columns, rows, ['--read-only']);
    await t.waitForText('READ-ONLY');
    await only(t, project);
    t.send('D');
    await t.waitForText(`$ docker compose -p ${project} down -v`);
    // At 80×24 the plan's total is further down (the preview scrolls): its first heading says it is computed.
    await t.waitForText(/DESTROYED \(\d+\)/);
    const screen = await t.waitForText('read-only: lastlook will not carry this out');
    expect(screen).not.toMatch(/y proceed/);
    t.send('y');
    await t.waitForText('read-only mode');
    expect(t.capture()).not.toContain(`Type ${project}`);
    expect(await state()).toEqual(before);
    t.send(KEYS.ctrlC);
    await t.waitFor(() => t.exitStatus() !== null, 5000, 'exit');
    await compose(engine, ['-p', project, 'down', '-v']);
  });

  test('80x24 fits, and a smaller terminal gets a notice', async () => {
    const t = open(80, 24);
    const screen = await t.waitForText('q quit');
    expect(screen.split('\n').filter((l) => l.length > 0).length).toBeLessThanOrEqual(24);
    for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    t.send('q');
    const small = open(60, 20);
    await small.waitForText('needs at least 80×24');
    small.send('q');
    await small.waitFor(() => small.exitStatus() !== null, 5000, 'exit');
  });

  test('hostile labels, mount paths and file names reach no view raw: no title, no clipboard, no C1, no bidi', async () => {
    const p = prefix('h');
    // OSC 0 (title), OSC 52 (clipboard), CSI (clear screen), C1 CSI (reverse video), a bidi override.
    const evil = '\u001b]0;PWNED\u0007\u001b]52;c;UFdORUQ=\u0007\u001b[2J\u009b7m\u202eevil';
    const project = `${p}${evil}`;
    const vol = `${p}-vol`;
    await given(engine, ['volume', 'create', '--label', `com.docker.compose.project=${project}`, vol]);
    // The same three sequences, as bytes, in a file name of the writable layer.
    const touch = `touch "$(printf '/f\\033]0;PWNED\\007\\033]52;c;UFdORUQ=\\007\\302\\233\\342\\200\\256x')"`;
    await docker(engine, [
      'run',
      ...['--name', `${p}-db-1`, '--label', `com.docker.compose.project=${project}`],
      ...['--label', `com.docker.compose.service=db${evil}`, '--label', 'com.docker.compose.oneoff=False'],
      ...['--label', 'com.docker.compose.config-hash=x'],
      ...['--mount', `type=volume,src=${vol},dst=/data${evil}`],
      ...[engine.image, 'sh', '-c', touch],
    ]);
    const rawLog = join(dir, `${p}.raw`);
    const t = open(110, 34, [], { rawLog });
    await t.waitForText(`${p}-db-1`);
    t.send('/');
    t.type(p);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${p}-db-1`);
    // The list (group label), the mount table (destination) and the change tree (file name), escaped.
    await t.waitForText(/Changes \(docker diff\): \d+ path/);
    await t.waitForText('"f\\x1b]0;PWNED\\x07');
    // Every view that shows engine text: previews (the command line names the project; Compose's own warning
    // repeats it), the confirmation dialog, help, the volumes view (the volume's project label) and its preview.
    for (const key of ['d', 'D']) {
      t.send(key);
      // Compose refuses such a project name; the preview says so, and the refusal quotes the name.
      await t.waitForText(/TOTAL destroyed|cannot preview/);
      t.send(KEYS.escape);
      await t.waitForText(`Mounts: ${p}-db-1`);
    }
    t.send('r');
    await t.waitForText(`docker rm ${p}-db-1`);
    await t.waitForText('TOTAL destroyed');
    t.send('y');
    await t.waitForText('Proceed? [y/N]');
    t.send('n');
    await t.waitForText('not confirmed: nothing was removed');
    t.send(KEYS.escape);
    await t.waitForText(`Mounts: ${p}-db-1`);
    t.send('?');
    await t.waitForText(/help|keys/i);
    t.send(KEYS.escape);
    await t.waitForText(`Mounts: ${p}-db-1`);
    t.send('V');
    await t.waitForText(vol);
    t.send('x');
    await t.waitForText(`$ docker volume rm ${vol}`);
    t.send(KEYS.escape);
    await t.waitForText('PRUNE-A');
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');

    const { title, buffers } = t.titleAndBuffers();
    expect(title).not.toContain('PWNED');
    expect(buffers).toEqual([]);
    const raw = readFileSync(rawLog, 'utf8');
    expect(raw).toContain('\\u001b]0;PWNED');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw OSC, BEL, C1 and bidi is the point
    expect(raw.match(/\u001b\]|\u0007|[\u0080-\u009f]|[\u202a-\u202e\u2066-\u2069]/g) ?? []).toEqual([]);
    await given(engine, ['rm', '-v', `${p}-db-1`]);
    await given(engine, ['volume', 'rm', vol]);
  });
});

/** The screen's lines as display columns (CJK and emoji take two). */
const widths = (screen: string) => screen.split('\n').map((l) => stringWidth(l));

describe('the explorer at 80×24 and 120×40: nothing hidden without saying so', () => {
  test.each([
    [80, 24],
    [120, 40],
  ])(
    '%i×%i: a service with three mounts shows its LOST row, with its size; the help reaches q quit',
    async (columns, rows) => {
      const project = prefix('l');
      const pdir = await seedProject(project);
      // A recreate, as on the demo: db's anonymous volumes are then orphaned by down -v, its named one LOST.
      await compose(engine, ['up', '-d', '--force-recreate', 'db'], { cwd: pdir });
      const t = open(columns, rows);
      await only(t, project);
      const screen = await t.waitForText(/\/var\/lib\/db .*LOST/);
      const lost = screen.split('\n').find((l) => /\/var\/lib\/db .*LOST/.test(l)) ?? '';
      // The size of what is lost stands beside the verdict (the volume holds one small file).
      expect(lost).toMatch(/\d+ B .*LOST/);
      // LOST first, then the two orphaned anonymous volumes: all three rows on screen.
      expect(screen.match(/ orph /g)?.length).toBe(2);
      for (const w of widths(screen)) expect(w).toBeLessThanOrEqual(columns);
      t.send('?');
      await t.waitForText('Keys');
      t.send('G');
      await t.waitForText(/q\s+quit/);
      t.send(KEYS.escape);
      await t.waitForText(`Mounts: ${project}-db-1`);
      t.send('q');
      await t.waitFor(() => t.exitStatus() !== null, 5000, 'exit');
      await compose(engine, ['-p', project, 'down', '-v']);
    },
  );

  test.each([
    [80, 24],
    [120, 40],
  ])('%i×%i: a CJK and emoji file name stays inside its pane (borders straight)', async (columns, rows) => {
    const name = `${prefix('w')}-cjk`;
    const file = '数据库备份-日本語のファイル名-😀📦-报告.txt';
    await given(engine, ['run', '--name', name, engine.image, 'sh', '-c', `mkdir -p /srv && echo x > '/srv/${file}'`]);
    const t = open(columns, rows);
    // At 80 columns the list cuts the name: wait for the list, then filter on it.
    await t.waitForText('standalone');
    t.send('/');
    t.type(name);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${name}`);
    const screen = await t.waitForText('数据');
    const rowsWithName = screen.split('\n').filter((l) => l.includes('数据'));
    expect(rowsWithName.length).toBeGreaterThan(0);
    for (const l of rowsWithName) {
      expect(stringWidth(l)).toBe(columns);
      expect(l.endsWith('│') || l.endsWith('┃')).toBe(true);
    }
    for (const w of widths(screen)) expect(w).toBeLessThanOrEqual(columns);
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 5000, 'exit');
    await given(engine, ['rm', name]);
  });
});
