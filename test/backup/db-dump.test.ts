import { expect, test } from 'vitest';
import { imageBaseName, liveFilesWarning, recogniseDatabase } from '../../src/backup/db-dump.js';
import type { ContainerInfo, MountPoint } from '../../src/core/model.js';

function container(image: string, dests: string[], state: ContainerInfo['state'] = 'running'): ContainerInfo {
  return {
    id: 'abc',
    name: 'db',
    image,
    imageId: 'sha256:1',
    state,
    status: '',
    created: 0,
    labels: {},
    networks: [],
    mounts: dests.map(
      (d): MountPoint => ({
        type: 'volume',
        name: 'v',
        source: '',
        destination: d,
        driver: 'local',
        mode: '',
        rw: true,
      }),
    ),
  };
}

test.each([
  ['postgres:16', [], 'postgres', 'pg_dumpall'],
  ['docker.io/library/postgres:16-alpine@sha256:00', [], 'postgres', 'pg_dumpall'],
  ['my/custom-pg:1', ['/var/lib/postgresql/data'], 'postgres', 'pg_dumpall'],
  ['mysql:8', [], 'mysql', 'mysqldump'],
  ['mariadb:11', ['/var/lib/mysql'], 'mariadb', 'mariadb-dump'],
  ['mongo:7', [], 'mongo', 'mongodump'],
  ['bitnami/redis:7', [], 'redis', 'redis-cli --rdb'],
  ['registry:5000/team/valkey:8', ['/data'], 'redis', 'redis-cli'],
])('%s with %j is %s', (image, dests, kind, tool) => {
  const m = recogniseDatabase(container(image, dests));
  expect(m?.kind).toBe(kind);
  expect(m?.command.join(' ')).toContain(tool);
});

test.each([
  ['nginx:1', ['/data']],
  ['busybox', []],
  ['my/app', ['/var/lib/app']],
])('%s is not a database', (image, dests) => {
  expect(recogniseDatabase(container(image, dests))).toBeNull();
});

test('imageBaseName strips registry, path, tag and digest', () => {
  expect(imageBaseName('registry:5000/a/b/Postgres:16@sha256:ff')).toBe('postgres');
});

test('the warning says why live files are not a backup and how to get a dump', () => {
  const m = recogniseDatabase(container('postgres:16', ['/var/lib/postgresql/data']));
  if (!m) throw new Error('not recognised');
  const w = liveFilesWarning(m, false);
  expect(w).toContain('not a backup');
  expect(w).toContain('--dump');
  expect(liveFilesWarning(m, true)).toContain('pg_dumpall dump was taken');
  const stopped = recogniseDatabase(container('postgres:16', [], 'exited'));
  expect(stopped && liveFilesWarning(stopped, false)).toContain('stopped');
});
