import { afterEach, describe, expect, test } from 'vitest';
import setup from '../engine/global-setup.js';
import { assertCleanEnvironment, assertPrivateHost } from '../engine/harness.js';

describe('the engine harness refuses to reach any engine it did not start', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test.each([
    ['DOCKER_HOST', 'unix:///var/run/docker.sock'],
    ['DOCKER_HOST', 'tcp://127.0.0.1:2375'],
    ['DOCKER_CONTEXT', 'production'],
  ])('an inherited %s=%s stops the run before any engine starts', async (name, value) => {
    process.env[name] = value;
    let provided = false;
    const project = { provide: () => (provided = true) } as unknown as Parameters<typeof setup>[0];
    await expect(setup(project)).rejects.toThrow(new RegExp(`refusing to run engine tests with ${name}=`));
    expect(provided).toBe(false);
  });

  test('a clean environment passes', () => {
    expect(() => assertCleanEnvironment({ PATH: '/usr/bin' })).not.toThrow();
  });

  test.each([
    'unix:///var/run/docker.sock',
    'unix:///run/user/1000/docker.sock',
    'tcp://127.0.0.1:2375',
    'unix:///tmp/llt-abc/../../var/run/docker.sock',
    'ssh://root@prod',
  ])('host %s is refused', (host) => {
    expect(() => assertPrivateHost(host, '/tmp/llt-abc')).toThrow(/refusing to use Docker host/);
  });

  test('a socket the run started is accepted', () => {
    expect(() => assertPrivateHost('unix:///tmp/llt-abc/m1x/docker.sock', '/tmp/llt-abc')).not.toThrow();
  });
});
