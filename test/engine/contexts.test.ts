/**
 * A fleet of engines (issue 13): `lastlook plan --context a --context b` and `--all-contexts` over docker contexts
 * made by the real docker CLI (`docker context create`) for this run's three private engines: `default` is the
 * 28.5.2 engine (DOCKER_HOST, as the docker CLI's default context), `site-a` the 26.1.5, `site-b` the 20.10.24, and `gone` a
 * socket nobody listens on. Each slot's plan is the plan `--context <it>` alone gives; a context that cannot be
 * planned gives its error and exit code without hiding the others.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { FLEET_SCHEMA, type FleetPlan } from '../../src/core/plan/fleet.js';
import type { Plan } from '../../src/core/plan/types.js';
import { given } from './given.js';
import { docker, prefix, RUN_ROOT_ENV, type TestEngine } from './harness.js';
import { runLastlook } from './oracle/oracle.js';

const all = inject('allEngines');
/** A string as a literal inside a RegExp (engine versions carry `+dfsg`). */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byKind = (k: string): TestEngine => {
  const e = all.find((x) => x.kind === k);
  if (!e) throw new Error(`no ${k} engine`);
  return e;
};
const current = byKind('current');
const modern = byKind('modern');
const legacy = byKind('legacy');
const P = prefix('ctx');
let configDir: string;
let goneSocket: string;

/** lastlook with the test's docker CLI config; DOCKER_HOST is the 28.5.2 engine (the default context). */
const run = (args: string[]) => runLastlook(current, args, { env: { DOCKER_CONFIG: configDir } });

function fleetOf(stdout: string): FleetPlan {
  const f = JSON.parse(stdout) as FleetPlan;
  expect(f.schema).toBe(FLEET_SCHEMA);
  return f;
}

/** A plan without what differs between two reads of the same engine: nothing, once warnings are left in. */
const destroyed = (p: Plan | null) => ({
  containers: p?.destroy.containers.map((c) => c.name),
  volumes: p?.destroy.volumes.map((v) => `${v.anonymous ? 'anon' : v.name}`).sort(),
});

beforeAll(async () => {
  const root = process.env[RUN_ROOT_ENV] ?? '';
  configDir = mkdtempSync(join(root, 'ctxconf-'));
  goneSocket = join(configDir, 'nobody.sock');
  const env = { DOCKER_CONFIG: configDir };
  await docker(current, ['context', 'create', 'site-a', '--docker', `host=${modern.host}`], { env });
  await docker(
    current,
    ['context', 'create', 'site-b', '--description', 'the old one', '--docker', `host=${legacy.host}`],
    {
      env,
    },
  );
  await docker(current, ['context', 'create', 'gone', '--docker', `host=unix://${goneSocket}`], { env });
  for (const e of [current, modern, legacy]) {
    await given(e, ['volume', 'create', `${P}-data`]);
    await given(e, ['create', '--name', `${P}-app`, '-v', `${P}-data:/data`, '-v', '/anon', e.image, 'true']);
  }
  await given(modern, ['create', '--name', `${P}-only-a`, '-v', '/anon', modern.image, 'true']);
});

afterAll(async () => {
  for (const e of [current, modern, legacy]) {
    await given(e, ['rm', '-v', `${P}-app`]).catch(() => {});
    await given(e, ['volume', 'rm', `${P}-data`]).catch(() => {});
  }
  await given(modern, ['rm', '-v', `${P}-only-a`]).catch(() => {});
});

describe('plan on several contexts', () => {
  const rm = ['--', 'docker', 'rm', '-v', `${P}-app`];

  test('--context a --context b --context gone: one plan per engine, the unreachable one says why, exit 3', async () => {
    const r = await run(['plan', '--json', '--context', 'site-a', '--context', 'site-b', '--context', 'gone', ...rm]);
    expect(r.code, r.stderr).toBe(3);
    const f = fleetOf(r.stdout);
    expect(f.contexts.map((c) => c.context)).toEqual(['site-a', 'site-b', 'gone']);
    const [a, b, gone] = f.contexts;
    expect(a?.host).toBe(modern.host);
    expect(a?.plan?.engine.version).toBe(modern.version);
    expect(a?.engine?.version).toBe(modern.version);
    expect(b?.plan?.engine.version).toBe(legacy.version);
    expect(b?.engine?.apiVersion).toBe(legacy.apiVersion);
    for (const slot of [a, b]) {
      expect(slot?.error).toBeNull();
      expect(destroyed(slot?.plan ?? null)).toEqual({ containers: [`${P}-app`], volumes: ['anon'] });
    }
    expect(gone?.plan).toBeNull();
    expect(gone?.host).toBe(`unix://${goneSocket}`);
    expect(gone?.error?.exitCode).toBe(3);
    expect(gone?.error?.message).toContain(goneSocket);
    expect(f.failed).toBe(1);
  });

  test('each slot is the plan that context alone gives', async () => {
    const fleet = fleetOf((await run(['plan', '--json', '--context', 'site-a', '--context', 'site-b', ...rm])).stdout);
    for (const [i, name] of ['site-a', 'site-b'].entries()) {
      const alone = await run(['plan', '--json', '--context', name, ...rm]);
      expect(alone.code, alone.stderr).toBe(0);
      expect(fleet.contexts[i]?.plan).toEqual(JSON.parse(alone.stdout));
    }
  });

  test('--all-contexts, text: a section per context (default is DOCKER_HOST) with its engine', async () => {
    const r = await run(['plan', '--all-contexts', ...rm]);
    expect(r.code, r.stderr).toBe(3);
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('=== context'));
    expect(heads).toEqual([
      expect.stringMatching(
        new RegExp(`^=== context default · ${lit(current.host)} · Engine ${lit(current.version)} \\(API`),
      ),
      `=== context gone · unix://${goneSocket}`,
      expect.stringMatching(
        new RegExp(`^=== context site-a · ${lit(modern.host)} · Engine ${lit(modern.version)} \\(API`),
      ),
      expect.stringMatching(
        new RegExp(`^=== context site-b · ${lit(legacy.host)} · Engine ${lit(legacy.version)} \\(API`),
      ),
    ]);
    expect(r.stdout).toMatch(/NOT PLANNED: .*nobody\.sock/);
    expect(r.stdout).toContain('3 of 4 contexts planned; 1 could not be');
    expect(r.stdout.match(new RegExp(`${P}-app`, 'g'))?.length).toBeGreaterThanOrEqual(3);
  });

  test('a container on one host only: its plan there, "not found" (4) in the other slot', async () => {
    const r = await run([
      'plan',
      '--json',
      '--context',
      'site-a',
      '--context',
      'site-b',
      '--',
      'docker',
      'rm',
      '-v',
      `${P}-only-a`,
    ]);
    expect(r.code, r.stdout).toBe(4);
    const [a, b] = fleetOf(r.stdout).contexts;
    expect(destroyed(a?.plan ?? null)).toEqual({ containers: [`${P}-only-a`], volumes: ['anon'] });
    expect(b?.error).toMatchObject({ exitCode: 4, message: expect.stringMatching(/no such container/) });
    expect(b?.engine).toBeNull();
  });

  test('bad usage is refused before any engine is asked (exit 2)', async () => {
    for (const args of [
      ['plan', '--all-contexts', '--context', 'site-a', ...rm],
      ['mounts', '--context', 'site-a', '--context', 'site-b', `${P}-app`],
      ['plan', '--host', modern.host, '--context', 'site-a', '--context', 'site-b', ...rm],
      ['plan', '--context', 'site-a', '--context', 'site-b', '--', 'docker', 'rmi', 'x'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});
