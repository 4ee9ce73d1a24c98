import { pack } from 'tar-stream';
import { expect, test } from 'vitest';
import { type TarEntry, TarFormatError, TarScanner } from '../../src/core/tar-scan.js';
import { paxEntry, rawEntry, rawHeader } from '../backup/craft.js';

async function tarOf(
  entries: {
    name: string;
    body?: string;
    type?: 'symlink' | 'directory';
    linkname?: string;
    pax?: Record<string, string>;
  }[],
): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((r) => {
    p.on('end', () => r());
  });
  for (const { body, ...h } of entries) {
    const header = { uid: 1234, gid: 5678, mode: 0o4755, ...h };
    if (body === undefined) p.entry(header);
    else p.entry(header, body);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function scanAll(buf: Buffer, chunk = 7): { entries: TarEntry[]; data: string; raw: Buffer } {
  const entries: TarEntry[] = [];
  let data = '';
  const raw: Buffer[] = [];
  const s = new TarScanner({
    onEntry: (e) => {
      entries.push(e);
      return true;
    },
    onData: (c) => {
      data += c.toString();
    },
    onRaw: (b) => raw.push(Buffer.from(b)),
  });
  for (let i = 0; i < buf.length; i += chunk) s.write(buf.subarray(i, i + chunk));
  s.end();
  return { entries, data, raw: Buffer.concat(raw) };
}

test('reads names, owners, modes, links and content, in odd chunk sizes', async () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
  const buf = await tarOf([
    { name: 'v/', type: 'directory' },
    { name: 'v/a b', body: 'hello' },
    { name: `v/${long}`, body: 'long' },
    { name: 'v/l', type: 'symlink', linkname: 'a b' },
  ]);
  for (const chunk of [1, 7, 512, 100_000]) {
    const { entries, data, raw } = scanAll(buf, chunk);
    expect(entries.map((e) => e.name.toString())).toEqual(['v/', 'v/a b', `v/${long}`, 'v/l']);
    expect(entries[1]).toMatchObject({ type: 'file', size: 5, uid: 1234, gid: 5678, mode: 0o4755 });
    expect(entries[3]?.linkname?.toString()).toBe('a b');
    expect(data).toBe('hellolong');
    // Keeping every entry reproduces the archive up to its end marker.
    expect(raw.equals(buf.subarray(0, raw.length))).toBe(true);
  }
});

test('keeps non-UTF-8 bytes of a PAX path exactly', async () => {
  const name = Buffer.from([0x76, 0x2f, 0x62, 0x61, 0x64, 0xff, 0xfe]);
  const record = Buffer.concat([Buffer.from(' path='), name, Buffer.from('\n')]);
  const len = record.length + String(record.length + 3).length;
  const pax = Buffer.concat([Buffer.from(String(len)), record]);
  // Hand-made PAX header + file entry, checksums computed the ustar way.
  const header = (n: string, type: string, size: number) => {
    const h = Buffer.alloc(512);
    h.write(n, 0, 'latin1');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write(type, 156);
    h.write('ustar\x0000', 257, 'latin1');
    h.fill(32, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return h;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const tar = Buffer.concat([
    header('PaxHeader', 'x', pax.length),
    pad(pax),
    header('ignored', '0', 2),
    pad(Buffer.from('hi')),
    Buffer.alloc(1024),
  ]);
  const { entries } = scanAll(tar);
  expect(entries[0]?.name.equals(name)).toBe(true);
});

test.each([
  ['a truncated archive', (b: Buffer) => b.subarray(0, b.length - 1024 - 100)],
  ['a corrupt header', (b: Buffer) => Buffer.concat([Buffer.from('x'), b.subarray(1)])],
  ['nothing at all', (_b: Buffer) => Buffer.alloc(0)],
])('%s is a TarFormatError', async (_what, damage) => {
  const buf = await tarOf([{ name: 'v/a', body: 'x'.repeat(2000) }]);
  expect(() => scanAll(damage(buf))).toThrow(TarFormatError);
});

/** Raw archives (header blocks built by hand) read as Go's archive/tar reads them, which the engine extracts with. */
function names(blocks: Buffer[]): string[] {
  return scanAll(Buffer.concat([...blocks, Buffer.alloc(1024)])).entries.map(
    (e) => `${e.type}:${e.name.toString('latin1')}`,
  );
}

test.each([
  [
    'a global header applies to nothing',
    [paxEntry('g', { comment: 'c', mtime: '1' }), rawEntry({ name: 'a', type: '0' })],
    ['file:a'],
  ],
  [
    'a GNU long name wins over a pax path',
    [
      paxEntry('x', { path: 'fromPax' }),
      rawEntry({ name: '././@LongLink', type: 'L' }, 'fromGnu\0'),
      rawEntry({ name: 'a', type: '0' }),
    ],
    ['file:fromGnu'],
  ],
  [
    'an empty GNU long name does not override',
    [rawEntry({ name: '././@LongLink', type: 'L' }, '\0'), rawEntry({ name: 'a', type: '0' })],
    ['file:a'],
  ],
  ["a '\\0'-typed entry ending in / is a directory", [rawEntry({ name: 'd/', type: '\0' })], ['directory:d/']],
])('%s', (_what, blocks, expected) => {
  expect(names(blocks)).toEqual(expected);
});

test('a ustar header with the star trailer has a 131-byte prefix', () => {
  const h = rawHeader({ name: 'name', type: '0' });
  h.write('pre', 345, 'latin1');
  h.write('XXXX', 476, 'latin1'); // beyond 131 bytes of prefix: star's atime/ctime, not part of the name
  h.write('tar\0', 508, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const x of h) sum += x;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  expect(names([h])).toEqual(['file:pre/name']);
});

test.each([
  ['a global header that sets path', [paxEntry('g', { path: 'x' }), rawEntry({ name: 'a', type: '0' })], 'global'],
  [
    'a global header that sets linkpath',
    [paxEntry('g', { linkpath: 'x' }), rawEntry({ name: 'a', type: '0' })],
    'global',
  ],
  [
    'two pax headers for one entry',
    [paxEntry('x', { path: 'a' }), paxEntry('x', { uid: '1' }), rawEntry({ name: 'a', type: '0' })],
    'two pax',
  ],
  [
    'a global header after an entry header',
    [paxEntry('x', { path: 'a' }), paxEntry('g', { comment: 'c' }), rawEntry({ name: 'b', type: '0' })],
    'between',
  ],
  ['a NUL in a pax path', [paxEntry('x', { path: 'a\0b' }), rawEntry({ name: 'a', type: '0' })], 'NUL'],
])('refused, as it could be read two ways: %s', (_what, blocks, message) => {
  expect(() => names(blocks)).toThrow(TarFormatError);
  expect(() => names(blocks)).toThrow(message);
});
