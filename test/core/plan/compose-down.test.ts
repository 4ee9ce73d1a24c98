/**
 * `planComposeDown` on snapshots recorded from a real engine (Docker 26.1.5 + Compose v2.26.1;
 * test/fixtures/compose/README.md). Each fixture holds one Compose situation, read by `readSnapshot` through the real
 * adapter, and the Compose project `src/compose/load.ts` loaded for each command line (file mode or label mode).
 * Anonymous volumes have random names, so expectations name them by the mount: `@db-1:/scratch` is the volume that
 * container `<project>-db-1` mounts at /scratch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type ComposeDownCommand, parseDockerCommand } from '../../../src/core/command-line.js';
import type { ComposeProject } from '../../../src/core/compose-model.js';
import type { Snapshot } from '../../../src/core/model.js';
import { INHERITED_REASON, planComposeDown } from '../../../src/core/plan/compose.js';
import type { PlanBody as Plan } from '../../../src/core/plan/types.js';

interface Fixture {
  readonly recordedWith: { readonly engine: string; readonly compose: string };
  readonly situation: string;
  readonly commands: Readonly<Record<string, ComposeProject | { readonly error: string }>>;
  readonly snapshot: Snapshot;
}

const dir = join(import.meta.dirname, '../../fixtures/compose');
const fixtures = new Map<string, Fixture>(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const fx = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture;
      return [fx.situation, fx];
    }),
);

function fixture(situation: string): Fixture {
  const fx = fixtures.get(situation);
  if (!fx) throw new Error(`no fixture ${situation}.json`);
  return fx;
}

/** Plans `line` against the recorded situation, with the project loaded for that exact line at recording time. */
function plan(situation: string, line: string): Plan {
  const fx = fixture(situation);
  const project = fx.commands[line];
  if (!project) throw new Error(`${situation}.json recorded no project for "${line}"`);
  if ('error' in project) throw new Error(`loading failed at recording time: ${project.error}`);
  const parsed = parseDockerCommand(line.split(' ')) as ComposeDownCommand;
  expect(parsed.kind).toBe('compose-down');
  return planComposeDown(fx.snapshot, parsed, { compose: recordedWith(fx, project) });
}

/** The project as loaded at recording time, with the Compose version that recorded it (older fixtures lack it). */
function recordedWith(fx: Fixture, project: ComposeProject): ComposeProject {
  const composeVersion = fx.recordedWith.compose.split('-')[0] as string;
  if (project.mode === 'labels') return { ...project, composeVersion: project.composeVersion ?? composeVersion };
  return {
    ...project,
    model: {
      ...project.model,
      source: project.model.source ?? 'builtin',
      composeVersion: project.model.composeVersion ?? composeVersion,
    },
  };
}

/** `@svc-1:/dest` → the name of the volume `<situation>-svc-1` mounts at /dest; other names unchanged. */
function resolveName(situation: string, ref: string): string {
  const m = /^@([^:]+):(.+)$/.exec(ref);
  if (!m) return ref;
  const [, short, dest] = m;
  const full = `${situation}-${short}`;
  const c = fixture(situation).snapshot.containers.find((x) => x.name === full);
  const name = c?.mounts.find((x) => x.destination === dest)?.name;
  if (!name) throw new Error(`${situation}: no container ${full} with a volume at ${dest}`);
  return name;
}

interface Expect {
  readonly destroy: { containers: string[]; volumes: string[]; networks: string[] };
  readonly orphan: string[];
  readonly keep: { containers?: string[]; volumes?: string[]; networks?: string[] };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

function check(situation: string, p: Plan, e: Expect): void {
  const n = (xs: readonly string[]) => sorted(xs.map((x) => resolveName(situation, x)));
  const pre = (xs: readonly string[]) => sorted(xs.map((x) => (x.startsWith('@') ? x : `${situation}${x}`)));
  expect(p.blocked).toBeNull();
  expect(sorted(p.destroy.containers.map((c) => c.name))).toEqual(pre(e.destroy.containers));
  expect(sorted(p.destroy.volumes.map((v) => v.name))).toEqual(n(pre(e.destroy.volumes)));
  expect(sorted(p.destroy.networks.map((x) => x.name))).toEqual(pre(e.destroy.networks));
  expect(sorted(p.orphan.volumes.map((v) => v.name))).toEqual(n(pre(e.orphan)));
  expect(sorted(p.keep.containers.map((c) => c.name))).toEqual(pre(e.keep.containers ?? []));
  expect(sorted(p.keep.volumes.map((v) => v.name))).toEqual(n(pre(e.keep.volumes ?? [])));
  expect(sorted(p.keep.networks.map((x) => x.name))).toEqual(pre(e.keep.networks ?? []));
  expect(p.destroy.images).toEqual([]);
}

test('the fixtures were recorded on the modern engine with Compose v2.26.1', () => {
  expect(fixtures.size).toBeGreaterThanOrEqual(9);
  for (const fx of fixtures.values()) {
    expect(fx.recordedWith.engine).toMatch(/^26\.1\.5/);
    expect(fx.recordedWith.compose).toMatch(/^2\.26\.1/);
  }
});

// Suffixes are appended to the situation name: `-db-1` → `fresh-db-1`, `_dbdata` → `fresh_dbdata`.
const db = ['@db-1:/scratch', '@db-1:/data'];
describe.each<[string, string, Expect]>([
  [
    'fresh',
    'docker compose down',
    {
      destroy: { containers: ['-db-1', '-web-1', '-side-1'], volumes: [], networks: ['_default'] },
      orphan: [...db, '@web-1:/data', '_dbdata'],
      keep: {},
    },
  ],
  [
    'fresh',
    'docker compose down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-side-1'],
        volumes: [...db, '@web-1:/data', '_dbdata'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    'fresh',
    'docker compose -f compose.yaml down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-side-1'],
        volumes: [...db, '@web-1:/data', '_dbdata'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    // File mode: only db (the model is reduced to db and its dependencies); the network is still in use by web.
    'fresh',
    'docker compose down -v db',
    {
      destroy: { containers: ['-db-1'], volumes: [...db, '_dbdata'], networks: [] },
      orphan: [],
      keep: { containers: ['-web-1', '-side-1'], networks: ['_default'] },
    },
  ],
  [
    'fresh',
    'docker compose down -v web',
    {
      destroy: { containers: ['-web-1'], volumes: ['@web-1:/data'], networks: [] },
      orphan: [],
      keep: { containers: ['-db-1', '-side-1'], volumes: ['_dbdata'], networks: ['_default'] },
    },
  ],
  [
    'fresh',
    'docker compose -p fresh down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-side-1'],
        volumes: [...db, '@web-1:/data', '_dbdata'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    // Label mode: db and its dependent web; the stopped side survives but loses its network.
    'fresh',
    'docker compose -p fresh down -v db',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: ['_default'] },
      orphan: [],
      keep: { containers: ['-side-1'] },
    },
  ],
  [
    'recreate',
    'docker compose down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: ['_dbdata'], networks: ['_default'] },
      orphan: [...db, '@web-1:/data'],
      keep: {},
    },
  ],
  [
    'recreate',
    'docker compose -p recreate down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: ['_dbdata'], networks: ['_default'] },
      orphan: [...db, '@web-1:/data'],
      keep: {},
    },
  ],
  [
    'profiles',
    'docker compose down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: [] },
      orphan: [],
      keep: { containers: ['-tool-1'], volumes: ['_toolvol'], networks: ['_default'] },
    },
  ],
  [
    'profiles',
    'docker compose down -v --remove-orphans',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: [] },
      orphan: [],
      keep: { containers: ['-tool-1'], volumes: ['_toolvol'], networks: ['_default'] },
    },
  ],
  [
    'profiles',
    'docker compose --profile tools down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-tool-1'],
        volumes: [...db, '@web-1:/data', '_dbdata', '_toolvol'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    // Label mode knows no profiles: every labelled container and volume goes.
    'profiles',
    'docker compose -p profiles down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-tool-1'],
        volumes: [...db, '@web-1:/data', '_dbdata', '_toolvol'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    'oneoff',
    'docker compose down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: [] },
      orphan: [],
      keep: { containers: ['-run1'], networks: ['_default'] },
    },
  ],
  [
    'oneoff',
    'docker compose down -v --remove-orphans',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-run1'],
        volumes: [...db, '@web-1:/data', '@run1:/data', '_dbdata'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    'orphan',
    'docker compose down',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [], networks: [] },
      orphan: [...db, '@web-1:/data', '_dbdata'],
      keep: { containers: ['-old-1'], networks: ['_default'] },
    },
  ],
  [
    'orphan',
    'docker compose down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: [] },
      orphan: [],
      keep: { containers: ['-old-1'], networks: ['_default'] },
    },
  ],
  [
    'orphan',
    'docker compose down -v --remove-orphans',
    {
      destroy: {
        containers: ['-db-1', '-web-1', '-old-1'],
        volumes: [...db, '@web-1:/data', '_dbdata'],
        networks: ['_default'],
      },
      orphan: ['@old-1:/oldscratch', '@old-1:/data'],
      keep: {},
    },
  ],
  [
    'external',
    'docker compose down',
    {
      destroy: { containers: ['-app-1'], volumes: [], networks: ['_default'] },
      orphan: ['-ext', '-custom'],
      keep: {},
    },
  ],
  [
    'external',
    'docker compose down -v',
    {
      destroy: { containers: ['-app-1'], volumes: ['-custom'], networks: ['_default'] },
      orphan: ['-ext'],
      keep: {},
    },
  ],
  [
    'stale',
    'docker compose down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: ['_default'] },
      orphan: [],
      keep: { volumes: ['_old', '_x'] },
    },
  ],
  [
    // -p with -f is file mode with an explicit name: the stale labelled volumes stay.
    'stale',
    'docker compose -p stale -f compose.yaml down -v',
    {
      destroy: { containers: ['-db-1', '-web-1'], volumes: [...db, '@web-1:/data', '_dbdata'], networks: ['_default'] },
      orphan: [],
      keep: { volumes: ['_old', '_x'] },
    },
  ],
  [
    // Label mode: every project-labelled volume, including one without a com.docker.compose.volume key.
    'stale',
    'docker compose -p stale down -v',
    {
      destroy: {
        containers: ['-db-1', '-web-1'],
        volumes: [...db, '@web-1:/data', '_dbdata', '_old', '_x'],
        networks: ['_default'],
      },
      orphan: [],
      keep: {},
    },
  ],
  [
    // File mode with a removed dependency: the file still knows db, so nothing blocks.
    'missingdep',
    'docker compose down',
    {
      destroy: { containers: ['-web-1'], volumes: [], networks: ['_default'] },
      orphan: ['@web-1:/data'],
      keep: {},
    },
  ],
])('%s: %s', (situation, line, e) => {
  test('destroy, orphan and keep', () => check(situation, plan(situation, line), e));
});

describe('reasons and warnings', () => {
  test('label mode says why; file mode does not', () => {
    expect(plan('fresh', 'docker compose -p fresh down -v').warnings[0]).toBe(
      'label mode: -p without -f: Compose ignores any compose file and finds the project by its labels',
    );
    expect(plan('fresh', 'docker compose down -v').warnings).toEqual([]);
    expect(fixture('stale').commands['docker compose -p stale -f compose.yaml down -v']).toMatchObject({
      mode: 'file',
      model: { name: 'stale' },
    });
  });

  test('down -v: anonymous volumes and declared volumes give their reasons', () => {
    const p = plan('fresh', 'docker compose down -v');
    const scratch = resolveName('fresh', '@db-1:/scratch');
    expect(p.destroy.volumes.find((v) => v.name === scratch)).toMatchObject({
      anonymous: true,
      reason: 'anonymous volume of fresh-db-1; removed by -v',
    });
    expect(p.destroy.volumes.find((v) => v.name === 'fresh_dbdata')).toMatchObject({
      anonymous: false,
      reason: 'declared by project fresh (volumes.dbdata); removed by -v',
    });
    expect(p.destroy.containers.find((c) => c.name === 'fresh-db-1')?.reason).toBe(
      'service db of project fresh: stopped, then removed with its anonymous volumes',
    );
    expect(p.destroy.networks[0]?.reason).toBe('network of project fresh with no running container left');
  });

  test('down without -v: every volume whose last container goes is orphaned, with the reason', () => {
    for (const v of plan('fresh', 'docker compose down').orphan.volumes) {
      expect(v.reason).toBe('no container uses it after down (down without -v keeps volumes)');
    }
  });

  test('after a recreate, the inherited anonymous volumes are orphaned with INHERITED_REASON', () => {
    const p = plan('recreate', 'docker compose down -v');
    expect(p.orphan.volumes).toHaveLength(3);
    for (const v of p.orphan.volumes) expect(v.reason).toBe(INHERITED_REASON);
    // The recorded mount specs show why: Compose passed the old volume by name.
    const db1 = fixture('recreate').snapshot.containers.find((c) => c.name === 'recreate-db-1');
    expect(db1?.spec?.mounts.find((m) => m.target === '/scratch')?.source).toMatch(/^[0-9a-f]{64}$/);
  });

  test('profiles: the disabled service and its volume are kept with their reasons', () => {
    const p = plan('profiles', 'docker compose down -v --remove-orphans');
    expect(p.keep.containers[0]?.reason).toBe(
      'service tool is disabled by its profile; down keeps it (even with --remove-orphans)',
    );
    expect(p.keep.volumes[0]?.reason).toBe('declared but not used by an enabled service; down -v keeps it');
    expect(p.keep.networks[0]?.reason).toBe('still in use by profiles-tool-1');
  });

  test('one-off: kept without --remove-orphans, removed with its anonymous volume with it', () => {
    expect(plan('oneoff', 'docker compose down -v').keep.containers[0]?.reason).toBe(
      'one-off container (compose run); only --remove-orphans removes it',
    );
    const p = plan('oneoff', 'docker compose down -v --remove-orphans');
    expect(p.destroy.containers.find((c) => c.name === 'oneoff-run1')?.reason).toBe(
      'one-off container of service web of project oneoff: stopped, then removed with its anonymous volumes',
    );
  });

  test('orphan service: the warning Compose prints, and the reason its volumes are orphaned', () => {
    expect(plan('orphan', 'docker compose down -v').warnings).toEqual([
      'Found orphan containers (orphan-old-1) for this project. If you removed or renamed this service in your ' +
        'compose file, you can run this command with the --remove-orphans flag to clean it up.',
    ]);
    const p = plan('orphan', 'docker compose down -v --remove-orphans');
    expect(p.destroy.containers.find((c) => c.name === 'orphan-old-1')?.reason).toBe(
      'orphan: service old is not in the Compose model; --remove-orphans removes it without its volumes',
    );
    for (const v of p.orphan.volumes) {
      expect(v.reason).toBe(
        'its container orphan-old-1 is removed by --remove-orphans without RemoveVolumes, so -v leaves it',
      );
    }
  });

  test('external volume orphaned (never removed); a same-name pre-existing volume removed with a warning', () => {
    const p = plan('external', 'docker compose down -v');
    expect(p.warnings).toEqual([
      'declared volume external-custom was not created by Compose for this project; down -v removes it by name',
    ]);
    expect(p.orphan.volumes[0]?.reason).toBe('mounted by name, so -v leaves it; no container uses it after down');
    // `unused` is declared but used by no service: dropped by WithoutUnnecessaryResources (and it does not exist).
    expect(p.keep.volumes).toEqual([]);
  });

  test('stale labelled volumes: the file-mode reason', () => {
    const p = plan('stale', 'docker compose down -v');
    expect(p.keep.volumes.map((v) => v.reason)).toEqual([
      'labelled for project stale but no longer declared; down -v in file mode keeps it',
      'labelled for project stale but no longer declared; down -v in file mode keeps it',
    ]);
  });

  test('label mode with a dependency that has no container left: blocked, nothing destroyed', () => {
    const p = plan('missingdep', 'docker compose -p missingdep down');
    expect(p.blocked?.reason).toBe(
      'docker compose would fail with "could not find db: not found": in label mode service web depends on db, ' +
        'which has no container left',
    );
    expect(p.destroy).toEqual({ containers: [], volumes: [], networks: [], images: [] });
  });

  test('label mode, a dependency without a container on Compose >= 2.27.0: dropped, the rest goes down', () => {
    const fx = fixture('missingdep');
    const parsed = parseDockerCommand('docker compose -p missingdep down'.split(' ')) as ComposeDownCommand;
    const project = fx.commands['docker compose -p missingdep down'] as Extract<ComposeProject, { mode: 'labels' }>;
    const p = planComposeDown(fx.snapshot, parsed, { compose: { ...project, composeVersion: '2.40.3' } });
    expect(p.blocked).toBeNull();
    expect(p.destroy.containers.map((c) => c.name)).toEqual(['missingdep-web-1']);
  });

  test('label mode, SERVICE that has no container, Compose 2.26.1: the whole project goes, with a warning', () => {
    const fx = fixture('fresh');
    const parsed = parseDockerCommand('docker compose -p fresh down nope'.split(' ')) as ComposeDownCommand;
    const project = fx.commands['docker compose -p fresh down -v'] as Extract<ComposeProject, { mode: 'labels' }>;
    const p = planComposeDown(fx.snapshot, parsed, { compose: { ...project, composeVersion: '2.26.1' } });
    expect(sorted(p.destroy.containers.map((c) => c.name))).toEqual(['fresh-db-1', 'fresh-side-1', 'fresh-web-1']);
    expect(p.warnings).toContain(
      'no container of nope exists in project fresh; without a Compose file, Compose then takes down the WHOLE project',
    );
  });

  test('label mode, SERVICE that has no container, Compose >= 2.30.0: nothing happens', () => {
    const fx = fixture('fresh');
    const parsed = parseDockerCommand('docker compose -p fresh down nope'.split(' ')) as ComposeDownCommand;
    const project = fx.commands['docker compose -p fresh down -v'] as Extract<ComposeProject, { mode: 'labels' }>;
    const p = planComposeDown(fx.snapshot, parsed, { compose: { ...project, composeVersion: '2.40.3' } });
    expect(p.destroy).toEqual({ containers: [], volumes: [], networks: [], images: [] });
    expect(p.warnings).toContain('Any of the services [nope] not running in project "fresh": Compose does nothing');
  });

  test('one-off containers of a known service not taken down: orphans by their service (2.26.1), by their state (>= 2.29.0)', () => {
    const fx = fixture('oneoff');
    const parsed = parseDockerCommand('docker compose down --remove-orphans db'.split(' ')) as ComposeDownCommand;
    const base = fx.commands['docker compose down -v'] as Extract<ComposeProject, { mode: 'file' }>;
    const at = (composeVersion: string, state: 'running' | 'exited') =>
      planComposeDown(
        {
          ...fx.snapshot,
          containers: fx.snapshot.containers.map((c) => (c.name === 'oneoff-run1' ? { ...c, state } : c)),
        },
        parsed,
        {
          compose: {
            mode: 'file',
            // What `config --format json db` prints: db alone; web is known but not acted on.
            model: {
              ...base.model,
              services: base.model.services.filter((x) => x.name === 'db'),
              disabledServices: base.model.services.filter((x) => x.name !== 'db'),
              source: 'compose',
              composeVersion,
            },
          },
        },
      );
    const removed = (p: Plan) => p.destroy.containers.map((c) => c.name).includes('oneoff-run1');
    expect(removed(at('2.26.1', 'running'))).toBe(false);
    expect(removed(at('2.26.1', 'exited'))).toBe(false);
    expect(removed(at('2.40.3', 'exited'))).toBe(true);
    const now = at('2.40.3', 'running');
    expect(removed(now)).toBe(false);
    expect(now.keep.containers.find((c) => c.name === 'oneoff-run1')?.reason).toBe(
      'running one-off container of service web: Compose 2.40.3 removes one-offs only once exited',
    );
  });

  test('without a loaded project the planner falls back to label mode with -p', () => {
    const fx = fixture('fresh');
    const parsed = parseDockerCommand('docker compose -p FRESH down'.split(' ')) as ComposeDownCommand;
    const p = planComposeDown(fx.snapshot, parsed);
    expect(sorted(p.destroy.containers.map((c) => c.name))).toEqual(['fresh-db-1', 'fresh-side-1', 'fresh-web-1']);
    expect(p.command).toEqual(['docker', 'compose', '-p', 'FRESH', 'down']);
  });

  test('docker-compose spelling: the same plan, the command kept as typed', () => {
    const fx = fixture('fresh');
    const parsed = parseDockerCommand(['docker-compose', 'down', '-v']) as ComposeDownCommand;
    expect(parsed.tool).toBe('docker-compose');
    const p = planComposeDown(fx.snapshot, parsed, {
      compose: fx.commands['docker compose down -v'] as ComposeProject,
    });
    expect(p.command).toEqual(['docker-compose', 'down', '-v']);
    expect(p.destroy).toEqual(plan('fresh', 'docker compose down -v').destroy);
  });
});

describe('label mode: two volumes sharing the com.docker.compose.volume key', () => {
  // Compose keys label-mode volumes by that label, so only one of the pair is removed: the last one the engine
  // lists. The engine lists volumes in Go map order, which varies between calls (seen on 26.1.5: three orders in
  // 30 calls), so the plan cannot know which; it picks the last by name, whatever the snapshot's order.
  const fx = fixture('keycollide');
  const parsed = parseDockerCommand('docker compose -p keycollide down -v'.split(' ')) as ComposeDownCommand;
  const compose = fx.commands['docker compose -p keycollide down -v'] as ComposeProject;

  test.each([
    ['as recorded', fx.snapshot.volumes],
    ['reversed', [...fx.snapshot.volumes].reverse()],
  ])('one of the pair is destroyed, the other kept, with a warning (%s)', (_, volumes) => {
    const p = planComposeDown({ ...fx.snapshot, volumes }, parsed, { compose });
    expect(p.destroy.volumes.map((v) => v.name)).toEqual(['keycollide_data2']);
    expect(p.keep.volumes).toEqual([
      expect.objectContaining({
        name: 'keycollide_data',
        reason:
          'shares the Compose key "data" with keycollide_data2: Compose removes only one of them, not predictably which',
      }),
    ]);
    expect(p.warnings).toContain(
      'volumes keycollide_data, keycollide_data2 share the Compose key "data": docker compose down -v removes only ' +
        "ONE of them, and which one depends on the engine's volume list order, which varies between calls; shown: " +
        'keycollide_data2 destroyed (back up all of them)',
    );
    expect(p.destroy.containers.map((c) => c.name)).toEqual(['keycollide-app-1']);
  });

  test('file mode ignores both (neither is declared)', () => {
    const p = planComposeDown(
      fx.snapshot,
      parseDockerCommand('docker compose down -v'.split(' ')) as ComposeDownCommand,
      { compose: fx.commands['docker compose down -v'] as ComposeProject },
    );
    expect(p.destroy.volumes).toEqual([]);
    expect(p.keep.volumes.map((v) => v.name).sort()).toEqual(['keycollide_data', 'keycollide_data2']);
  });
});
