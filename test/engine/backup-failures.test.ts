import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { BackupError } from '../../src/backup/backup.js';
import { backupForPlan } from '../../src/backup/for-plan.js';
import { PLAN_SCHEMA, type Plan } from '../../src/core/plan/types.js';
import { makeArchive } from '../backup/craft.js';
import { portFor, runCli, volumeTree } from '../backup/helpers.js';
import { given } from './given.js';
import { containerIds, docker, prefix, volumeNames } from './harness.js';

const engines = inject('engines');

function planOf(volumes: string[], containers: { id: string; name: string }[] = []): Plan {
  return {
    schema: PLAN_SCHEMA,
    kind: 'volume-rm',
    confirm: volumes[0] ?? null,
    command: ['docker', 'volume', 'rm', ...volumes],
    engine: { host: '', version: '', apiVersion: '' },
    blocked: null,
    destroy: {
      containers: containers.map((c) => ({
        ...c,
        state: 'exited',
        writableLayer: { bytes: null, changes: null },
        logs: { bytes: null },
        reason: 'test',
      })),
      volumes: volumes.map((name) => ({ name, anonymous: false, bytes: null, reason: 'test' })),
      networks: [],
      images: [],
    },
    orphan: { volumes: [] },
    keep: { containers: [], volumes: [], networks: [] },
    warnings: [],
    totals: { bytes: 0, unknown: volumes.length },
  };
}

describe.each(engines.map((e) => [e.kind, e] as const))(
  'backup and restore failures on the %s engine',
  (_kind, engine) => {
    let work: string;
    let small: string;
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'llbf-'));
      small = join(work, 'small');
      mkdirSync(small);
      // A 1 MiB target that a 3 MiB volume cannot fit in.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    });
    afterAll(async () => {
      execFileSync('umount', [small]);
      await rm(work, { recursive: true, force: true });
    });

    test('a volume bigger than the target is refused before anything is written (size known from df)', async () => {
      const vol = `${prefix('full')}-big`;
      await given(engine, ['volume', 'create', vol]);
      await docker(engine, [
        'run',
        '--rm',
        '-v',
        `${vol}:/d`,
        engine.image,
        'dd',
        'if=/dev/urandom',
        'of=/d/big',
        'bs=1024',
        'count=3072',
      ]);
      const r = await runCli(engine, ['backup', vol, '--to', small]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not enough space in \S*small for volume .*needs up to \d+ bytes/);
      expect(readdirSync(small)).toEqual([]);
      await given(engine, ['volume', 'rm', vol]);
    });

    test('a target that fills up mid-write: clear error, no partial file, backupForPlan throws, volume kept', async () => {
      // A bind-type local volume has driver options, so /system/df does not measure it: the up-front check
      // cannot know its size and the write itself runs into ENOSPC.
      const host = join(work, `src-${prefix('b')}`);
      mkdirSync(host);
      execFileSync('dd', ['if=/dev/urandom', `of=${join(host, 'big')}`, 'bs=1024', 'count=3072'], { stdio: 'ignore' });
      const vol = `${prefix('enospc')}-bind`;
      await docker(engine, [
        'volume',
        'create',
        '--opt',
        'type=none',
        '--opt',
        'o=bind',
        '--opt',
        `device=${host}`,
        vol,
      ]);

      const r = await runCli(engine, ['backup', vol, '--to', small]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('filled up (ENOSPC)');
      expect(readdirSync(small)).toEqual([]);

      const port = portFor(engine);
      const err = await backupForPlan(port, planOf([vol]), { dir: small }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect((err as BackupError).reason).toBe('space');
      expect(readdirSync(small)).toEqual([]);
      expect(await volumeNames(engine, { name: [vol] })).toEqual([vol]);
      expect(await containerIds(engine, { label: ['io.lastlook.helper'], volume: [vol] })).toEqual([]);
      await given(engine, ['volume', 'rm', vol]);
    });

    test('backupForPlan: a later failure removes the archives already finished', async () => {
      const p = prefix('set');
      await given(engine, ['volume', 'create', `${p}-ok`]);
      await given(engine, ['run', '--rm', '-v', `${p}-ok:/d`, engine.image, 'sh', '-c', 'echo hi > /d/x']);
      const dir = join(work, p);
      const err = await backupForPlan(portFor(engine), planOf([`${p}-ok`, `${p}-missing`]), { dir }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).message).toContain(`no such volume: ${p}-missing`);
      expect(readdirSync(dir)).toEqual([]);
      const ok = await backupForPlan(portFor(engine), planOf([`${p}-ok`]), { dir });
      expect(ok.items).toHaveLength(1);
      expect(readdirSync(dir)).toHaveLength(2);
      await given(engine, ['volume', 'rm', `${p}-ok`]);
    });

    test('an aborted backup leaves no temporary file and no helper container', async () => {
      const vol = `${prefix('abort')}-v`;
      await given(engine, ['volume', 'create', vol]);
      await docker(engine, [
        'run',
        '--rm',
        '-v',
        `${vol}:/d`,
        engine.image,
        'dd',
        'if=/dev/urandom',
        'of=/d/big',
        'bs=1M',
        'count=64',
      ]);
      const dir = join(work, `abort-${vol}`);
      const ac = new AbortController();
      const run = runCli(engine, ['backup', vol, '--to', dir], ac.signal);
      // Abort once the copy is under way (a temporary file exists).
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        let names: string[] = [];
        try {
          names = readdirSync(dir);
        } catch {
          names = [];
        }
        if (names.some((n) => n.startsWith('.lastlook-tmp-'))) break;
        await new Promise((res) => setTimeout(res, 5));
      }
      ac.abort();
      const r = await run;
      expect(r.code).not.toBe(0);
      expect(readdirSync(dir)).toEqual([]);
      expect(await containerIds(engine, { label: ['io.lastlook.helper'], volume: [vol] })).toEqual([]);
      await given(engine, ['volume', 'rm', vol]);
    });

    test.each([
      ['traversal', [{ name: 'v/../x', body: 'evil' }], 'path with ".."'],
      ['absolute path', [{ name: '/v/abs', body: 'evil' }], 'absolute path'],
      ['outside the root', [{ name: 'etc/passwd', body: 'evil' }], 'outside the archive root'],
      [
        'write through an absolute symlink',
        [
          { name: 'v/abs', type: 'symlink', linkname: '/etc' },
          { name: 'v/abs/passwd', body: 'evil' },
        ],
        'written through the symlink',
      ],
      [
        'write through a symlink',
        [
          { name: 'v/sub', type: 'directory' },
          { name: 'v/l', type: 'symlink', linkname: 'sub' },
          { name: 'v/l/x', body: 'evil' },
        ],
        'written through the symlink',
      ],
      ['escaping hard link', [{ name: 'v/h', type: 'link', linkname: 'v/../../etc/passwd' }], 'hard link'],
      ['device file', [{ name: 'v/dev', type: 'character-device', devmajor: 1, devminor: 3 }], 'device file'],
    ] as const)('a malicious archive (%s) is refused and nothing is written', async (_what, entries, message) => {
      const p = prefix('mal');
      const vol = `${p}-target`;
      await given(engine, ['volume', 'create', vol]);
      await given(engine, ['run', '--rm', '-v', `${vol}:/d`, engine.image, 'sh', '-c', 'echo keep > /d/marker']);
      const port = portFor(engine);
      const before = await volumeTree(port, vol);
      const archive = await makeArchive(join(work, `${p}.tar.gz`), [
        { name: 'v/', type: 'directory' },
        { name: 'v/fine', body: 'fine' },
        ...entries,
      ]);
      const r = await runCli(engine, ['restore', archive, '--volume', vol, '--force']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('nothing was written');
      expect(await volumeTree(port, vol)).toEqual(before);
      // Into a new volume name: not even created.
      const fresh = await runCli(engine, ['restore', archive, '--volume', `${p}-new`]);
      expect(fresh.code).toBe(2);
      expect(await volumeNames(engine, { name: [`${p}-new`] })).toEqual([]);
      await given(engine, ['volume', 'rm', vol]);
    });

    test('verify: a corrupted or truncated archive fails with exit 1, a missing one exits 2', async () => {
      const vol = `${prefix('ver')}-v`;
      await given(engine, ['volume', 'create', vol]);
      await given(engine, ['run', '--rm', '-v', `${vol}:/d`, engine.image, 'sh', '-c', 'seq 1 20000 > /d/numbers']);
      const dir = join(work, `ver-${vol}`);
      const b = await runCli(engine, ['backup', vol, '--to', dir, '--json']);
      expect(b.code).toBe(0);
      const archive = (JSON.parse(b.stdout) as { items: { archive: string }[] }).items[0]?.archive as string;
      const { readFileSync } = await import('node:fs');
      const good = readFileSync(archive);
      const flipped = Buffer.from(good);
      const mid = Math.floor(flipped.length / 2);
      flipped[mid] = (flipped[mid] ?? 0) ^ 0xff;
      writeFileSync(archive, flipped);
      const bad = await runCli(engine, ['verify', archive]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('verification FAILED');
      writeFileSync(archive, good.subarray(0, good.length - 100));
      const cut = await runCli(engine, ['verify', archive]);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toContain('verification FAILED');
      const missing = await runCli(engine, ['verify', join(dir, 'nope.tar.gz')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no such archive');
      await given(engine, ['volume', 'rm', vol]);
    });
  },
);
