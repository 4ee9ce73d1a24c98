import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { runCli } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('engines');

// Not a real PostgreSQL: busybox tagged `postgres`, with a `pg_dumpall` script written into the running
// container. It exercises recognition, the warning, and the exec/exit-code/verification path of --dump on a
// real engine; the dump tool's own correctness is PostgreSQL's.
describe.each(engines.map((e) => [e.kind, e] as const))('database dump on the %s engine', (_kind, engine) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lldd-'));
    await given(engine, ['tag', engine.image, 'postgres:ll-test']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a running postgres gets the warning, and --dump takes pg_dumpall output beside the archive', async () => {
    const p = prefix('db');
    await given(engine, ['volume', 'create', `${p}-pg`]);
    await docker(engine, [
      'run',
      '-d',
      '--name',
      `${p}-db`,
      '-e',
      'POSTGRES_USER=app',
      '-v',
      `${p}-pg:/var/lib/postgresql/data`,
      'postgres:ll-test',
      'sleep',
      '600',
    ]);
    await docker(engine, [
      'exec',
      `${p}-db`,
      'sh',
      '-c',
      'printf \'#!/bin/sh\\necho "-- dump as $2"\\nseq 1 5000\\n\' > /bin/pg_dumpall && chmod +x /bin/pg_dumpall',
    ]);

    const plain = await runCli(engine, ['backup', `${p}-pg`, '--to', join(dir, 'plain')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain(`warning: ${p}-db is a postgres database`);
    expect(plain.stderr).toContain('not a backup');
    expect(plain.stderr).toContain('--dump');

    const r = await runCli(engine, ['backup', `${p}-pg`, '--to', join(dir, 'dump'), '--dump', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const items = (JSON.parse(r.stdout) as { items: { kind: string; archive: string }[] }).items;
    expect(items.map((i) => i.kind)).toEqual(['volume', 'dump']);
    const dump = items[1]?.archive as string;
    const text = gunzipSync(readFileSync(dump)).toString();
    expect(text.startsWith('-- dump as app\n1\n2\n')).toBe(true);
    expect(text.trimEnd().endsWith('\n5000')).toBe(true);
    const v = await runCli(engine, ['verify', dump]);
    expect(v.code, v.stderr).toBe(0);

    // A failing dump tool: exit 1, and nothing of the set is kept.
    await docker(engine, [
      'exec',
      `${p}-db`,
      'sh',
      '-c',
      "printf '#!/bin/sh\\necho boom >&2\\nexit 3\\n' > /bin/pg_dumpall",
    ]);
    const bad = await runCli(engine, ['backup', `${p}-pg`, '--to', join(dir, 'bad'), '--dump']);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/postgres dump in .* failed \(exit 3\): boom/);
    expect(readdirSync(join(dir, 'bad'))).toEqual([]);
    await given(engine, ['rm', '-f', `${p}-db`]);
    await given(engine, ['volume', 'rm', `${p}-pg`]);
  });
});
