/**
 * Builds hand-made archives (with a matching manifest) to test what restore refuses: the manifest is honest,
 * so verification passes and only the entry policy stands between the archive and the volume.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { MANIFEST_SCHEMA, manifestPathFor } from '../../src/backup/manifest.js';
import { readBack } from '../../src/backup/verify.js';

export interface CraftEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  readonly body?: string;
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
}

export async function makeArchive(path: string, entries: readonly CraftEntry[], root = 'v'): Promise<string> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((r) => {
    p.on('end', () => r());
  });
  for (const e of entries) {
    const { body, ...h } = e;
    if (body !== undefined) p.entry({ ...h, type: 'file', mode: 0o644 }, body);
    else p.entry({ ...h, type: h.type ?? 'file', mode: 0o755 });
  }
  p.finalize();
  await done;
  await writeFile(path, gzipSync(Buffer.concat(chunks)));
  const r = await readBack(path);
  await writeFile(
    manifestPathFor(path),
    JSON.stringify({
      schema: MANIFEST_SCHEMA,
      kind: root === 'v' ? 'volume' : 'container',
      source: { name: 'crafted', id: null, labels: {} },
      createdAt: new Date().toISOString(),
      engine: { host: 'none', version: '0', apiVersion: '0' },
      archive: { file: basename(path), bytes: r.bytes, sha256: r.sha256, compression: 'gzip', level: 6 },
      content: { ...r.stats, root },
      warnings: [],
    }),
  );
  return path;
}

/** One raw 512-byte tar header (ustar), for archives tar-stream will not write (global headers, odd orders). */
export function rawHeader(h: { name: string; type: string; size?: number; linkname?: string }): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'latin1');
  b.write('0000644\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(`${(h.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write('14000000000\0', 136, 'latin1');
  b.write('        ', 148, 'latin1');
  b.write(h.type, 156, 'latin1');
  b.write(h.linkname ?? '', 157, 100, 'latin1');
  b.write('ustar\0' + '00', 257, 'latin1');
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** A header plus its body padded to whole blocks. */
export function rawEntry(h: { name: string; type: string; linkname?: string }, body: Buffer | string = ''): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([rawHeader({ ...h, size: data.length }), data, pad]);
}

/** A pax header (`x` or `g`) with these records. */
export function paxEntry(type: 'x' | 'g', records: Record<string, string>): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let n = rest.length + 1;
      while (`${n}${rest}`.length !== n) n++;
      return `${n}${rest}`;
    })
    .join('');
  return rawEntry({ name: 'PaxHeaders/x', type }, body);
}

/**
 * Writes `blocks` (plus the end marker) gzipped to `path` with an honest manifest beside it: the hash and
 * size of the file, and the counts as lastlook's reader sees them (zero when it refuses to read the archive).
 */
export async function makeRawArchive(
  path: string,
  blocks: readonly Buffer[],
  manifest: { kind?: 'volume' | 'container'; root?: string; source?: Record<string, unknown> } = {},
): Promise<string> {
  await writeFile(path, gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)])));
  const { createHash } = await import('node:crypto');
  const { readFile } = await import('node:fs/promises');
  const file = await readFile(path);
  let stats = { entries: 0, files: 0, directories: 0, symlinks: 0, hardlinks: 0, other: 0, bytes: 0 };
  try {
    stats = (await readBack(path)).stats ?? stats;
  } catch {
    // Counted as nothing: the reader refuses this archive anyway.
  }
  const kind = manifest.kind ?? 'volume';
  await writeFile(
    manifestPathFor(path),
    JSON.stringify({
      schema: MANIFEST_SCHEMA,
      kind,
      source: { name: 'crafted', id: null, labels: {}, ...manifest.source },
      createdAt: new Date().toISOString(),
      engine: { host: 'none', version: '0', apiVersion: '0' },
      archive: {
        file: basename(path),
        bytes: file.length,
        sha256: createHash('sha256').update(file).digest('hex'),
        compression: 'gzip',
        level: 6,
      },
      content: { ...stats, root: manifest.root ?? (kind === 'volume' ? 'v' : '') },
      warnings: [],
    }),
  );
  return path;
}

/** Rewrites the manifest beside `archive` (a hand edit). */
type Json = Record<string, unknown> & { source: Record<string, unknown> };

export async function editManifest(archive: string, edit: (m: Json) => void): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const m = JSON.parse(await readFile(manifestPathFor(archive), 'utf8')) as Json;
  edit(m);
  await writeFile(manifestPathFor(archive), JSON.stringify(m));
}
