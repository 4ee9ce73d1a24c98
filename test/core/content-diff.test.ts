import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  archiveIsSafe,
  buildContentDiff,
  contentDiffJson,
  displayLine,
  type FileSide,
  isBinary,
  lineHunks,
  locate,
  normalisePath,
  renderContentDiff,
} from '../../src/core/content-diff.js';
import type { MountPoint } from '../../src/core/model.js';
import { mapChanges } from '../../src/docker/dockerode-adapter.js';

// `/changes` and `Mounts` recorded from Docker 26.1.5 by test/fixtures/changes/record.sh (see its README).
const fixtures = join(import.meta.dirname, '../fixtures/changes/modern');
const changes = mapChanges(JSON.parse(readFileSync(join(fixtures, 'changes.json'), 'utf8')));
const mounts: MountPoint[] = (
  JSON.parse(readFileSync(join(fixtures, 'mounts.json'), 'utf8')) as {
    Type: string;
    Name?: string;
    Source: string;
    Destination: string;
  }[]
).map((m) => ({
  type: m.Type as MountPoint['type'],
  name: m.Name ?? null,
  source: m.Source,
  destination: m.Destination,
  driver: null,
  mode: '',
  rw: true,
}));
mounts.push({ type: 'tmpfs', name: null, source: '', destination: '/scratch', driver: null, mode: '', rw: true });

const file = (text: string | Uint8Array, extra: Partial<FileSide> = {}): FileSide => {
  const content = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return {
    type: 'file',
    size: content.length,
    mode: 0o644,
    uid: 0,
    gid: 0,
    linkTarget: null,
    sha256: 'x',
    content,
    truncated: false,
    ...extra,
  };
};

describe('locate', () => {
  test('a change, a directory holding changes, a mount, an unchanged path (recorded changes)', () => {
    expect(locate('/etc/passwd', changes, mounts)).toMatchObject({ at: 'change', change: { kind: 'modified' } });
    expect(locate('/bin/ls', changes, mounts)).toMatchObject({ at: 'change', change: { kind: 'deleted' } });
    const app = locate('/app/data', changes, mounts);
    expect(app.at === 'change' && app.children.map((c) => c.path)).toEqual([
      '/app/data/deep',
      '/app/data/deep/er',
      '/app/data/deep/er/f.txt',
    ]);
    expect(locate('/named/inside', changes, mounts)).toMatchObject({ at: 'mount', mount: { type: 'volume' } });
    expect(locate('/scratch', changes, mounts)).toMatchObject({ at: 'mount', mount: { type: 'tmpfs' } });
    expect(locate('/usr/bin', changes, mounts)).toEqual({ at: 'unchanged' });
  });

  test('normalisePath: the engine form, and ".." refused', () => {
    expect(normalisePath('etc//app/./x/')).toBe('/etc/app/x');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('/etc/../root')).toBeNull();
  });
});

describe('archiveIsSafe', () => {
  test('never started, a mountpoint in a tmpfs or deleted: not safe; started with mountpoints in place: safe', () => {
    expect(archiveIsSafe(false, mounts, changes).safe).toBe(false);
    expect(archiveIsSafe(true, mounts, changes)).toEqual({ safe: true, reason: 'started, every mountpoint in place' });
    const nested: MountPoint = { ...(mounts[0] as MountPoint), destination: '/scratch/v' };
    expect(archiveIsSafe(true, [...mounts, nested], changes).reason).toBe('the mountpoint /scratch/v lies in a tmpfs');
    const underDeleted: MountPoint = { ...(mounts[0] as MountPoint), destination: '/bin/ls/x' };
    expect(archiveIsSafe(true, [underDeleted], changes).safe).toBe(false);
  });
});

describe('content diff', () => {
  test('line hunks with numbers on both sides and three lines of context (jsdiff)', () => {
    const old = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const hunks = lineHunks(old, old.replace('e\n', 'E\n'));
    expect(hunks).toHaveLength(1);
    expect(hunks[0]?.lines.map((l) => `${l.op}${l.old ?? '_'}:${l.new ?? '_'}${l.text}`)).toEqual([
      ' 2:2b',
      ' 3:3c',
      ' 4:4d',
      '-5:_e',
      '+_:5E',
      ' 6:6f',
      ' 7:7g',
      ' 8:8h',
    ]);
    expect(lineHunks('x', 'x\n')[0]?.lines).toEqual([
      { op: '-', old: 1, new: null, text: 'x', noNewline: true },
      { op: '+', old: null, new: 1, text: 'x' },
    ]);
  });

  test('an added file is all +, a deleted one all -', () => {
    const added = buildContentDiff({ path: '/n', kind: 'added', before: null, after: file('1\n2\n'), maxBytes: 10 });
    expect(added.hunks[0]?.lines.map((l) => l.op)).toEqual(['+', '+']);
    const deleted = buildContentDiff({ path: '/d', kind: 'deleted', before: file('1\n'), after: null, maxBytes: 10 });
    expect(deleted.hunks[0]?.lines.map((l) => l.op)).toEqual(['-']);
  });

  test('binary by a NUL byte: no hunks, sizes and digests', () => {
    expect(isBinary(Uint8Array.from([65, 0, 66]))).toBe(true);
    expect(isBinary(new TextEncoder().encode('text\n'))).toBe(false);
    const d = buildContentDiff({
      path: '/b',
      kind: 'modified',
      before: file(Uint8Array.from([0, 1]), { sha256: 'aa' }),
      after: file(Uint8Array.from([0, 2]), { sha256: 'bb' }),
      maxBytes: 10,
    });
    expect(d.shape).toBe('binary');
    expect(d.hunks).toEqual([]);
    expect(renderContentDiff(d)).toContain('binary file: content differs');
  });

  test('mode and owner changes shown when the content is the same; a symlink shows both targets', () => {
    const d = buildContentDiff({
      path: '/m',
      kind: 'modified',
      before: file('a\n'),
      after: file('a\n', { mode: 0o755, uid: 7 }),
      maxBytes: 10,
    });
    expect(renderContentDiff(d)).toEqual(
      expect.arrayContaining(['  mode: 0644 → 0755', '  owner: 0:0 → 7:0', 'content identical']),
    );
    const link = (t: string) => ({ ...file(''), type: 'symlink' as const, size: 0, linkTarget: t, sha256: null });
    const s = buildContentDiff({ path: '/l', kind: 'modified', before: link('/a'), after: link('/b'), maxBytes: 10 });
    expect(s.shape).toBe('symlink');
    expect(renderContentDiff(s)).toContain('  target: /a → /b');
  });

  test('hostile bytes are inert: controls, bidi, raw bytes; tabs expanded', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('a\u001b]0;x\u0007\u202e\t'), 0xff, 0x0a]);
    const d = buildContentDiff({ path: '/h', kind: 'added', before: null, after: file(bytes), maxBytes: 100 });
    const out = renderContentDiff(d).join('\n');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
    expect(out.replace(/\n/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e\udc80-\udcff]/);
    expect(out).toContain('+ a\\u001b]0;x\\u0007\\u202e \\xff'); // the tab to column 24
    expect(displayLine('\tx')).toBe('        x');
    const json = contentDiffJson(d, { id: 'i', name: 'n' });
    expect(json.hunks[0]?.lines[0]?.text).toBe('a\u001b]0;x\u0007\u202e\t\udcff');
  });

  test('a too-long edit falls back to the whole old version removed and the new added', () => {
    const a = `same\n${Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n')}\nend\n`;
    const b = `same\n${Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n')}\nend\n`;
    const h = lineHunks(a, b);
    expect(h).toHaveLength(1);
    expect(h[0]?.lines.filter((l) => l.op === '-')).toHaveLength(3000);
    expect(h[0]?.lines.filter((l) => l.op === '+').map((l) => l.new)).toEqual(
      Array.from({ length: 3000 }, (_, i) => i + 2),
    );
  });

  test('a log with 10,000 lines appended: only those, after three lines of context', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `l${i}\n`).join('');
    const b = a + Array.from({ length: 10_000 }, (_, i) => `n${i}\n`).join('');
    const [h, ...rest] = lineHunks(a, b);
    expect(rest).toEqual([]);
    expect(h?.lines.slice(0, 4).map((l) => `${l.op}${l.old}:${l.new}`)).toEqual([
      ' 19998:19998',
      ' 19999:19999',
      ' 20000:20000',
      '+null:20001',
    ]);
    expect(h?.lines.filter((l) => l.op === '+')).toHaveLength(10_000);
    expect(h).toMatchObject({ oldStart: 19_998, oldLines: 3, newStart: 19_998, newLines: 10_003 });
  });
});
