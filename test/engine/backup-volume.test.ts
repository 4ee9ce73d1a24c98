import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { portFor, runCli, volumeTree } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('engines');

/**
 * The odd tree: 10,000 small files in 100 folders, plus names with spaces, a newline and non-UTF-8 bytes,
 * setuid/odd modes, foreign owners, relative symlinks (one dangling), hard links, an empty dir and a fifo.
 */
const ODD_TREE = `
set -e
cd /d
i=0
while [ $i -lt 100 ]; do
  mkdir "dir$i"
  j=0
  while [ $j -lt 100 ]; do echo "file $i $j" > "dir$i/f$j"; j=$((j+1)); done
  i=$((i+1))
done
echo spaces > "a file with spaces"
echo newline > "$(printf 'new\\nline')"
echo bytes > "$(printf 'bad\\377\\376name')"
mkdir "$(printf 'dir\\351')" && echo latin1 > "$(printf 'dir\\351/caf\\351')"
echo secret > secret && chmod 600 secret
echo suid > suid && chmod 4755 suid
echo none > none && chmod 000 none
echo owned > owned && chown 1234:5678 owned
mkdir -m 2770 shared && chown 42:43 shared
ln -s dir1/f1 link-rel
ln -s .. dir2/up-to-root
ln -s missing dangling
ln owned hard1
ln dir3/f3 dir4/hard-in-other-dir
mkdir empty
mkfifo pipe
dd if=/dev/urandom of=random.bin bs=1024 count=512 2>/dev/null
chmod 750 /d && chown 7:8 /d
`;

describe.each(engines.map((e) => [e.kind, e] as const))('volume backup on the %s engine', (_kind, engine) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llbk-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('round trip of an odd 10,000-file tree: backup, verify, remove, restore, identical', async () => {
    const p = prefix('bv');
    const vol = `${p}-data`;
    await given(engine, ['volume', 'create', '--label', 'app=test', vol]);
    await given(engine, ['run', '--rm', '-v', `${vol}:/d`, engine.image, 'sh', '-c', ODD_TREE]);
    const port = portFor(engine);
    const before = await volumeTree(port, vol);
    expect(before.size).toBeGreaterThan(10_000);

    const b = await runCli(engine, ['backup', vol, '--to', dir, '--json']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const result = JSON.parse(b.stdout) as { items: { archive: string; content: { files: number } }[] };
    const archive = result.items[0]?.archive as string;
    expect(result.items[0]?.content.files).toBeGreaterThan(10_000);
    // Only the archive and its manifest: no temporary files, no helper containers left.
    expect(readdirSync(dir).sort()).toEqual(
      [archive.split('/').pop(), `${archive.split('/').pop()}.manifest.json`].sort(),
    );
    const helpers = await docker(engine, [
      'ps',
      '-aq',
      '--filter',
      'label=io.lastlook.helper',
      '--filter',
      `volume=${vol}`,
    ]);
    expect(helpers.trim()).toBe('');

    const v = await runCli(engine, ['verify', archive]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('OK');

    await given(engine, ['volume', 'rm', vol]);
    const r = await runCli(engine, ['restore', archive]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const labels = await docker(engine, ['volume', 'inspect', '-f', '{{json .Labels}}', vol]);
    expect(JSON.parse(labels)).toEqual({ app: 'test' });
    const after = await volumeTree(port, vol);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, rec] of before) expect({ name, ...after.get(name) }).toEqual({ name, ...rec });
    console.log(`round trip on ${engine.version}: ${before.size} entries identical`);

    // A second restore into the now non-empty volume is refused without --force, and allowed with it.
    const again = await runCli(engine, ['restore', archive]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');
    const forced = await runCli(engine, ['restore', archive, '--force']);
    expect(forced.code).toBe(0);
    await given(engine, ['volume', 'rm', vol]);
  }, 300_000); // 10,000 files made by a shell loop, backed up, verified twice and restored: minutes on a busy 2-core CI machine
});
