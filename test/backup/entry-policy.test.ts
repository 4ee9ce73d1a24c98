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
  ['an escaping symlink', [entry('v/l', 'symlink', '../etc')], 'escapes the archive root'],
  ['an absolute symlink in a volume', [entry('v/l', 'symlink', '/etc')], 'outside the volume'],
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
  ['absolute symlinks are part of a root file system', [entry('etc/alt', 'symlink', '/usr/bin/vi')], null],
  ['relative symlink climbing above /', [entry('etc/l', 'symlink', '../../x')], 'escapes the archive root'],
  ['through an absolute symlink', [entry('etc/l', 'symlink', '/'), entry('etc/l/passwd')], 'written through'],
])('writable-layer archive: %s', (_what, entries, refused) => {
  const policy = new EntryPolicy({ root: '' });
  const reasons = entries.map((e) => policy.check(e)).filter((r) => r !== null);
  if (refused === null) expect(reasons).toEqual([]);
  else expect(reasons.join('\n')).toContain(refused);
});
