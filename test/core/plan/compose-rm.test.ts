/**
 * `planComposeRm` on the Compose snapshots recorded from Docker 26.1.5 + Compose 2.26.1 (test/fixtures/compose/,
 * README there): the project loaded for `docker compose down` at recording time is the project `compose rm` loads
 * (the same ToProject, no SERVICE). Every container of these recordings runs; `-s` stops them first. The oracle
 * (test/engine/oracle/families-compose-rm.test.ts) shows the engine and Compose 2.26.1 / 2.40.3 agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ComposeProject } from '../../../src/core/compose-model.js';
import type { Snapshot } from '../../../src/core/model.js';
import { planComposeRm } from '../../../src/core/plan/compose-rm.js';

interface Fixture {
  readonly commands: Readonly<Record<string, ComposeProject>>;
  readonly snapshot: Snapshot;
}

const load = (situation: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/compose', `${situation}.json`), 'utf8')) as Fixture;

const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).sort();
const volumeAt = (s: Snapshot, container: string, dst: string) =>
  s.containers.find((c) => c.name === container)?.mounts.find((m) => m.destination === dst)?.name as string;

function rm(situation: string, flags: { stop?: boolean; volumes?: boolean; label?: boolean; services?: string[] }) {
  const fx = load(situation);
  const project = flags.label ? null : (fx.commands['docker compose down -v'] as ComposeProject);
  return planComposeRm(
    fx.snapshot,
    {
      projectName: flags.label ? situation : null,
      stop: flags.stop ?? false,
      volumes: flags.volumes ?? false,
      services: flags.services ?? [],
      argv: ['docker', 'compose', 'rm'],
    },
    project ? { compose: project } : {},
  );
}

describe('compose rm on the recorded orphan project (db, web running; old running, no longer in the file)', () => {
  const s = load('orphan').snapshot;

  test('without -s nothing is stopped, so nothing goes', () => {
    const p = rm('orphan', { volumes: true });
    expect(p.destroy.containers).toEqual([]);
    expect(p.warnings).toContain('No stopped containers: compose rm removes nothing');
    expect(p.keep.containers.find((c) => c.name === 'orphan-db-1')?.reason).toMatch(/stopped containers only/);
  });

  test('file mode -s -v: the services go with their anonymous volumes; the orphan stays; the named volume is orphaned', () => {
    const p = rm('orphan', { stop: true, volumes: true });
    expect(names(p.destroy.containers)).toEqual(['orphan-db-1', 'orphan-web-1']);
    expect(names(p.destroy.volumes)).toEqual(
      [
        volumeAt(s, 'orphan-db-1', '/scratch'),
        volumeAt(s, 'orphan-db-1', '/data'),
        volumeAt(s, 'orphan-web-1', '/data'),
      ].sort(),
    );
    expect(names(p.orphan.volumes)).toEqual(['orphan_dbdata']);
    expect(p.keep.containers.find((c) => c.name === 'orphan-old-1')?.reason).toMatch(/not an active service/);
  });

  test('label mode -s: the orphan goes too; without -v every volume is orphaned', () => {
    const p = rm('orphan', { stop: true, label: true });
    expect(names(p.destroy.containers)).toEqual(['orphan-db-1', 'orphan-old-1', 'orphan-web-1']);
    expect(p.destroy.volumes).toEqual([]);
    expect(p.orphan.volumes.length).toBeGreaterThan(3);
  });

  test('a SERVICE: only its containers', () => {
    expect(names(rm('orphan', { stop: true, services: ['web'] }).destroy.containers)).toEqual(['orphan-web-1']);
  });
});

test('compose rm -s never takes a one-off (compose run) container', () => {
  const p = rm('oneoff', { stop: true, volumes: true });
  expect(names(p.destroy.containers)).toEqual(['oneoff-db-1', 'oneoff-web-1']);
  expect(p.keep.containers.find((c) => c.name === 'oneoff-run1')?.reason).toMatch(/one-off/);
});
