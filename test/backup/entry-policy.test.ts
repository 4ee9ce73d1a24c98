import { expect, test } from 'vitest';
import { EntryPolicy } from '../../src/backup/entry-policy.js';
import type { TarEntry, TarEntryType } from '../../src/core/tar-scan.js';

function entry(name: string | Buffer, type: TarEntryType = 'file', linkname: string | null = null): TarEntry {
  return {
    name: typeof name === 'string' ? Buffer.from(name, 'latin1') : name,
    linkname: linkname === null ? null : Buffer.from(linkname, 'latin1'),
    type,
    typeflag: '0',
    size: 0,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
  };
}

type Row = readonly [string, readonly TarEntry[], string | null];

test.each<Row>([
  ['a plain tree', [entry('v/', 'directory'), entry('v/a'), entry('v/d/', 'directory'), entry('v/d/b')], null],
  ['./ prefixes', [entry('./v/a')], null],
  ['non-UTF-8 bytes', [entry(Buffer.from([0x76, 0x2f, 0xff, 0xfe]))], null],
  ['a relative symlink inside', [entry('v/d/l', 'symlink', '../a')], null],
  ['a symlink to the root', [entry('v/d/l', 'symlink', '..')], null],
  ['a hard link to an earlier file', [entry('v/a'), entry('v/b', 'link', 'v/a')], null],
  ['a fifo', [entry('v/p', 'fifo')], null],
  ['..', [entry('v/../etc/passwd')], 'path with ".."'],
  ['absolute', [entry('/etc/passwd')], 'absolute path'],
  ['outside v/', [entry('etc/passwd')], 'outside the archive root'],
  ['a symlink climbing out (data: restored as a link)', [entry('v/l', 'symlink', '../../etc')], null],
  ['an absolute symlink (data: restored as a link)', [entry('v/l', 'symlink', '/etc/hostname')], null],
  ['through a climbing symlink', [entry('v/l', 'symlink', '../..'), entry('v/l/etc/passwd')], 'written through'],
  [
    'a hard link through a symlink',
    [entry('v/a'), entry('v/l', 'symlink', '.'), entry('v/b', 'link', 'v/l/a')],
    'earlier file',
  ],
  ['through a symlink', [entry('v/l', 'symlink', 'd'), entry('v/l/x')], 'written through the symlink'],
  ['a hard link to nothing earlier', [entry('v/b', 'link', 'v/a')], 'does not point to an earlier file'],
  ['a hard link out', [entry('v/b', 'link', '../etc/passwd')], 'escapes the archive root'],
  ['a hard link to a directory', [entry('v/d/', 'directory'), entry('v/b', 'link', 'v/d')], 'earlier file'],
  ['a char device', [entry('v/null', 'character-device')], 'device file'],
  ['a block device', [entry('v/sda', 'block-device')], 'device file'],
  ['an unknown type', [entry('v/x', 'unknown')], 'unknown type'],
])('volume archive: %s', (_what, entries, refused) => {
  const policy = new EntryPolicy({ root: 'v' });
  const reasons = entries.map((e) => policy.check(e)).filter((r) => r !== null);
  if (refused === null) expect(reasons).toEqual([]);
  else expect(reasons.join('\n')).toContain(refused);
});

test.each<Row>([
  [
    'absolute symlinks are part of a root file system',
    [entry('etc/', 'directory'), entry('etc/alt', 'symlink', '/usr/bin/vi')],
    null,
  ],
  [
    'relative symlink climbing above / (data)',
    [entry('etc/', 'directory'), entry('etc/l', 'symlink', '../../x')],
    null,
  ],
  [
    'through an absolute symlink',
    [entry('etc/', 'directory'), entry('etc/l', 'symlink', '/'), entry('etc/l/passwd')],
    'written through',
  ],
  ['into a mount', [entry('data/', 'directory'), entry('data/x')], 'a mount of the target container'],
  ['onto a mount point', [entry('data/', 'directory')], 'a mount of the target container'],
  ['onto /etc/hosts', [entry('etc/', 'directory'), entry('etc/hosts')], 'a mount of the target container'],
  ['below a folder the archive does not have', [entry('lnk/evil')], 'not a folder of the archive'],
  ['a hard link to an image file', [entry('srv/', 'directory'), entry('srv/h', 'link', 'bin/busybox')], null],
  [
    'a hard link into a mount',
    [entry('srv/', 'directory'), entry('srv/h', 'link', 'data/secret')],
    'points into the mount',
  ],
  ['a mount that only shares a prefix', [entry('database/', 'directory'), entry('database/x')], null],
])('writable-layer archive: %s', (_what, entries, refused) => {
  const policy = new EntryPolicy({ root: '', mounts: ['/data', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf'] });
  const reasons = entries.map((e) => policy.check(e)).filter((r) => r !== null);
  if (refused === null) expect(reasons).toEqual([]);
  else expect(reasons.join('\n')).toContain(refused);
});
