/**
 * Oracle scenarios for the client side of a command (issue 16): the docker CLI decides the API version
 * (DOCKER_API_VERSION) and whether the config's `pruneFilters` are sent, so the same command line destroys different
 * things with different CLIs against the same engine. For each engine and each docker CLI of this run: build the
 * state, plan with that CLI first on PATH (lastlook asks it through the recording endpoint), run the real command
 * with that CLI, read the engine back, compare destroyed containers and volumes.
 *
 * Measurement: the same scenarios are also planned with no docker CLI on PATH (the built-in parser serves). Every
 * scenario counts whether each reading agreed with the engine; the figures are in docs/oracle-coverage.md.
 * This file starts its own engines: prunes are global.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Plan } from '../../../src/core/plan/types.js';
import { given } from '../given.js';
import { engineEnv, repoRoot, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { readState, runLastlook } from './oracle.js';
import { removeContainersAndVolumes } from './prune-helpers.js';

type Kind = 'current' | 'modern' | 'legacy';
const kinds: Kind[] = ['current', 'modern', 'legacy'];
const own: Partial<Record<Kind, TestEngine>> = {};

/** The docker CLIs of this run: 26.1.5 (trixie) and, when provisioned, 28.5.2 (sid). */
const clis = [
  { name: '26.1.5', path: join(repoRoot, '.cache/engines/modern/usr/bin/docker') },
  { name: '28.5.2', path: join(repoRoot, '.cache/engines/current/usr/bin/docker') },
].filter((c) => existsSync(c.path));

beforeAll(async () => {
  const started = await Promise.all(kinds.map((k) => startEngine(k)));
  kinds.forEach((k, i) => {
    own[k] = started[i];
  });
});
afterAll(async () => {
  await Promise.all(Object.values(own).map((e) => stopEngine(e)));
});

/** Unused volumes: named, named and protected (label keep), anonymous-labelled; stopped containers, one protected. */
async function build(e: TestEngine): Promise<void> {
  await given(e, ['volume', 'create', 'named']);
  await given(e, ['volume', 'create', '--label', 'keep=1', 'protected']);
  await given(e, ['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'anonlike']);
  await given(e, ['create', '--name', 'plain', e.image, 'true']);
  await given(e, ['create', '--name', 'guarded', '--label', 'keep=1', e.image, 'true']);
}

interface Scenario {
  readonly name: string;
  readonly argv: readonly string[];
  readonly api?: string;
  readonly pruneFilters?: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'volume prune', argv: ['volume', 'prune', '-f'] },
  { name: 'volume prune at API 1.41', argv: ['volume', 'prune', '-f'], api: '1.41' },
  {
    name: 'volume prune -a, pruneFilters label!=keep',
    argv: ['volume', 'prune', '-af'],
    pruneFilters: ['label!=keep'],
  },
  {
    name: 'volume prune, pruneFilters label!=keep, API 1.41',
    argv: ['volume', 'prune'],
    api: '1.41',
    pruneFilters: ['label!=keep'],
  },
  {
    name: 'container prune, pruneFilters label!=keep',
    argv: ['container', 'prune', '-f'],
    pruneFilters: ['label!=keep'],
  },
  { name: 'rm -f with slashes around names', argv: ['rm', '-f', 'plain/', '//guarded'] },
  {
    name: 'system prune --volumes, pruneFilters label!=keep',
    argv: ['system', 'prune', '-f', '--volumes'],
    pruneFilters: ['label!=keep'],
  },
];

/** Runs the real command with `cli` against `e`; never throws (a refused command destroys nothing). */
function runCli(cli: string, e: TestEngine, args: readonly string[], env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile(cli, args as string[], { env: engineEnv(e, env) }, (err) => resolve(!err));
    child.stdin?.end('y\n');
  });
}

interface Outcome {
  readonly containers: string[];
  readonly volumes: string[];
}

function planned(plan: Plan | null): Outcome {
  if (!plan || plan.blocked) return { containers: [], volumes: [] };
  return {
    containers: plan.destroy.containers.map((c) => c.name).sort(),
    volumes: plan.destroy.volumes.map((v) => v.name).sort(),
  };
}

async function plan(e: TestEngine, argv: readonly string[], env: Record<string, string>) {
  const r = await runLastlook(e, ['plan', '--json', '--', 'docker', ...argv], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Plan;
}

/** Agreement counts for the measurement: [scenario, engine, cli, recorded agrees, parser agrees]. */
const tally: [string, string, string, boolean, boolean][] = [];

afterAll(async () => {
  const out = join(repoRoot, '.cache/measure');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'intent-client.json'), `${JSON.stringify(tally, null, 1)}\n`);
});

describe.each(kinds)('engine %s', (kind) => {
  describe.each(clis)('docker CLI $name', (cli) => {
    test.each(SCENARIOS)('$name', async (s) => {
      const e = own[kind] as TestEngine;
      await removeContainersAndVolumes(e);
      await build(e);
      const config = join(e.dir, `config-${cli.name}`);
      await mkdir(join(config), { recursive: true });
      await writeFile(
        join(config, 'config.json'),
        JSON.stringify(s.pruneFilters ? { pruneFilters: s.pruneFilters } : {}),
      );
      const env: Record<string, string> = {
        DOCKER_CONFIG: config,
        PATH: `${dirname(cli.path)}:/usr/sbin:/sbin`,
        ...(s.api ? { DOCKER_API_VERSION: s.api } : {}),
      };
      const viaClient = await plan(e, s.argv, env);
      // The plan says which client and API it assumed.
      expect(viaClient.warnings[0]).toMatch(new RegExp(`^asked the docker CLI ${cli.name.replace(/\./g, '\\.')} `));
      // The same command line read by the built-in parser alone (no docker on PATH).
      const viaParser = await plan(e, s.argv, { ...env, PATH: '/nonexistent' });
      expect(viaParser.warnings[0]).toMatch(/^no docker executable on PATH: the built-in parser read the command line/);
      const before = await readState(e);
      await runCli(cli.path, e, s.argv, env);
      const after = await readState(e);
      const gone = (xs: readonly string[], ys: readonly string[]) => xs.filter((x) => !ys.includes(x)).sort();
      const actual: Outcome = {
        containers: gone(
          before.containers.map((c) => c.name),
          after.containers.map((c) => c.name),
        ),
        volumes: gone(before.volumes, after.volumes),
      };
      const agree = (p: Plan) => JSON.stringify(planned(p)) === JSON.stringify(actual);
      tally.push([s.name, kind, cli.name, agree(viaClient), agree(viaParser)]);
      expect(planned(viaClient), JSON.stringify(viaClient, null, 1)).toEqual(actual);
      // The engine facts behind the class: API 1.41 prunes named volumes even on a new engine; the 26.1.5 CLI
      // sends the config's pruneFilters and keeps the protected volume, the 28.5.2 CLI does not send them.
      if (s.name === 'volume prune at API 1.41') expect(actual.volumes).toContain('named');
      if (s.name === 'volume prune -a, pruneFilters label!=keep' && kind !== 'legacy') {
        expect(actual.volumes.includes('protected')).toBe(cli.name === '28.5.2');
      }
      if (s.name === 'container prune, pruneFilters label!=keep') {
        expect(actual.containers.includes('guarded')).toBe(cli.name === '28.5.2');
      }
    });
  });
});
