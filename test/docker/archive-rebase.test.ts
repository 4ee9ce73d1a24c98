/**
 * The archive Podman 4.3.1 returned for `GET /containers/{helper}/archive?path=/v` on a never-started helper
 * (recorded from Debian's podman 4.3.1+ds1-8+deb12u1, test/fixtures/podman/archive-never-started-4.3.1.tar: a
 * volume with a 92-byte folder name holding a file whose path needs a PAX record, a hard link and a sub folder),
 * rebased to Docker's `v/…` names and read back with lastlook's own tar reader.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import { type TarEntry, TarScanner } from '../../src/core/tar-scan.js';
import { rebaseArchive, unbaseArchive } from '../../src/docker/archive-rebase.js';

const recorded = readFileSync(new URL('../fixtures/podman/archive-never-started-4.3.1.tar', import.meta.url));

async function entriesOf(tar: Buffer, chunkSize: number): Promise<{ entries: TarEntry[]; data: string[] }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < tar.length; i += chunkSize) chunks.push(tar.subarray(i, i + chunkSize));
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(rebaseArchive('v'))) out.push(c as Buffer);
  const entries: TarEntry[] = [];
  const data: string[] = [];
  const scanner = new TarScanner({
    onEntry: (e) => {
      entries.push(e);
      return true;
    },
    onData: (c) => data.push(c.toString('utf8')),
  });
  scanner.write(Buffer.concat(out));
  expect(scanner.ended).toBe(true);
  return { entries, data };
}

test.each([7, 512, 100_000])('names from / become v/… (chunks of %i bytes); contents unchanged', async (size) => {
  const long = `${'a'.repeat(91)}`;
  const { entries, data } = await entriesOf(recorded, size);
  const names = entries.map((e) => `${e.typeflag}:${e.name.toString('utf8')}`);
  expect(names).toEqual([
    '5:v/',
    `5:v/${long}`,
    `0:v/${long}/${'b'.repeat(168)}`,
    '0:v/hard',
    '5:v/sub',
    '0:v/sub/f',
    '1:v/t',
  ]);
  expect(entries.find((e) => e.type === 'link')?.linkname?.toString('utf8')).toBe('v/hard');
  expect(data.join('')).toBe('x\ntop\nhi\n');
});

test('an archive already named from its base (Docker) passes through unchanged', async () => {
  const once: Buffer[] = [];
  for await (const c of Readable.from([recorded]).pipe(rebaseArchive('v'))) once.push(c as Buffer);
  const twice: Buffer[] = [];
  for await (const c of Readable.from([Buffer.concat(once)]).pipe(rebaseArchive('v'))) twice.push(c as Buffer);
  expect(Buffer.concat(twice).equals(Buffer.concat(once))).toBe(true);
});

test('unbaseArchive makes v/… entries relative again (Podman uploads at /v)', async () => {
  const rebased: Buffer[] = [];
  for await (const c of Readable.from([recorded]).pipe(rebaseArchive('v'))) rebased.push(c as Buffer);
  const out: Buffer[] = [];
  for await (const c of Readable.from([Buffer.concat(rebased)]).pipe(unbaseArchive('v'))) out.push(c as Buffer);
  const entries: TarEntry[] = [];
  const scanner = new TarScanner({
    onEntry: (e) => {
      entries.push(e);
      return false;
    },
  });
  scanner.write(Buffer.concat(out));
  expect(entries.map((e) => e.name.toString('utf8'))).toEqual([
    './',
    'a'.repeat(91),
    `${'a'.repeat(91)}/${'b'.repeat(168)}`,
    'hard',
    'sub',
    'sub/f',
    't',
  ]);
  expect(entries.find((e) => e.type === 'link')?.linkname?.toString('utf8')).toBe('hard');
});
