import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Change, MountPoint } from '../../src/core/model.js';
import { planSizeReads } from '../../src/core/size-reads.js';
import { mapChanges } from '../../src/docker/dockerode-adapter.js';

// Recorded by test/fixtures/changes/record.sh from Docker 26.1.5 (modern) and 20.10.24 (legacy); see its README.
const fixtures = join(import.meta.dirname, '../fixtures/changes');
const changesOf = (kind: string): Change[] =>
  mapChanges(JSON.parse(readFileSync(join(fixtures, kind, 'changes.json'), 'utf8')));
const mount = (type: MountPoint['type'], destination: string): MountPoint => ({
  type,
  name: null,
  source: '',
  destination,
  driver: null,
  mode: '',
  rw: true,
});

describe.each(['modern', 'legacy'])('planSizeReads on the changes recorded from the %s engine', (kind) => {
  const changes = changesOf(kind);

  test('added directories with changes inside are read as one archive each; every other path is stat’ed', () => {
    const plan = planSizeReads(changes, [mount('volume', '/named'), mount('tmpfs', '/scratch')]);
    expect(plan.archives).toEqual(['/app', '/tmp/long', '/usr/local']);
    // Nothing under an archived root is stat'ed, nothing deleted is read, and every other path is read once.
    for (const s of plan.stats) expect(/^\/(app|tmp\/long|usr\/local)\//.test(s)).toBe(false);
    expect(plan.stats).not.toContain('/bin/ls');
    expect(plan.stats).toEqual(expect.arrayContaining(['/etc/passwd', '/tmp/zeros', '/tmp/a b', '/bin', '/hostb']));
    const underArchives = changes.filter((c) => /^\/(app|tmp\/long|usr\/local)(\/|$)/.test(c.path)).length;
    const deleted = changes.filter((c) => c.kind === 'deleted').length;
    expect(plan.stats.length + plan.unnameable + underArchives + deleted).toBe(changes.length);
    // `/tmp/bad\xffbyte` lies directly in /tmp (changed, not added): only the export can give its real name.
    expect(plan.unnameable).toBe(1);
  });

  test('a root with a mount at or under it is not archived (the tar would stream the volume): its paths are stat’ed', () => {
    const plan = planSizeReads(changes, [mount('volume', '/app/data')]);
    expect(plan.archives).toEqual(['/tmp/long', '/usr/local']);
    expect(plan.stats).toEqual(expect.arrayContaining(['/app', '/app/data/deep/er/f.txt', '/app/hard', '/app/sym']));
  });
});

test('an added file or empty directory alone is stat’ed, not archived', () => {
  const plan = planSizeReads([
    { kind: 'added', path: '/x' },
    { kind: 'modified', path: '/etc' },
    { kind: 'added', path: '/etc/y' },
  ]);
  expect(plan).toEqual({ archives: [], stats: ['/x', '/etc', '/etc/y'], unnameable: 0 });
});
