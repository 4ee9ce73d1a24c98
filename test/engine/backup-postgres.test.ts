import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { runCli, until } from '../backup/helpers.js';
import { given } from './given.js';
import { cliPath, docker, engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

const run = promisify(execFile);

// A real PostgreSQL 15: Debian's own server and client binaries with their libraries, imported as an image by
// scripts/postgres-image.sh (no registry). Unlike backup-dump.test.ts's stand-in, pg_dumpall here is the real
// tool, so this proves the dump lastlook keeps is a real, restorable database dump.
const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const IMAGE = 'lltest/postgres:15';
const DATA = '/var/lib/postgresql/data';
const ROWS = [
  [1, 'apple'],
  [2, 'pear'],
  [3, "plum's tab\there"],
] as const;

async function psql(container: string, sql: string): Promise<string> {
  return docker(engine, ['exec', container, 'psql', '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

/** Starts a postgres container on a fresh named volume and waits (bounded) until it answers a query. */
async function startPostgres(name: string, volume: string): Promise<void> {
  await given(engine, ['volume', 'create', volume]);
  await docker(engine, [
    'run',
    '-d',
    '--name',
    name,
    '-v',
    `${volume}:${DATA}`,
    IMAGE,
    'sh',
    '-c',
    `initdb -D ${DATA} -U postgres --auth=trust --locale=C -E UTF8 >/dev/null && exec postgres -D ${DATA} -k /tmp -c listen_addresses=`,
  ]);
  await until(async () => {
    try {
      return (await psql(name, 'select 1')).trim() === '1';
    } catch {
      const state = (await docker(engine, ['inspect', '-f', '{{.State.Status}}', name])).trim();
      if (state !== 'running') {
        const logs = await docker(engine, ['logs', name]).catch((e: Error) => e.message);
        throw new Error(`${name} is ${state}, not running:\n${logs}`);
      }
      return false;
    }
  }, 60_000);
}

/** Builds the root filesystem once (cached under .cache/) and imports it into this run's private engine. */
async function importImage(): Promise<void> {
  await run('bash', [join(repoRoot, 'scripts/postgres-image.sh'), '--import', IMAGE], {
    env: engineEnv(engine, { DOCKER: cliPath() }),
    timeout: 300_000,
  });
}

const imageId = async () => (await docker(engine, ['image', 'inspect', '-f', '{{.Id}}', IMAGE])).trim();

describe('a real PostgreSQL 15 on the modern engine', () => {
  const p = prefix('pg');
  let dir: string;
  const created: { containers: string[]; volumes: string[] } = { containers: [], volumes: [] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llpg-'));
    await importImage();
  }, 320_000);

  afterAll(async () => {
    for (const c of created.containers) await given(engine, ['rm', '-f', c]).catch(() => undefined);
    for (const v of created.volumes) await given(engine, ['volume', 'rm', v]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test('the image script is idempotent: a second run keeps the imported image', async () => {
    const before = await imageId();
    await importImage();
    expect(await imageId()).toBe(before);
  });

  test('backup --dump of a running server keeps a verified pg_dumpall dump that restores the rows', async () => {
    const db = `${p}-db`;
    created.containers.push(db);
    created.volumes.push(`${p}-data`);
    await startPostgres(db, `${p}-data`);
    const values = ROWS.map(([id, name]) => `(${id}, '${name.replaceAll("'", "''")}')`).join(', ');
    await psql(db, `create table lastlook_items (id int primary key, name text not null)`);
    await psql(db, `insert into lastlook_items values ${values}`);

    const r = await runCli(engine, ['backup', db, '--dump', '--to', dir, '--json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    // Why the volume's files are not the backup, even though they are archived too.
    expect(r.stderr).toContain(`warning: ${db} is a postgres database (image ${IMAGE}, volume at ${DATA})`);
    expect(r.stderr).toContain('a copy of its files taken now is not a backup');
    expect(r.stderr).toContain('A pg_dumpall dump was taken');

    const items = (JSON.parse(r.stdout) as { items: { kind: string; archive: string }[] }).items;
    expect(items.map((i) => i.kind)).toEqual(['container', 'dump']);
    const dump = items[1]?.archive as string;
    expect(dump).toMatch(/\.sql\.gz$/);
    const v = await runCli(engine, ['verify', dump]);
    expect(v.code).toBe(0);
    expect(v.stderr).toContain(`verified ${dump}`);

    const sql = gunzipSync(readFileSync(dump)).toString('utf8');
    expect(sql).toContain('-- PostgreSQL database cluster dump');
    expect(sql).toMatch(/-- Dumped by pg_dump(all)? version 15\./);
    expect(sql).toContain('CREATE TABLE public.lastlook_items (');
    expect(sql).toContain('COPY public.lastlook_items (id, name) FROM stdin;');
    for (const [id, name] of ROWS) expect(sql).toContain(`\n${id}\t${name.replaceAll('\t', '\\t')}\n`);
    expect(sql).toContain('-- PostgreSQL database cluster dump complete');

    // The dump restores into a fresh server: same rows, byte for byte.
    const fresh = `${p}-restore`;
    created.containers.push(fresh);
    created.volumes.push(`${p}-restore`);
    await startPostgres(fresh, `${p}-restore`);
    // pg_dumpall re-creates the `postgres` role, which initdb already made: that one error is expected.
    const restore = await docker(
      engine,
      ['exec', '-i', fresh, 'sh', '-c', 'psql -X -q -d postgres -o /dev/null -f - 2>&1; echo "exit $?"'],
      { input: sql },
    );
    expect(restore.trim().split('\n')).toEqual([
      expect.stringMatching(/ERROR: {2}role "postgres" already exists$/),
      'exit 0',
    ]);
    const rows = await psql(fresh, 'select id, name from lastlook_items order by id');
    const want = await psql(db, 'select id, name from lastlook_items order by id');
    expect(rows).toBe(want);
    expect(rows.trimEnd().split('\n')).toEqual(ROWS.map(([id, name]) => `${id}|${name}`));
  });
});
