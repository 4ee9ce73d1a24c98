/**
 * Oracle scenarios for docker-semantics.md §1 (`docker rm`, `rm -v`, `rm -f`) and `docker volume rm`, on the three
 * shared engines (28.5.2, 26.1.5, 20.10.24). Every scenario names its objects with its own prefix and compares only those (prefixScope).
 */
import { describe, expect, inject, test } from 'vitest';
import { given } from '../given.js';
import { docker, prefix, type TestEngine } from '../harness.js';
import { oracle, prefixScope } from './oracle.js';

const engines = inject('allEngines');

async function id(engine: TestEngine, args: string[]): Promise<string> {
  return (await docker(engine, args)).trim();
}

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

describe.each(engines.map((e) => [e.kind, e] as const))('docker rm on the %s engine', (_kind, engine) => {
  test('rm of a created container orphans its anonymous volume (§1 rm: anonymous → orphaned)', async () => {
    const p = prefix('rm1');
    await id(engine, ['create', '--name', `${p}-c`, '-v', '/anon', engine.image, 'true']);
    const anon = await volumeAt(engine, `${p}-c`, '/anon');
    const r = await oracle(engine, { argv: ['docker', 'rm', `${p}-c`], scope: prefixScope(p) });
    expect(r.destroyed.containers).toHaveLength(1);
    expect(r.orphaned).toEqual([anon]);
    await given(engine, ['volume', 'rm', anon]);
  });

  test('rm -v destroys -v /p, image VOLUME and --mount anonymous volumes, keeps a named one (§1 rm -v)', async () => {
    const p = prefix('rm2');
    await given(engine, ['volume', 'create', `${p}-named`]);
    await docker(engine, [
      'create',
      '--name',
      `${p}-c`,
      '-v',
      '/anon',
      '--mount',
      'type=volume,dst=/m',
      '-v',
      `${p}-named:/named`,
      engine.volumeImage,
      'true',
    ]);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-c`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toHaveLength(3);
    expect(r.orphaned).toEqual([`${p}-named`]);
    expect(r.plan.destroy.volumes.every((v) => v.anonymous)).toBe(true);
    await given(engine, ['volume', 'rm', `${p}-named`]);
  });

  test('rm of a running container without -f is blocked and nothing changes (§1 refusal)', async () => {
    const p = prefix('rm3');
    await given(engine, ['run', '-d', '--name', `${p}-c`, '-v', '/anon', engine.image, 'sleep', '600']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-c`], scope: prefixScope(p) });
    expect(r.plan.blocked?.reason).toMatch(/running/);
    expect(r.commandOk).toBe(false);
    await given(engine, ['rm', '-fv', `${p}-c`]);
  });

  test('rm -fv of a running container kills it and destroys its anonymous volume (§1 rm -f -v)', async () => {
    const p = prefix('rm4');
    await given(engine, ['run', '-d', '--name', `${p}-c`, '-v', '/anon', engine.image, 'sleep', '600']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-fv', `${p}-c`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toHaveLength(1);
    expect(r.plan.destroy.containers[0]?.state).toBe('running');
  });

  test('rm -f without -v orphans the anonymous volume of a running container (§1 rm -f)', async () => {
    const p = prefix('rm5');
    await given(engine, ['run', '-d', '--name', `${p}-c`, '-v', '/anon', engine.image, 'sleep', '600']);
    const anon = await volumeAt(engine, `${p}-c`, '/anon');
    const r = await oracle(engine, { argv: ['docker', 'rm', '--force', `${p}-c`], scope: prefixScope(p) });
    expect(r.orphaned).toEqual([anon]);
    await given(engine, ['volume', 'rm', anon]);
  });

  test('rm of a paused container without -f is blocked (§1 state checks)', async () => {
    const p = prefix('rm6');
    await given(engine, ['run', '-d', '--name', `${p}-c`, engine.image, 'sleep', '600']);
    await given(engine, ['pause', `${p}-c`]);
    const r = await oracle(engine, { argv: ['docker', 'rm', `${p}-c`], scope: prefixScope(p) });
    expect(r.plan.blocked?.reason).toMatch(/paused/);
    const forced = await oracle(engine, { argv: ['docker', 'rm', '-f', `${p}-c`], scope: prefixScope(p) });
    expect(forced.destroyed.containers).toHaveLength(1);
  });

  test('rm -fv of a --volumes-from recipient keeps volumes the donor still uses (§1 shared anonymous volume)', async () => {
    const p = prefix('rm7');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', '/anon', engine.volumeImage, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-fv', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([]);
    expect(r.plan.keep.volumes).toHaveLength(2);
    await given(engine, ['rm', '-v', `${p}-donor`]);
  });

  test('rm -v of a recipient after the donor was removed destroys the donor anonymous volumes (§1 volumes-from)', async () => {
    const p = prefix('rm8');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', '/anon', engine.image, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    const r0 = await oracle(engine, { argv: ['docker', 'rm', `${p}-donor`], scope: prefixScope(p) });
    expect(r0.orphaned).toEqual([]);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-rcpt`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toHaveLength(1);
  });

  test('rm -v of donor and recipient together destroys the shared anonymous volume (§6 refcounts across targets)', async () => {
    const p = prefix('rm9');
    await given(engine, ['create', '--name', `${p}-donor`, '-v', '/anon', engine.image, 'true']);
    await given(engine, ['create', '--name', `${p}-rcpt`, '--volumes-from', `${p}-donor`, engine.image, 'true']);
    const r = await oracle(engine, {
      argv: ['docker', 'rm', '-v', `${p}-donor`, `${p}-rcpt`],
      scope: prefixScope(p),
    });
    expect(r.destroyed.volumes).toHaveLength(1);
    expect(r.destroyed.containers).toHaveLength(2);
  });

  test('an anonymous volume also mounted by name elsewhere is kept by rm -v, then orphaned (§1 named mount)', async () => {
    const p = prefix('rma');
    await given(engine, ['create', '--name', `${p}-c5`, '-v', '/anon5', engine.image, 'true']);
    const anon = await volumeAt(engine, `${p}-c5`, '/anon5');
    await given(engine, ['create', '--name', `${p}-c6`, '-v', `${anon}:/x`, engine.image, 'true']);
    const r1 = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-c5`], scope: prefixScope(p) });
    expect(r1.plan.keep.volumes.map((v) => v.name)).toEqual([anon]);
    const r2 = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-c6`], scope: prefixScope(p) });
    expect(r2.orphaned).toEqual([anon]);
    await given(engine, ['volume', 'rm', anon]);
  });

  test('bind mounts and tmpfs are untouched by rm -v (§1 bind, tmpfs)', async () => {
    const p = prefix('rmb');
    await given(engine, ['create', '--name', `${p}-c`, '-v', '/tmp:/hostb', '--tmpfs', '/t', engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-v', `${p}-c`], scope: prefixScope(p) });
    expect(r.plan.destroy.volumes).toEqual([]);
    expect(r.destroyed.containers).toHaveLength(1);
  });

  test('several containers: a running one without -f is refused, the others go (§1, docker rm per container)', async () => {
    const p = prefix('rmc');
    await given(engine, ['run', '-d', '--name', `${p}-run`, engine.image, 'sleep', '600']);
    await given(engine, ['create', '--name', `${p}-stopped`, '-v', '/anon', engine.image, 'true']);
    const r = await oracle(engine, {
      argv: ['docker', 'rm', '-v', `${p}-run`, `${p}-stopped`],
      scope: prefixScope(p),
    });
    expect(r.commandOk).toBe(false);
    expect(r.plan.blocked).toBeNull();
    expect(r.plan.keep.containers.map((c) => c.name)).toEqual([`${p}-run`]);
    expect(r.destroyed.volumes).toHaveLength(1);
    await given(engine, ['rm', '-f', `${p}-run`]);
  });

  test('a container named twice, and by a unique ID prefix, is removed once (§1 names and IDs)', async () => {
    const p = prefix('rmd');
    const cid = await id(engine, ['create', '--name', `${p}-c`, engine.image, 'true']);
    const r = await oracle(engine, {
      argv: ['docker', 'rm', `${p}-c`, cid.slice(0, 20)],
      scope: prefixScope(p),
    });
    expect(r.destroyed.containers).toEqual([cid]);
    expect(r.plan.warnings.join(' ')).toMatch(/named twice/);
  });

  test('rm -l removes only a link: nothing is destroyed (§1 link)', async () => {
    const p = prefix('rme');
    await given(engine, ['create', '--name', `${p}-c`, engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'rm', '-l', `${p}-c/alias`], scope: prefixScope(p) });
    expect(r.destroyed.containers).toEqual([]);
    await given(engine, ['rm', `${p}-c`]);
  });
});

describe.each(engines.map((e) => [e.kind, e] as const))('docker volume rm on the %s engine', (_kind, engine) => {
  test('an unused named volume is destroyed (§0.2)', async () => {
    const p = prefix('vr1');
    await given(engine, ['volume', 'create', `${p}-v`]);
    const r = await oracle(engine, { argv: ['docker', 'volume', 'rm', `${p}-v`], scope: prefixScope(p) });
    expect(r.destroyed.volumes).toEqual([`${p}-v`]);
  });

  test('a volume used by a created container is refused, even with -f (§0.2 in use)', async () => {
    const p = prefix('vr2');
    await given(engine, ['volume', 'create', `${p}-v`]);
    await given(engine, ['create', '--name', `${p}-c`, '-v', `${p}-v:/v`, engine.image, 'true']);
    const r = await oracle(engine, { argv: ['docker', 'volume', 'rm', '-f', `${p}-v`], scope: prefixScope(p) });
    expect(r.commandOk).toBe(false);
    expect(r.plan.blocked?.reason).toMatch(/in use/);
    await given(engine, ['rm', `${p}-c`]);
    await given(engine, ['volume', 'rm', `${p}-v`]);
  });

  test('with several names, the free one goes and the used one stays (§0.2, per-volume errors)', async () => {
    const p = prefix('vr3');
    await given(engine, ['volume', 'create', `${p}-free`]);
    await given(engine, ['volume', 'create', `${p}-used`]);
    await given(engine, ['create', '--name', `${p}-c`, '-v', `${p}-used:/v`, engine.image, 'true']);
    const r = await oracle(engine, {
      argv: ['docker', 'volume', 'rm', `${p}-used`, `${p}-free`],
      scope: prefixScope(p),
    });
    expect(r.commandOk).toBe(false);
    expect(r.destroyed.volumes).toEqual([`${p}-free`]);
    await given(engine, ['rm', `${p}-c`]);
    await given(engine, ['volume', 'rm', `${p}-used`]);
  });
});
