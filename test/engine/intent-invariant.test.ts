/**
 * The recording endpoint's invariant on a real engine: destructive docker command lines, run by the real docker CLIs
 * (and Compose) through the endpoint, change nothing. Containers (ID, name, state), volumes, networks and images
 * (ID and tags) are identical before and after, a file an `exec` would have made does not exist, and each command
 * did try to write (its requests were recorded, never forwarded).
 * This file starts its own engine: the commands are global prunes, and the comparison covers the whole engine.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { askClient } from '../../src/docker/intent-client.js';
import { given } from './given.js';
import { compose, docker, engineEnv, repoRoot, startEngine, stopEngine, type TestEngine } from './harness.js';

let engine: TestEngine;
let project: string;

/** Every docker CLI the engines of this run carry (26.1.5 from trixie; 28.5.2 from sid when provisioned). */
const clis = ['modern', 'current']
  .map((k) => join(repoRoot, `.cache/engines/${k}/usr/bin/docker`))
  .filter((p) => existsSync(p));

beforeAll(async () => {
  engine = await startEngine('modern');
  const e = engine;
  await given(e, ['volume', 'create', 'free']);
  await given(e, ['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'anonlike']);
  await given(e, ['network', 'create', 'net1']);
  await given(e, ['tag', e.image, 'extra/tag:1']);
  await given(e, ['run', '-d', '--name', 'running', '-v', 'data:/data', '-v', '/anon', e.image, 'sleep', '600']);
  await given(e, ['run', '-d', '--name', 'paused', e.image, 'sleep', '600']);
  await given(e, ['pause', 'paused']);
  await given(e, ['create', '--name', 'stopped', '-v', '/scratch', e.volumeImage, 'true']);
  project = await mkdtemp(join(e.dir, 'project-'));
  await writeFile(
    join(project, 'compose.yaml'),
    `services:\n  app:\n    image: ${e.image}\n    command: sleep 600\n    volumes: [db:/db, /cache]\n    networks: [back]\nvolumes:\n  db: {}\nnetworks:\n  back: {}\n`,
  );
  await compose(e, ['-p', 'inv', 'up', '-d'], { cwd: project });
});

afterAll(async () => {
  if (engine) await stopEngine(engine);
});

async function state(e: TestEngine) {
  const port = connect(resolveConnection({ host: e.host, env: {} }));
  const [containers, volumes, networks, images] = await Promise.all([
    port.listContainers(),
    port.listVolumes(),
    port.listNetworks(),
    port.listImages(),
  ]);
  return {
    containers: containers.map((c) => `${c.id} ${c.name} ${c.state}`).sort(),
    volumes: volumes.map((v) => v.name).sort(),
    networks: networks.map((n) => n.id).sort(),
    images: images.map((i) => `${i.id} ${[...i.repoTags].sort().join(',')}`).sort(),
  };
}

/** Destructive command lines; every one of them sends at least one write. */
const COMMANDS: readonly (readonly string[])[] = [
  ['rm', '-fv', 'running', 'paused', 'stopped'],
  ['container', 'rm', '-f', 'inv-app-1'],
  ['volume', 'rm', '-f', 'free', 'anonlike', 'data'],
  ['volume', 'prune', '-af'],
  ['volume', 'prune'],
  ['container', 'prune'],
  ['network', 'prune', '-f'],
  ['image', 'prune', '-af'],
  ['system', 'prune', '-af', '--volumes'],
  ['network', 'rm', 'net1'],
  ['rmi', '-f', 'extra/tag:1', 'lltest/busybox:1'],
  ['stop', '-t', '0', 'running'],
  ['kill', 'running'],
  ['pause', 'running'],
  ['unpause', 'paused'],
  ['exec', 'running', 'touch', '/created-by-exec'],
  ['exec', '-i', 'running', 'sh'],
  ['attach', 'running'],
  ['run', '--rm', 'lltest/busybox:1', 'true'],
  ['volume', 'create', 'newvol'],
  ['network', 'create', 'newnet'],
  ['compose', '-p', 'inv', 'down', '-v', '--rmi', 'all', '--remove-orphans'],
  ['compose', '-p', 'inv', 'rm', '-sfv'],
];

describe.each(clis.map((c) => [c.split('/engines/')[1]?.split('/')[0] ?? c, c] as const))(
  'docker CLI of %s',
  (_k, cli) => {
    test('destructive commands through the recording endpoint leave the engine exactly as it was', async () => {
      const before = await state(engine);
      const env = { ...engineEnv(engine), PATH: `${dirname(cli)}:${process.env.PATH ?? ''}` };
      const runs = COMMANDS.flatMap((args) => [undefined, '1.41'].map((api) => ({ args, api })));
      // Four at a time: nothing they send reaches the engine, so they cannot disturb one another.
      const queue = [...runs];
      const worker = async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const { args, api } = r;
          const run = await askClient({
            argv: ['docker', ...args],
            host: engine.host,
            tls: null,
            env: api ? { ...env, DOCKER_API_VERSION: api } : env,
            cwd: project,
            timeoutMs: 60_000,
          });
          expect(run.kind, `${args.join(' ')}: ${JSON.stringify(run)}`).toBe('ran');
          if (run.kind !== 'ran') continue;
          // The command did try to change the engine: its writes were recorded here instead (the CLI refuses
          // `volume prune -a` at API 1.41 before sending anything).
          if (!(api && args.join(' ') === 'volume prune -af')) {
            expect(
              run.writes.length,
              `docker ${args.join(' ')} (API ${api ?? 'negotiated'}): ${run.stderr}`,
            ).toBeGreaterThan(0);
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(await state(engine)).toEqual(before);
      await expect(docker(engine, ['exec', 'running', 'ls', '/created-by-exec'])).rejects.toThrow();
    });
  },
);
