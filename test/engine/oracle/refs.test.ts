/**
 * Oracle scenarios for issue 16 on every engine the harness offers: object references as the docker CLI reads
 * them, and `--volumes-from` history. Shared engines: every scenario names its objects with its own prefix and
 * compares only those (prefixScope). Run: npx vitest run --project engine test/engine/oracle/refs.test.ts
 */
import { describe, expect, inject, test } from 'vitest';
import { given } from '../given.js';
import { docker, prefix, type TestEngine } from '../harness.js';
import { oracle, prefixScope, readState, runLastlook } from './oracle.js';

const engines = inject('allEngines');

/** Anonymous volume name mounted by `container` at `dst`. */
async function volumeAt(engine: TestEngine, container: string, dst: string): Promise<string> {
  const out = await docker(engine, [
    'inspect',
    '--format',
    `{{range .Mounts}}{{if eq .Destination "${dst}"}}{{.Name}}{{end}}{{end}}`,
    container,
  ]);
  return out.trim();
}

/**
 * Issue 16, class "container references as the docker CLI reads them": the CLI trims every `/` around a container
 * name, and its client cleans the request path (`path.Join`), for volumes too.
 */
describe.each(engines.map((e) => [e.kind, e] as const))(
  'names as the docker CLI sends them, %s engine',
  (_kind, engine) => {
    test('rm -fv web/ //db removes both, a paused one too, and their anonymous volumes (CLI trims /)', async () => {
      const p = prefix('nm1');
      await given(engine, ['run', '-d', '--name', `${p}-web`, '-v', '/a', engine.volumeImage, 'sleep', '600']);
      await given(engine, ['pause', `${p}-web`]);
      await given(engine, ['create', '--name', `${p}-db`, '-v', '/b', engine.image, 'true']);
      const r = await oracle(engine, {
        argv: ['docker', 'rm', '-fv', `${p}-web/`, `//${p}-db`],
        scope: prefixScope(p),
      });
      expect(r.destroyed.containers).toHaveLength(2);
      expect(r.destroyed.volumes).toHaveLength(3);
      expect(r.plan.warnings.join(' ')).not.toMatch(/no such container/);
    });

    test('rm -v without -f: web/, ./db and x/../c reach the engine as plain names', async () => {
      const p = prefix('nm2');
      for (const n of ['web', 'db', 'c']) {
        await given(engine, ['create', '--name', `${p}-${n}`, '-v', '/a', engine.image, 'true']);
      }
      const r = await oracle(engine, {
        argv: ['docker', 'rm', '-v', `${p}-web/`, `./${p}-db`, `x/../${p}-c`],
        scope: prefixScope(p),
      });
      expect(r.commandOk).toBe(true);
      expect(r.destroyed.containers).toHaveLength(3);
      expect(r.destroyed.volumes).toHaveLength(3);
    });

    test('rm -f / NAME: the CLI refuses "/" but removes the other, and exits non-zero', async () => {
      const p = prefix('nm3');
      await given(engine, ['create', '--name', `${p}-c`, engine.image, 'true']);
      const r = await oracle(engine, { argv: ['docker', 'rm', '-f', '/', `${p}-c`], scope: prefixScope(p) });
      expect(r.commandOk).toBe(false);
      expect(r.destroyed.containers).toHaveLength(1);
      expect(r.plan.warnings.join(' ')).toMatch(/container name cannot be empty/);
    });

    test('volume rm NAME/ //NAME2: the client cleans the path, both volumes go', async () => {
      const p = prefix('nm4');
      await given(engine, ['volume', 'create', `${p}-v`]);
      await given(engine, ['volume', 'create', `${p}-w`]);
      const r = await oracle(engine, {
        argv: ['docker', 'volume', 'rm', `${p}-v/`, `//${p}-w`],
        scope: prefixScope(p),
      });
      expect(r.destroyed.volumes).toEqual([`${p}-v`, `${p}-w`]);
    });

    test('rm ../volumes/NAME removes a volume: lastlook refuses to preview it (exit 2), docker does remove it', async () => {
      const p = prefix('nm5');
      await given(engine, ['volume', 'create', `${p}-v`]);
      const planned = await runLastlook(engine, ['plan', '--json', '--', 'docker', 'rm', `../volumes/${p}-v`]);
      expect(planned.code).toBe(2);
      expect(planned.stderr).toMatch(new RegExp(`would remove the volume "${p}-v", not a container`));
      expect((await readState(engine)).volumes).toContain(`${p}-v`);
      await given(engine, ['rm', `../volumes/${p}-v`]);
      expect((await readState(engine)).volumes).not.toContain(`${p}-v`);
    });
  },
);

/**
 * Issue 16, class "--volumes-from history": HostConfig.VolumesFrom keeps the donor's name as typed, but the
 * recipient's mount spec was copied from the donor when the recipient was created. The plan follows that copy
 * (removeMountPoints removes a volume only when its Spec.Source is empty), never whatever holds the name today.
 */
describe.each(engines.map((e) => [e.kind, e] as const))('--volumes-from history, %s engine', (_kind, engine) => {
  test('donor removed, its named volume: rm -v of the recipient keeps (orphans) it', async () => {
    const p = prefix('vf1');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', `${p}-named:/p`, engine.image, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    await given(engine, ['rm', `${p}-donor`]);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toEqual([`${p}-named`]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test("a new container holds the donor's name: the recipient's anonymous copy is still destroyed", async () => {
    const p = prefix('vf2');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', '/p', engine.image, 'true']);
    const anon = await volumeAt(engine, `${p}-donor`, '/p');
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    await given(engine, ['rm', `${p}-donor`]);
    await given(engine, ['create', '--name', `${p}-donor`, '-v', `${p}-named:/p`, engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([anon]);
    await given(engine, ['rm', `${p}-donor`]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test("a new container holds the donor's name: the recipient's named copy is kept", async () => {
    const p = prefix('vf3');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', `${p}-named:/p`, engine.image, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    await given(engine, ['rm', `${p}-donor`]);
    await given(engine, ['create', '--name', `${p}-donor`, '-v', '/p', engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toEqual([`${p}-named`]);
    await given(engine, ['rm', '-v', `${p}-donor`]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test("the donor's named volume on an image VOLUME path, donor removed: kept, not 'anonymous'", async () => {
    const p = prefix('vf4');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', `${p}-named:/data`, engine.volumeImage, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.volumeImage, 'true']);
    await given(engine, ['rm', `${p}-donor`]);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toEqual([`${p}-named`]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test("the donor's named volume on an image VOLUME path, donor still there: rm -v of both keeps it", async () => {
    const p = prefix('vf5');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', `${p}-named:/data`, engine.volumeImage, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.volumeImage, 'true']);
    const r = await oracle(engine, {
      argv: ['docker', 'rm', '-v', `${p}-rcpt`, `${p}-donor`],
      scope: prefixScope(p),
    });
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.orphaned).toEqual([`${p}-named`]);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });
});
