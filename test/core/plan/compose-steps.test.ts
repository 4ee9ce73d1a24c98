/**
 * The steps of `planComposeDown` (src/core/plan/compose.ts), each on its own, on the recorded Compose situations
 * (Docker 26.1.5 + Compose v2.26.1, test/fixtures/compose/README.md): selection → containers → volumes (anonymous,
 * declared in file mode, labelled in label mode) → networks → images. Anonymous volumes are named by their mount:
 * `@db-1:/scratch` is the volume `<situation>-db-1` mounts at /scratch.
 */
import { describe, expect, test } from 'vitest';
import type { ComposeModel } from '../../../src/core/compose-model.js';
import {
  anonymousVolumes,
  type DownSelection,
  declaredVolumes,
  downContainers,
  downImages,
  downNetworks,
  downSelection,
  downVolumes,
  labelledVolumes,
} from '../../../src/core/plan/compose.js';
import { composeCommand, composeFixture, recordedProject } from './compose-fixtures.js';

function setup(situation: string, line: string) {
  const fx = composeFixture(situation);
  const cmd = composeCommand(line);
  const sel = downSelection(fx.snapshot, cmd, recordedProject(fx, line));
  /** `@db-1:/scratch` → that anonymous volume's name; `-web-1` → `<situation>-web-1`; `_dbdata` likewise. */
  const name = (ref: string) => {
    const m = /^@([^:]+):(.+)$/.exec(ref);
    if (!m) return `${situation}${ref}`;
    const c = fx.snapshot.containers.find((x) => x.name === `${situation}-${m[1]}`);
    const v = c?.mounts.find((x) => x.destination === m[2])?.name;
    if (!v) throw new Error(`${situation}: no volume at ${ref}`);
    return v;
  };
  const names = (refs: readonly string[]) => refs.map(name).sort();
  return { fx, cmd, sel, names };
}

function selection(situation: string, line: string): ReturnType<typeof setup> & { sel: DownSelection } {
  const s = setup(situation, line);
  if (s.sel.kind !== 'selection') throw new Error(`${situation} "${line}": ${s.sel.kind}`);
  return s as ReturnType<typeof setup> & { sel: DownSelection };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('selection', () => {
  test.each<[string, string, string[], string[]]>([
    // [situation, command line, acting services, known services]
    ['fresh', 'docker compose down -v', ['db', 'side', 'web'], ['db', 'side', 'web']],
    // file mode: the named service only (web depends on db, not the other way round)
    ['fresh', 'docker compose down -v db', ['db'], ['db', 'side', 'web']],
    // label mode: the named service and its dependents, read from the labels (WithRootNodesAndDown)
    ['fresh', 'docker compose -p fresh down -v db', ['db', 'web'], ['db', 'side', 'web']],
    // a disabled profile's service is known (not an orphan) but not acted on
    ['profiles', 'docker compose down -v', ['db', 'web'], ['db', 'tool', 'web']],
    ['profiles', 'docker compose --profile tools down -v', ['db', 'tool', 'web'], ['db', 'tool', 'web']],
    // a service removed from the file is neither
    ['orphan', 'docker compose down', ['db', 'web'], ['db', 'web']],
  ])('%s: %s acts on %j', (situation, line, acting, known) => {
    const { sel } = selection(situation, line);
    expect(sorted(sel.acting)).toEqual(acting);
    expect(sorted(sel.known)).toEqual(known);
  });

  test('label mode says so; a dependency with no container left blocks it (Compose 2.26 fails)', () => {
    expect(selection('fresh', 'docker compose -p fresh down -v').sel.warnings[0]).toMatch(/^label mode: /);
    const { sel } = setup('missingdep', 'docker compose -p missingdep down');
    expect(sel.kind).toBe('blocked');
    expect(sel.kind === 'blocked' && sel.reason).toMatch(/could not find db: not found/);
  });
});

describe('containers', () => {
  test.each<[string, string, string[], string[], boolean]>([
    // [situation, line, removed (+v: with RemoveVolumes), kept, "Found orphan containers" warning]
    ['fresh', 'docker compose down', ['-db-1', '-side-1', '-web-1'], [], false],
    ['fresh', 'docker compose down -v web', ['-web-1+v'], ['-db-1', '-side-1'], false],
    ['oneoff', 'docker compose down -v', ['-db-1+v', '-web-1+v'], ['-run1'], false],
    // a one-off of an acting service goes with --remove-orphans, with the service's -v
    ['oneoff', 'docker compose down -v --remove-orphans', ['-db-1+v', '-run1+v', '-web-1+v'], [], false],
    ['orphan', 'docker compose down -v', ['-db-1+v', '-web-1+v'], ['-old-1'], true],
    // an orphan goes without its volumes, even under -v
    ['orphan', 'docker compose down -v --remove-orphans', ['-db-1+v', '-old-1', '-web-1+v'], [], false],
    // a profile-disabled service stays even with --remove-orphans
    ['profiles', 'docker compose down -v --remove-orphans', ['-db-1+v', '-web-1+v'], ['-tool-1'], false],
  ])('%s: %s', (situation, line, removed, kept, warns) => {
    const { sel, cmd } = selection(situation, line);
    const r = downContainers(sel, cmd);
    const short = (n: string) => n.slice(situation.length);
    expect(sorted(r.removals.map((x) => `${short(x.container.name)}${x.withVolumes ? '+v' : ''}`))).toEqual(removed);
    expect(sorted(r.keep.map((k) => short(k.container.name)))).toEqual(kept);
    expect(r.warnings.some((w) => w.startsWith('Found orphan containers'))).toBe(warns);
  });
});

describe('volumes', () => {
  const db = ['@db-1:/scratch', '@db-1:/data'];
  test.each<[string, string, string[], string[], string[]]>([
    // [situation, line, destroyed, kept, orphaned]
    ['fresh', 'docker compose down', [], [], [...db, '@web-1:/data', '_dbdata']],
    ['fresh', 'docker compose down -v', [...db, '@web-1:/data', '_dbdata'], [], []],
    // web's anonymous volume goes; dbdata is db's too, which stays
    ['fresh', 'docker compose down -v web', ['@web-1:/data'], ['_dbdata'], []],
    // recreated: the anonymous volumes were inherited by name, so -v leaves them
    ['recreate', 'docker compose down -v', ['_dbdata'], [], [...db, '@web-1:/data']],
    // file mode keeps what the file no longer declares; label mode removes every project-labelled volume
    ['stale', 'docker compose down -v', [...db, '@web-1:/data', '_dbdata'], ['_old', '_x'], []],
    ['stale', 'docker compose -p stale down -v', [...db, '@web-1:/data', '_dbdata', '_old', '_x'], [], []],
    // an orphan removed without RemoveVolumes orphans its anonymous volumes
    [
      'orphan',
      'docker compose down -v --remove-orphans',
      [...db, '@web-1:/data', '_dbdata'],
      [],
      ['@old-1:/oldscratch', '@old-1:/data'],
    ],
  ])('%s: %s', (situation, line, destroyed, kept, orphaned) => {
    const { fx, sel, cmd, names } = selection(situation, line);
    const r = downVolumes(fx.snapshot, sel, cmd, downContainers(sel, cmd).removals);
    expect(sorted(r.destroy.map((v) => v.volume.name))).toEqual(names(destroyed));
    expect(sorted(r.keep.map((v) => v.volume.name))).toEqual(names(kept));
    expect(sorted(r.orphan.map((v) => v.volume.name))).toEqual(names(orphaned));
  });

  test('anonymous step alone: only what RemoveVolumes takes; named volumes are left to the next step', () => {
    const { fx, sel, cmd, names } = selection('fresh', 'docker compose down -v');
    const acc = anonymousVolumes(fx.snapshot, sel, cmd, downContainers(sel, cmd).removals);
    expect(sorted(acc.destroy.keys())).toEqual(names([...db, '@web-1:/data']));
  });

  test('declared step (file mode): external volumes stay; a declared volume Compose did not create warns', () => {
    const { fx, sel, cmd } = selection('external', 'docker compose down -v');
    const acc = declaredVolumes(
      fx.snapshot,
      { name: sel.name, model: sel.model as ComposeModel },
      downContainers(sel, cmd).removals,
    );
    expect([...acc.destroy.keys()]).toEqual(['external-custom']);
    expect(acc.warnings).toEqual([
      'declared volume external-custom was not created by Compose for this project; down -v removes it by name',
    ]);
  });

  test('labelled step (label mode): two volumes with one Compose key: one shown destroyed, the other kept, a warning', () => {
    const { fx, sel, cmd } = selection('keycollide', 'docker compose -p keycollide down -v');
    const acc = labelledVolumes(fx.snapshot, sel, downContainers(sel, cmd).removals);
    expect([...acc.destroy.keys()]).toEqual(['keycollide_data2']);
    expect([...acc.keep.keys()]).toEqual(['keycollide_data']);
    expect(acc.warnings[0]).toMatch(/share the Compose key "data"/);
  });
});

describe('networks', () => {
  test.each<[string, string, string[], string[]]>([
    ['fresh', 'docker compose down', ['fresh_default'], []],
    // db stays running on the default network
    ['fresh', 'docker compose down -v web', [], ['fresh_default']],
    // the orphan stays running on it
    ['orphan', 'docker compose down', [], ['orphan_default']],
    ['orphan', 'docker compose down -v --remove-orphans', ['orphan_default'], []],
  ])('%s: %s', (situation, line, destroyed, kept) => {
    const { fx, sel, cmd } = selection(situation, line);
    const r = downNetworks(fx.snapshot, sel, downContainers(sel, cmd).removals);
    expect(r.destroy.map((n) => n.name)).toEqual(destroyed);
    expect(r.keep.map((n) => n.name)).toEqual(kept);
  });
});

describe('images', () => {
  test('without --rmi nothing is read', () => {
    const { fx, sel, cmd } = selection('fresh', 'docker compose down');
    expect(downImages(fx.snapshot, sel, cmd, [])).toEqual({ destroy: [], untag: [], warnings: [] });
  });

  /** The selection recorded for `recorded`, with the flags of `line` (the project does not depend on --rmi). */
  const images = (recorded: string, line: string) => {
    const { fx, sel } = selection('fresh', recorded);
    const cmd = composeCommand(line);
    return downImages(fx.snapshot, sel, cmd, downContainers(sel, cmd).removals);
  };

  test('--rmi all after every container goes: each service image is removed', () => {
    const r = images('docker compose down', 'docker compose down --rmi all');
    expect(r.destroy.map((i) => i.tags)).toEqual([['lltest/busybox:1'], ['lltest/busybox-vol:1']]);
    expect(r.warnings).toEqual([]);
  });

  test('--rmi all of one service: only its image, kept while a surviving container uses it', () => {
    // The model of `down web` holds the selected service only: side's image is not a candidate.
    const r = images('docker compose down -v web', 'docker compose down --rmi all web');
    expect(r.destroy).toEqual([]);
    expect(r.warnings).toEqual([
      'image lltest/busybox-vol:1 is still used by fresh-db-1: Compose reports "Resource is still in use" and keeps it',
    ]);
  });

  test('--rmi local: pulled images (no project label, every service names an image) are not touched', () => {
    expect(images('docker compose down', 'docker compose down --rmi local')).toEqual({
      destroy: [],
      untag: [],
      warnings: [],
    });
  });
});
