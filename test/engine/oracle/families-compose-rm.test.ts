/**
 * Plan oracle for `docker compose rm [-s] [-v] [-f] [SERVICE...]` (issue 10) on the shared current (28.5.2,
 * Compose 2.40.3) and modern (26.1.5, Compose 2.26.1) engines: compose rm is not a prune, so each scenario compares
 * only its own project's objects (`prefixScope`). Both of lastlook's Compose paths (Compose's own model and the
 * built-in loader) must reach the verdict the real command has.
 * Run: npx vitest run --project engine test/engine/oracle/families-compose-rm.test.ts
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { given } from '../given.js';
import { compose as composeSetup, prefix } from '../harness.js';
import { composeOracle, planned, projectDir } from './compose-helpers.js';
import { prefixScope } from './oracle.js';

const composeEngines = inject('allEngines')
  .filter((e) => e.kind !== 'legacy')
  .map((e) => [e.kind, e] as const);
const volumeImage = 'lltest/busybox-vol:1';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** db (anonymous /scratch, image VOLUME /data, named dbdata), web (image VOLUME /data), and optionally old. */
function project(p: string, withOld: boolean): string {
  const svc = (name: string, extra = '') => `  ${name}:
    image: ${volumeImage}
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
${extra}`;
  return `name: ${p}
services:
${svc('db', '    volumes:\n      - /scratch\n      - dbdata:/var/db\n')}${svc('web')}${withOld ? svc('old') : ''}volumes:
  dbdata:
networks:
  default:
    ipam:
      config:
        - subnet: 10.${40 + Math.floor(Math.random() * 20)}.${Math.floor(Math.random() * 250)}.0/24
`;
}

describe.each(composeEngines)('compose rm oracle on the %s engine', (_kind, engine) => {
  test('stopped service containers only; -v their anonymous volumes; one-offs and orphans stay; label mode takes orphans; -s stops first', async () => {
    const p = prefix('crm');
    const cwd = projectDir({ 'compose.yaml': project(p, true) });
    dirs.push(cwd);
    const compose = (args: readonly string[]) => composeSetup(engine, args, { cwd });
    await compose(['up', '-d']);
    await compose(['stop', 'web', 'old']);
    await compose(['run', '-d', '--name', `${p}-oneoff`, 'web', 'true']);
    // old leaves the file: its stopped container is now an orphan.
    writeFileSync(join(cwd, 'compose.yaml'), project(p, false));
    const scope = prefixScope(p);

    // File mode, -v: the stopped web goes with its anonymous /data volume; running db, the orphan and the one-off stay.
    const v = await composeOracle(engine, { cwd, argv: ['docker', 'compose', 'rm', '-f', '-v'], scope });
    expect(planned(v.plan).containers).toEqual([`${p}-web-1`]);
    expect(planned(v.plan).volumes).toHaveLength(1);
    const kept = v.plan.keep.containers.map((c) => c.name).sort();
    expect(kept).toEqual([`${p}-db-1`, `${p}-old-1`, `${p}-oneoff`]);

    // Label mode (-p without -f): the project is what the labels say, so the orphan goes; without -v its volume stays.
    const l = await composeOracle(engine, { cwd, argv: ['docker', 'compose', '-p', p, 'rm', '-f'], scope });
    expect(planned(l.plan).containers).toEqual([`${p}-old-1`]);
    expect(planned(l.plan).orphanVolumes).toHaveLength(1);

    // -s -v db: stopped first, then removed with /scratch and the image /data volume; the named volume is orphaned.
    const s = await composeOracle(engine, { cwd, argv: ['docker', 'compose', 'rm', '-s', '-v', '-f', 'db'], scope });
    expect(planned(s.plan).containers).toEqual([`${p}-db-1`]);
    expect(planned(s.plan).volumes).toHaveLength(2);
    expect(planned(s.plan).orphanVolumes).toEqual([`${p}_dbdata`]);
    await compose(['down', '-v']);
    await given(engine, ['rm', '-f', `${p}-oneoff`]);
  }, 300_000);
});
