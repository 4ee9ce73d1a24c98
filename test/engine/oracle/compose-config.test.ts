/**
 * lastlook asks the user's own Compose for the project (`docker compose … config --format json`, src/compose/real.ts)
 * and Compose then reaches no engine at all: Compose 2.26.1's `config` pings the engine DOCKER_HOST names
 * (HEAD /_ping, GET /info) although it needs none, so lastlook points DOCKER_HOST at a socket nothing listens on.
 * Proven here with a recording socket as the user's DOCKER_HOST, for the Compose of each engine with Compose.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readComposeProject } from '../../../src/compose/load.js';
import { runCompose } from '../../../src/compose/real.js';
import { type ComposeDownCommand, parseDockerCommand } from '../../../src/core/command-line.js';
import { pathEnv } from './compose-helpers.js';

const run = promisify(execFile);
const engines = inject('allEngines').filter((e) => e.kind !== 'legacy');
const dir = mkdtempSync(join(tmpdir(), 'llcfg-'));
const socket = join(dir, 'rec.sock');
const seen: string[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => {
      seen.push(String(d).split('\r\n')[0] ?? '');
      s.write('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  writeFileSync(
    join(dir, 'compose.yaml'),
    'name: cfg\nx-b: &b\n  image: x\n  volumes: ["data:/d"]\nservices:\n  a:\n    <<: *b\nvolumes:\n  data:\n',
  );
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe.each(engines.map((e) => [e.kind, e] as const))("Compose's config reaches no engine (%s)", (_, engine) => {
  const env = (extra: Record<string, string> = {}) => ({
    ...pathEnv(engine, 'compose'),
    HOME: engine.configDir,
    DOCKER_CONFIG: engine.configDir,
    DOCKER_HOST: `unix://${socket}`,
    ...extra,
  });

  test('lastlook reads the project through Compose without one request to the DOCKER_HOST engine', async () => {
    seen.length = 0;
    const cmd = parseDockerCommand(['docker', 'compose', 'down', '-v']) as ComposeDownCommand;
    const project = await readComposeProject(cmd, { cwd: dir, env: env() });
    expect(project.mode === 'file' && project.model.source).toBe('compose');
    expect(project.mode === 'file' && project.model.volumes.map((v) => v.name)).toEqual(['cfg_data']);
    expect(seen).toEqual([]);
  });

  test('the same config run as the user would (DOCKER_HOST kept) prints the same: the engine was never needed', async () => {
    seen.length = 0;
    const asIs = await run('docker', ['compose', 'config', '--format', 'json'], { cwd: dir, env: env() });
    const version = (await run('docker', ['compose', 'version', '--short'], { cwd: dir, env: env() })).stdout;
    // Compose 2.26.1 pings the engine on its own (HEAD /_ping, GET /info); 2.40.3 does not.
    if (version.startsWith('2.26.')) expect(seen).toContain('HEAD /_ping HTTP/1.1');
    else expect(seen).toEqual([]);
    seen.length = 0;
    const viaLastlook = await runCompose('docker compose', ['config', '--format', 'json'], { cwd: dir, env: env() });
    expect(JSON.parse(viaLastlook.stdout)).toEqual(JSON.parse(asIs.stdout));
    expect(seen).toEqual([]);
  });
});

/**
 * Compose is asked for every service (`--profile '*'`) beside its version; the project with the user's own profiles
 * is read only where it can differ (a service in a profile, or SERVICE arguments). Where no service is in a profile,
 * the user's profiles select every service and Compose prints the same JSON both ways.
 */
describe.each(engines.map((e) => [e.kind, e] as const))('Compose runs a config needs (%s)', (_, engine) => {
  const project = (name: string, yaml: string) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'compose.yaml'), yaml);
    return d;
  };
  const plain = () =>
    project(
      'plain',
      'name: pl\nservices:\n  a:\n    image: x\n    volumes: ["data:/d"]\nvolumes:\n  data:\n  spare:\n',
    );
  const profiled = () =>
    project(
      'profiled',
      'name: pr\nservices:\n  a:\n    image: x\n  tools:\n    image: x\n    profiles: [debug]\n    volumes: ["t:/t"]\n' +
        'volumes:\n  t:\n',
    );
  /** A `docker` first on PATH that logs its arguments and runs the engine's own CLI. */
  const logged = () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const log = join(bin, 'log');
    const real = join(pathEnv(engine, 'compose').PATH, 'docker');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, 'docker'), 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: engine.configDir, DOCKER_CONFIG: engine.configDir };
    return { env, runs: () => readFileSync(log, 'utf8').trim().split('\n') };
  };
  const config = async (cwd: string, flags: string[], extra: Record<string, string> = {}) => {
    const { env } = logged();
    const r = await runCompose('docker compose', [...flags, 'config', '--format', 'json'], {
      cwd,
      env: { ...env, ...extra },
    });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as unknown;
  };

  test("no service in a profile: the user's profiles give the same JSON as --profile '*'; with one, they do not", async () => {
    const cwd = plain();
    const every = await config(cwd, ['--profile', '*']);
    expect(await config(cwd, [])).toEqual(every);
    expect(await config(cwd, ['--profile', 'x'])).toEqual(every);
    expect(await config(cwd, [], { COMPOSE_PROFILES: 'y' })).toEqual(every);
    const p = profiled();
    expect(await config(p, [])).not.toEqual(await config(p, ['--profile', '*']));
  });

  test('lastlook runs Compose twice for a project without profiles (version, every service), three times with one; the version once per process', async () => {
    const cmd = parseDockerCommand(['docker', 'compose', 'down', '-v']) as ComposeDownCommand;
    const a = logged();
    const plainProject = await readComposeProject(cmd, { cwd: plain(), env: a.env });
    expect(a.runs().sort()).toEqual(['compose --profile * config --format json', 'compose version --short']);
    expect(plainProject.mode === 'file' && plainProject.model.volumes.map((v) => v.name)).toEqual(['pl_data']);
    // A second read in this process (the explorer previews many): the version is remembered for the same PATH,
    // DOCKER_CONFIG and HOME, and only the project is read again.
    await readComposeProject(cmd, { cwd: plain(), env: a.env });
    expect(a.runs().slice(2)).toEqual(['compose --profile * config --format json']);
    const b = logged();
    const profiledProject = await readComposeProject(cmd, { cwd: profiled(), env: b.env });
    expect(b.runs().sort()).toEqual([
      'compose --profile * config --format json',
      'compose config --format json',
      'compose version --short',
    ]);
    expect(profiledProject.mode === 'file' && profiledProject.model.disabledServices.map((s) => s.name)).toEqual([
      'tools',
    ]);
    // SERVICE arguments select services: Compose is asked for them too.
    const c = logged();
    const one = parseDockerCommand(['docker', 'compose', 'down', 'a']) as ComposeDownCommand;
    await readComposeProject(one, { cwd: plain(), env: c.env });
    expect(c.runs()).toContain('compose config --format json a');
  });
});
