/**
 * lastlook asks the user's own Compose for the project (`docker compose … config --format json`, src/compose/real.ts)
 * and Compose then reaches no engine at all: Compose 2.26.1's `config` pings the engine DOCKER_HOST names
 * (HEAD /_ping, GET /info) although it needs none, so lastlook points DOCKER_HOST at a socket nothing listens on.
 * Proven here with a recording socket as the user's DOCKER_HOST, for the Compose of each engine with Compose.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
