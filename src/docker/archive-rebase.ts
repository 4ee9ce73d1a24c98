/**
 * Podman 4.3.1's `GET /containers/{id}/archive?path=/v` on a never-started container names its entries from `/`
 * (`/`, `/sub`, `/sub/f`, hard links to `/f`), where Docker names them from the folder's base name (`v/`,
 * `v/sub`, …). Every reader of a volume archive (backups, restore's checks, the explorer) expects Docker's form,
 * and an archive with absolute names is refused on restore. `rebaseArchive` rewrites the names in the stream,
 * byte for byte otherwise: ustar name and prefix fields, hard-link names, PAX `path` / `linkpath` records and GNU
 * long names, with each header's checksum recomputed. Entries already relative are left as they are.
 */
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;

/** Maps one entry name (raw bytes) to another. */
type NameMap = (name: Buffer) => Buffer;

/** `/x` → `<base>/x`, `/` → `<base>/`; anything else unchanged. */
function toBase(base: string): NameMap {
  return (name) =>
    name[0] !== 0x2f ? name : Buffer.concat([Buffer.from(base, 'utf8'), name.length === 1 ? Buffer.from('/') : name]);
}

/** `<base>/x` → `x`, `<base>/` and `<base>` → `./`; anything else unchanged. */
function fromBase(base: string): NameMap {
  const b = Buffer.from(base, 'utf8');
  return (name) => {
    if (!name.subarray(0, b.length).equals(b)) return name;
    if (name.length === b.length || (name.length === b.length + 1 && name[b.length] === 0x2f)) return Buffer.from('./');
    return name[b.length] === 0x2f ? Buffer.from(name.subarray(b.length + 1)) : name;
  };
}

function field(h: Buffer, start: number, len: number): Buffer {
  const f = h.subarray(start, start + len);
  const nul = f.indexOf(0);
  return nul < 0 ? Buffer.from(f) : Buffer.from(f.subarray(0, nul));
}

function setField(h: Buffer, start: number, len: number, value: Buffer): boolean {
  if (value.length > len) return false;
  h.fill(0, start, start + len);
  value.copy(h, start);
  return true;
}

function entrySize(h: Buffer): number {
  // Base-256 (GNU) when the high bit is set; octal otherwise.
  if ((h[124] as number) & 0x80) return Number(h.subarray(125, 136).readBigUInt64BE(3));
  return Number.parseInt(field(h, 124, 12).toString('ascii').trim() || '0', 8);
}

function setChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
}

/** Rewrites `path` and `linkpath` records of a PAX extended header's data. */
function rebasePax(data: Buffer, map: NameMap): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number.parseInt(data.subarray(i, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(sp + 1, i + len - 1); // `key=value` without the trailing newline
    const eq = record.indexOf(0x3d);
    const key = record.subarray(0, eq).toString('utf8');
    if (eq > 0 && (key === 'path' || key === 'linkpath')) {
      const body = Buffer.concat([record.subarray(0, eq + 1), map(record.subarray(eq + 1)), Buffer.from('\n')]);
      // The length prefix counts itself: grow it until it is stable.
      let n = body.length + 2;
      while (String(n).length + 1 + body.length !== n) n = String(n).length + 1 + body.length;
      out.push(Buffer.from(`${n} `), body);
    } else out.push(data.subarray(i, i + len));
    i += len;
  }
  return Buffer.concat(out);
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** Stores `name` in the ustar name field, splitting it into prefix and name at a `/` when it is longer. */
function storeName(h: Buffer, name: Buffer, ustar: boolean): boolean {
  if (name.length <= 100) {
    if (ustar) h.fill(0, 345, 500);
    return setField(h, 0, 100, name);
  }
  if (!ustar) return false;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== 0x2f || i > 155 || name.length - i - 1 > 100) continue;
    return setField(h, 345, 155, name.subarray(0, i)) && setField(h, 0, 100, name.subarray(i + 1));
  }
  return false;
}

/** A header with its name (and a hard link's target) mapped; throws when a name no longer fits its fields. */
function rebaseHeader(h: Buffer, map: NameMap, named: { path: boolean; link: boolean }): Buffer {
  const out = Buffer.from(h);
  const ustar = out.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = ustar ? field(out, 345, 155) : Buffer.alloc(0);
  const name = field(out, 0, 100);
  const full = prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), name]) : name;
  // A PAX record or GNU long name already carries the real (mapped) name: the header's own is a truncated copy.
  if (!named.path && !storeName(out, map(full), ustar)) throw new Error('archive entry name too long to rebase');
  if (out[156] === 0x31 && !named.link && !setField(out, 157, 100, map(field(out, 157, 100)))) {
    throw new Error('archive hard-link name too long to rebase');
  }
  setChecksum(out);
  return out;
}

/** A Transform that rebases a tar stream's absolute names onto `base` (the archived folder's base name). */
export function rebaseArchive(base: string): Transform {
  return rewriteArchive(toBase(base));
}

/**
 * The reverse, for an upload: entries named `<base>/…` become relative, to be extracted AT the folder. Podman
 * 4.3.1 extracts `PUT /containers/{id}/archive?path=/` into the container's own root filesystem even below a volume's
 * mountpoint (a never-started helper's volume is not mounted there); at `path=/v` the files reach the volume.
 */
export function unbaseArchive(base: string): Transform {
  return rewriteArchive(fromBase(base));
}

function rewriteArchive(map: NameMap): Transform {
  let pending: Buffer = Buffer.alloc(0);
  // Bytes of entry data still to pass through unchanged.
  let passing = 0;
  // Set by a PAX header or GNU long name that already carried the rebased path or link name.
  let named = { path: false, link: false };
  const step = (push: (b: Buffer) => void): boolean => {
    if (passing > 0) {
      const n = Math.min(passing, pending.length);
      if (n === 0) return false;
      push(pending.subarray(0, n));
      pending = pending.subarray(n);
      passing -= n;
      return true;
    }
    if (pending.length < BLOCK) return false;
    const h = pending.subarray(0, BLOCK);
    if (h.every((b) => b === 0)) {
      push(Buffer.from(h));
      pending = pending.subarray(BLOCK);
      return true;
    }
    const size = entrySize(h);
    const dataLen = Math.ceil(size / BLOCK) * BLOCK;
    const type = String.fromCharCode(h[156] as number);
    if (type === 'x' || type === 'L' || type === 'K') {
      if (pending.length < BLOCK + dataLen) return false;
      const data = pending.subarray(BLOCK, BLOCK + size);
      const rebased = type === 'x' ? rebasePax(data, map) : map(field(data, 0, data.length));
      const body = type === 'x' ? rebased : Buffer.concat([rebased, Buffer.alloc(1)]);
      if (type === 'x') {
        const text = data.toString('utf8');
        named = {
          path: named.path || /(^|\n)\d+ path=/.test(text),
          link: named.link || /(^|\n)\d+ linkpath=/.test(text),
        };
      } else if (type === 'L') named = { ...named, path: true };
      else named = { ...named, link: true };
      const header = Buffer.from(h);
      header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
      setChecksum(header);
      push(header);
      push(padded(body));
      pending = pending.subarray(BLOCK + dataLen);
      return true;
    }
    push(rebaseHeader(h, map, named));
    named = { path: false, link: false };
    pending = pending.subarray(BLOCK);
    passing = dataLen;
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        while (step((b) => this.push(b)));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb: TransformCallback) {
      if (pending.length > 0) this.push(pending);
      cb();
    },
  });
}
