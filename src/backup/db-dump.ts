/**
 * Database containers: recognising them (pure), and their own dump tool, run only on explicit request.
 *
 * A copy of a live database's files is not a backup: the server keeps pages in memory and writes its files
 * continuously, so a file-by-file copy taken while it runs mixes states from different moments and may not
 * start, or silently lose the last transactions. The database's own dump tool reads one consistent snapshot.
 */
import type { ContainerInfo } from '../core/model.js';

export type DatabaseKind = 'postgres' | 'mysql' | 'mariadb' | 'mongo' | 'redis';

export interface DatabaseMatch {
  readonly kind: DatabaseKind;
  readonly container: { readonly id: string; readonly name: string; readonly state: string };
  /** How it was recognised, e.g. `image postgres:16, volume at /var/lib/postgresql/data`. */
  readonly why: string;
  /** The dump command, run with `sh -c` so the image's own environment (user, password) is used. */
  readonly command: readonly string[];
  /** File extension of the dump, before `.gz`. */
  readonly ext: string;
}

interface Signature {
  readonly kind: DatabaseKind;
  readonly image: RegExp;
  readonly dataDirs: readonly string[];
  readonly script: string;
  readonly ext: string;
}

/** Image names match on the last path component of the repository (`library/postgres`, `bitnami/postgresql`). */
const SIGNATURES: readonly Signature[] = [
  {
    kind: 'postgres',
    image: /^(postgres|postgresql|postgis|timescaledb(-ha)?|pgvector)$/,
    dataDirs: ['/var/lib/postgresql/data', '/var/lib/postgresql', '/bitnami/postgresql'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, run by sh -c
    script: 'exec pg_dumpall -U "${POSTGRES_USER:-postgres}"',
    ext: 'sql',
  },
  {
    kind: 'mariadb',
    image: /^mariadb$/,
    dataDirs: ['/var/lib/mysql', '/bitnami/mariadb'],
    script:
      'if command -v mariadb-dump >/dev/null; then d=mariadb-dump; else d=mysqldump; fi; ' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, run by sh -c
      'exec $d --all-databases --single-transaction --routines --events -uroot -p"${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"',
    ext: 'sql',
  },
  {
    kind: 'mysql',
    image: /^(mysql|percona|percona-server)$/,
    dataDirs: ['/var/lib/mysql', '/bitnami/mysql'],
    script: 'exec mysqldump --all-databases --single-transaction --routines --events -uroot -p"$MYSQL_ROOT_PASSWORD"',
    ext: 'sql',
  },
  {
    kind: 'mongo',
    image: /^(mongo|mongodb(-community-server)?)$/,
    dataDirs: ['/data/db', '/bitnami/mongodb'],
    script:
      'if [ -n "$MONGO_INITDB_ROOT_USERNAME" ]; then exec mongodump --archive -u "$MONGO_INITDB_ROOT_USERNAME" ' +
      '-p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin; else exec mongodump --archive; fi',
    ext: 'archive',
  },
  {
    kind: 'redis',
    image: /^(redis|redis-stack-server|valkey|keydb)$/,
    dataDirs: ['/data', '/bitnami/redis/data'],
    script: 'exec redis-cli --rdb /dev/stdout',
    ext: 'rdb',
  },
];

/** `registry:5000/library/postgres:16-alpine@sha256:…` → `postgres`. */
export function imageBaseName(image: string): string {
  const noDigest = image.split('@')[0] ?? '';
  const last = noDigest.split('/').pop() ?? '';
  return (last.split(':')[0] ?? '').toLowerCase();
}

/**
 * Recognises a database container by its image name and by the data directories of its mounts. An image match
 * alone is enough; a data-directory match alone is enough for the directories no other software uses (the
 * generic `/data` of redis needs the image too).
 */
export function recogniseDatabase(c: ContainerInfo): DatabaseMatch | null {
  const base = imageBaseName(c.image);
  const dests = c.mounts.map((m) => m.destination);
  for (const sig of SIGNATURES) {
    const byImage = sig.image.test(base);
    const dir = sig.dataDirs.find((d) => dests.includes(d) && (d !== '/data' || byImage));
    if (!byImage && !dir) continue;
    const why = [byImage ? `image ${c.image}` : null, dir ? `volume at ${dir}` : null].filter(Boolean).join(', ');
    return {
      kind: sig.kind,
      container: { id: c.id, name: c.name, state: c.state },
      why,
      command: ['sh', '-c', sig.script],
      ext: sig.ext,
    };
  }
  return null;
}

const TOOL: Record<DatabaseKind, string> = {
  postgres: 'pg_dumpall',
  mysql: 'mysqldump',
  mariadb: 'mariadb-dump',
  mongo: 'mongodump --archive',
  redis: 'redis-cli --rdb',
};

/** The warning printed beside a file backup of a database's data. */
export function liveFilesWarning(m: DatabaseMatch, dumped: boolean): string {
  const running = m.container.state === 'running' || m.container.state === 'paused';
  const head = `${m.container.name} is a ${m.kind} database (${m.why}).`;
  const why = running
    ? 'It is running: a copy of its files taken now is not a backup, because the server writes them ' +
      'continuously and a file-by-file copy mixes moments (it may not start, or lose recent transactions).'
    : 'It is stopped, so its files are consistent, but only this exact server version can read them.';
  const offer = dumped
    ? `A ${TOOL[m.kind]} dump was taken beside the file archive.`
    : running
      ? `Add --dump to also take a ${TOOL[m.kind]} dump (runs ${TOOL[m.kind]} inside ${m.container.name}).`
      : `Start it and run lastlook backup --dump ${m.container.name} for a ${TOOL[m.kind]} dump.`;
  return `${head} ${why} ${offer}`;
}
