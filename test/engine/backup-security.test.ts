/**
 * Issue 9, tried as a hostile user would: backups that cannot overwrite each other, restores that cannot be
 * turned against the host (bind-type volumes, hand-edited manifests, archives swapped or crafted with global
 * headers, containers with mounts), symlinks restored as data, and failures that end with their own exit code,
 * one line, and nothing left half-done. Every archive here is built in the test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { restoreVolume } from '../../src/backup/restore.js';
import type { DockerPort } from '../../src/docker/port.js';
import { editManifest, makeArchive, makeRawArchive, paxEntry, rawEntry } from '../backup/craft.js';
import { portFor, runCli, until, volumeTree } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, prefix, type TestEngine, volumeNames } from './harness.js';

const engines = inject('engines');

async function volumeExists(engine: TestEngine, name: string): Promise<boolean> {
  return (await volumeNames(engine)).includes(name);
}

async function archivesOf(stdout: string): Promise<string[]> {
  return (JSON.parse(stdout) as { items: { archive: string }[] }).items.map((i) => i.archive);
}

/** No "unexpected error", no stack trace: the failure is one line (plus an optional remedy line). */
function expectCleanFailure(stderr: string): void {
  expect(stderr).not.toContain('unexpected error');
  expect(stderr).not.toMatch(/\n\s+at /);
}

function mountTmpfs(dir: string, opts: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]);
}

describe.each(engines.map((e) => [e.kind, e] as const))('backup security on the %s engine', (_kind, engine) => {
  let work: string;
  const mounts: string[] = [];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'llsec-'));
  });
  afterAll(async () => {
    for (const m of mounts) execFileSync('umount', [m]);
    await rm(work, { recursive: true, force: true });
  });
  const tmpfs = (name: string, opts: string) => {
    const dir = join(work, name);
    mountTmpfs(dir, opts);
    mounts.push(dir);
    return dir;
  };

  test('1: two volumes whose names share their first 100 characters get two archives, each its own data', async () => {
    const long = `${prefix('long')}-${'x'.repeat(110)}`;
    const [a, b] = [`${long}-a`, `${long}-b`];
    for (const v of [a, b]) {
      await given(engine, ['volume', 'create', v]);
      await given(engine, ['run', '--rm', '-v', `${v}:/d`, engine.image, 'sh', '-c', `echo ${v.slice(-1)} > /d/who`]);
    }
    const dir = join(work, 'collide');
    // Both archives stamped in the same second (the clock stands still): only the names can keep them apart.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T07:00:00Z'));
    const g = await runCli(engine, [
      'guard',
      '--backup-to',
      dir,
      '--yes',
      '--',
      'docker',
      'volume',
      'rm',
      a,
      b,
    ]).finally(() => vi.useRealTimers());
    expect(g.code).toBe(0);
    const verified = [...g.stderr.matchAll(/verified (\S+)/g)].map((m) => m[1]);
    expect(new Set(verified).size).toBe(2);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tar.gz'))).toHaveLength(2);
    for (const [i, archive] of verified.entries()) {
      const target = `${prefix('back')}-${i}`;
      const r = await runCli(engine, ['restore', archive as string, '--volume', target]);
      expect(r.code).toBe(0);
      const m = JSON.parse(readFileSync(`${archive}.manifest.json`, 'utf8')) as { source: { name: string } };
      const helper = await given(engine, ['run', '--rm', '-v', `${target}:/d`, engine.image, 'cat', '/d/who']);
      expect(helper.trim()).toBe(m.source.name.slice(-1));
      await given(engine, ['volume', 'rm', target]);
    }
  });

  test('2: a backup of a bind-type volume restored with --volume NEW is a plain volume; DIR is not touched', async () => {
    const p = prefix('bind');
    const host = join(work, p);
    mkdirSync(host);
    writeFileSync(join(host, 'live'), 'old\n');
    await given(engine, ['volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${host}`, p]);
    const b = await runCli(engine, ['backup', p, '--to', join(work, `${p}-bk`), '--json']);
    expect(b.code).toBe(0);
    const [archive] = await archivesOf(b.stdout);
    writeFileSync(join(host, 'live'), 'new, written after the backup\n');

    const r = await runCli(engine, ['restore', archive as string, '--volume', `${p}-new`]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(host, 'live'), 'utf8')).toBe('new, written after the backup\n');
    expect(r.stdout).toMatch(/not applied/);
    const opts = (await docker(engine, ['volume', 'inspect', '-f', '{{json .Options}}', `${p}-new`])).trim();
    expect(['null', '{}']).toContain(opts);
    const tree = await volumeTree(portFor(engine), `${p}-new`);
    expect(tree.get('/live')?.size).toBe(4);

    // Explicit options that point where another volume's data lives are refused; nothing is created.
    const again = await runCli(engine, [
      'restore',
      archive as string,
      '--volume',
      `${p}-new2`,
      ...['--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${host}`],
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`volume ${p}'s data lives at ${host}`);
    expect(await volumeExists(engine, `${p}-new2`)).toBe(false);
    expect(readFileSync(join(host, 'live'), 'utf8')).toBe('new, written after the backup\n');
    await given(engine, ['volume', 'rm', p, `${p}-new`]);
  });

  test('3: a hand-edited manifest cannot bind the restore to a host folder nor switch to looser rules', async () => {
    const p = prefix('man');
    const host = join(work, p);
    mkdirSync(host);
    writeFileSync(join(host, 'target'), 'host file\n');
    const archive = await makeArchive(join(work, `${p}.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/target', body: 'evil\n' },
    ]);
    await editManifest(archive, (m) => {
      m.source = { ...m.source, name: `${p}-vol`, driver: 'local', options: { type: 'none', o: 'bind', device: host } };
    });
    const r = await runCli(engine, ['restore', archive]);
    expect(readFileSync(join(host, 'target'), 'utf8')).toBe('host file\n');
    expect(r.code).toBe(0);
    const v = await runCli(engine, ['verify', archive]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('not applied');
    const opts = (await docker(engine, ['volume', 'inspect', '-f', '{{json .Options}}', `${p}-vol`])).trim();
    expect(['null', '{}']).toContain(opts);
    await given(engine, ['volume', 'rm', `${p}-vol`]);

    // `content.root: ""` on a volume archive would have applied the writable-layer rules (entries outside v/).
    const loose = await makeRawArchive(
      join(work, `${p}-root.tar.gz`),
      [rawEntry({ name: 'etc/', type: '5' }), rawEntry({ name: 'etc/evil', type: '0' }, 'x')],
      { kind: 'volume', root: '', source: { name: `${p}-root` } },
    );
    const lr = await runCli(engine, ['restore', loose]);
    expect(lr.code).toBe(2);
    expect(lr.stderr).toContain('content root');
    expect(await volumeExists(engine, `${p}-root`)).toBe(false);
  });

  test('4: absolute and climbing symlinks back up, verify, and restore as links (guard already removed the volume)', async () => {
    const vol = prefix('sym');
    await given(engine, ['volume', 'create', vol]);
    await docker(engine, [
      ...['run', '--rm', '-v', `${vol}:/d`, engine.image, 'sh', '-c'],
      'echo data > /d/f && ln -s /etc/hostname /d/abs && ln -s ../../x /d/climb && mkdir /d/sub && ln -s ../../../.. /d/sub/up',
    ]);
    const port = portFor(engine);
    const before = await volumeTree(port, vol);
    const dir = join(work, `${vol}-bk`);
    const g = await runCli(engine, ['guard', '--backup-to', dir, '--yes', '--', 'docker', 'volume', 'rm', vol]);
    expect(g.code).toBe(0);
    expect(await volumeExists(engine, vol)).toBe(false);
    const archive = join(dir, readdirSync(dir).find((n) => n.endsWith('.tar.gz')) as string);
    expect((await runCli(engine, ['verify', archive])).code).toBe(0);
    const r = await runCli(engine, ['restore', archive]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const after = await volumeTree(port, vol);
    expect(after.get('/abs')).toMatchObject({ type: 'symlink', link: '/etc/hostname' });
    expect(after.get('/climb')).toMatchObject({ type: 'symlink', link: '../../x' });
    expect(after.get('/sub/up')).toMatchObject({ type: 'symlink', link: '../../../..' });
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    await given(engine, ['volume', 'rm', vol]);
  });

  test('4: what restore would refuse never counts as verified: guard keeps the volume, verify fails', async () => {
    const vol = prefix('dev');
    await given(engine, ['volume', 'create', vol]);
    await docker(engine, [
      ...['run', '--rm', '-v', `${vol}:/d`, engine.image, 'sh', '-c'],
      'echo data > /d/f && mknod /d/null c 1 3',
    ]);
    const dir = join(work, `${vol}-bk`);
    const g = await runCli(engine, ['guard', '--backup-to', dir, '--yes', '--', 'docker', 'volume', 'rm', vol]);
    expect(await volumeExists(engine, vol)).toBe(true);
    expect(g.stderr).toContain('restore would refuse');
    expect(g.code).toBe(1);
    expectCleanFailure(g.stderr);
    expect(readdirSync(dir)).toEqual([]);
    await given(engine, ['volume', 'rm', vol]);

    const crafted = await makeArchive(join(work, `${vol}.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/l', type: 'symlink', linkname: '/etc' },
      { name: 'v/l/passwd', body: 'evil' },
    ]);
    const v = await runCli(engine, ['verify', crafted]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('could not be restored');
  });

  test('7: restore extracts the bytes it validated (a file swapped in, or rewritten in place, meanwhile)', async () => {
    const p = prefix('swap');
    const good = await makeArchive(join(work, `${p}.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/good', body: 'checked\n' },
    ]);
    const evil = await makeArchive(join(work, `${p}-evil.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/evil', body: 'never checked\n' },
    ]);
    const evilBytes = readFileSync(evil);
    const real = portFor(engine);
    const hooked = (swap: () => void): DockerPort =>
      new Proxy(real, {
        get(t, k) {
          const value = Reflect.get(t, k) as unknown;
          if (k === 'createVolumeWriter') {
            return async (...args: Parameters<DockerPort['createVolumeWriter']>) => {
              swap();
              return t.createVolumeWriter(...args);
            };
          }
          return typeof value === 'function' ? value.bind(t) : value;
        },
      });
    // Swapped: another file renamed over the path between validation and extraction.
    await restoreVolume(
      hooked(() => renameSync(evil, good)),
      good,
      { volume: `${p}-a` },
    );
    const tree = await volumeTree(real, `${p}-a`);
    expect([...tree.keys()].sort()).toEqual(['', '/good']);
    await given(engine, ['volume', 'rm', `${p}-a`]);

    // Rewritten in place (same inode): the restore fails and the volume it created is gone.
    const good2 = await makeArchive(join(work, `${p}-2.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/good', body: 'checked\n' },
    ]);
    const err = await restoreVolume(
      hooked(() => writeFileSync(good2, evilBytes)),
      good2,
      { volume: `${p}-b` },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/changed while it was restored/);
    expect(await volumeExists(engine, `${p}-b`)).toBe(false);
  });

  test.each([
    [
      'a global header that sets path',
      [paxEntry('g', { path: 'v/fine' }), rawEntry({ name: 'etc/evil', type: '0' }, 'x')],
      'global pax header sets path',
    ],
    [
      'a global header that sets linkpath',
      [paxEntry('g', { linkpath: 'fine' }), rawEntry({ name: 'v/l', type: '2', linkname: '../../etc' })],
      'global pax header sets path or linkpath',
    ],
    [
      'a GNU long name after a pax path (the engine reads the long name)',
      [
        paxEntry('x', { path: 'v/fine' }),
        rawEntry({ name: '././@LongLink', type: 'L' }, 'etc/evil\0'),
        rawEntry({ name: 'v/fine', type: '0' }, 'x'),
      ],
      'outside the archive root',
    ],
  ])('8: %s is refused, nothing created', async (_what, blocks, message) => {
    const p = prefix('pax');
    const archive = await makeRawArchive(join(work, `${p}.tar.gz`), [rawEntry({ name: 'v/', type: '5' }), ...blocks], {
      source: { name: p },
    });
    const r = await runCli(engine, ['restore', archive]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    expectCleanFailure(r.stderr);
    expect(await volumeExists(engine, p)).toBe(false);
  });

  test('8: a global header without path is ignored, as the engine ignores it', async () => {
    const p = prefix('paxok');
    const archive = await makeRawArchive(
      join(work, `${p}.tar.gz`),
      [
        rawEntry({ name: 'v/', type: '5' }),
        paxEntry('g', { comment: 'hello' }),
        rawEntry({ name: 'v/a', type: '0' }, 'a'),
      ],
      { source: { name: p } },
    );
    const r = await runCli(engine, ['restore', archive]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect([...(await volumeTree(portFor(engine), p)).keys()].sort()).toEqual(['', '/a']);
    await given(engine, ['volume', 'rm', p]);
  });

  test('9: restore --container never writes into a mount of the target, and needs the image ID', async () => {
    const p = prefix('ctr');
    const host = join(work, p);
    mkdirSync(host);
    await docker(engine, [
      ...['run', '--name', p, '-v', `${host}:/data`, engine.image],
      ...['sh', '-c', 'ln -s /data /lnk && mkdir /srv2'],
    ]);
    const imageId = (await docker(engine, ['inspect', '-f', '{{.Image}}', p])).trim();
    const layer = async (name: string, blocks: Buffer[], source: Record<string, unknown> = { imageId }) =>
      makeRawArchive(join(work, `${p}-${name}.tar.gz`), blocks, { kind: 'container', source: { name: p, ...source } });
    const cases = [
      [
        await layer('mount', [rawEntry({ name: 'data/', type: '5' }), rawEntry({ name: 'data/evil', type: '0' }, 'x')]),
        'a mount of the target container',
      ],
      [await layer('through', [rawEntry({ name: 'lnk/evil2', type: '0' }, 'x')]), 'is not a folder of the archive'],
      [
        await layer(
          'noimage',
          [rawEntry({ name: 'srv2/', type: '5' }), rawEntry({ name: 'srv2/x', type: '0' }, 'x')],
          {},
        ),
        'names no image ID',
      ],
    ] as const;
    for (const [archive, message] of cases) {
      const r = await runCli(engine, ['restore', archive, '--container', p]);
      expect(readdirSync(host)).toEqual([]);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(2);
    }
    expect(readdirSync(host)).toEqual([]);
    // The same benign layer with the right image ID is restored.
    const ok = await layer('ok', [
      rawEntry({ name: 'srv2/', type: '5' }),
      rawEntry({ name: 'srv2/x', type: '0' }, 'x'),
    ]);
    const r = await runCli(engine, ['restore', ok, '--container', p]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await given(engine, ['rm', '-f', p]);
  });

  test('12: a full, read-only or too small target, or Ctrl+C: own exit code, one line, nothing destroyed', async () => {
    const p = prefix('exit');
    const small = tmpfs(`${p}-small`, 'size=1m');
    const ro = tmpfs(`${p}-ro`, 'ro,size=1m');
    await given(engine, ['volume', 'create', p]);
    await docker(engine, [
      ...['run', '--rm', '-v', `${p}:/d`, engine.image],
      ...['dd', 'if=/dev/urandom', 'of=/d/big', 'bs=1M', 'count=48'],
    ]);
    const host = join(work, `${p}-src`);
    mkdirSync(host);
    execFileSync('dd', ['if=/dev/urandom', `of=${join(host, 'big')}`, 'bs=1024', 'count=3072'], { stdio: 'ignore' });
    await given(engine, ['volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${host}`, `${p}-bind`]);
    const guard = (dir: string, vol: string, signal?: AbortSignal) =>
      runCli(engine, ['guard', '--backup-to', dir, '--yes', '--', 'docker', 'volume', 'rm', vol], signal);

    const tooSmall = await guard(small, p);
    expect(tooSmall.stderr).toContain('not enough space');
    expect(tooSmall.code).toBe(2);
    expectCleanFailure(tooSmall.stderr);
    const full = await guard(small, `${p}-bind`);
    expect(full.stderr).toContain('filled up (ENOSPC)');
    expect(full.code).toBe(2);
    expectCleanFailure(full.stderr);
    const readOnly = await guard(ro, `${p}-bind`);
    expect(readOnly.stderr).toMatch(/cannot write backups to \S+ \(EROFS\)/);
    expect(readOnly.code).toBe(2);
    expectCleanFailure(readOnly.stderr);
    expect(readdirSync(small)).toEqual([]);

    // Ctrl+C once the copy is under way.
    const dir = join(work, `${p}-int`);
    const ac = new AbortController();
    const run = guard(dir, p, ac.signal);
    await until(() => existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('.lastlook-tmp-')));
    ac.abort(new Error('interrupted by SIGINT'));
    const stopped = await run;
    expect(stopped.stderr).toContain('interrupted');
    expect(stopped.code).toBe(130);
    expectCleanFailure(stopped.stderr);
    expect(readdirSync(dir)).toEqual([]);
    expect(await volumeExists(engine, p)).toBe(true);
    expect(await volumeExists(engine, `${p}-bind`)).toBe(true);
    await given(engine, ['volume', 'rm', p, `${p}-bind`]);
  });

  test('13: restore checks the room the archive declares, before it writes', async () => {
    const p = prefix('room');
    const small = tmpfs(`${p}-small`, 'size=1m');
    const archive = await makeArchive(join(work, `${p}.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/zeros', body: '\0'.repeat(8 << 20) },
    ]);
    const r = await runCli(engine, [
      ...['restore', archive, '--volume', `${p}-new`],
      ...['--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${small}`],
    ]);
    expect(r.stderr).toContain('not enough room');
    expect(r.code).toBe(2);
    expectCleanFailure(r.stderr);
    expect(await volumeExists(engine, `${p}-new`)).toBe(false);
    expect(readdirSync(small)).toEqual([]);
  });

  test.each([
    [
      'a file over a folder',
      [
        { name: 'v/a/', type: 'directory' as const },
        { name: 'v/a', body: 'x' },
      ],
    ],
    ['a 3,000-deep path', [{ name: `v/${'d/'.repeat(3000)}f`, body: 'deep' }]],
  ])('13: the engine fails part-way (%s): the volume restore created is removed', async (_what, entries) => {
    const p = prefix('mid');
    const archive = await makeArchive(join(work, `${p}.tar.gz`), [
      { name: 'v/', type: 'directory' },
      { name: 'v/first', body: 'written before the failure' },
      ...entries,
    ]);
    const r = await runCli(engine, ['restore', archive, '--volume', `${p}-new`]);
    expect(await volumeExists(engine, `${p}-new`)).toBe(false);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('part-way');
    expectCleanFailure(r.stderr);
  });
});
