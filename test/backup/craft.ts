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
