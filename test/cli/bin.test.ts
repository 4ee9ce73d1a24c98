/**
 * The real binary (bin/lastlook.js → dist/, built by `npm test` before vitest runs): help, version, bad usage,
 * and an engine that is not there. None of these reaches an engine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../engine/harness.js';

const bin = join(repoRoot, 'bin/lastlook.js');

function lastlook(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('node', [bin, ...args], {
    encoding: 'utf8',
    // Only what the binary needs: no inherited DOCKER_HOST can point it at a real engine.
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', ...env },
    input: '',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist/lastlook.cjs')))
    throw new Error('dist/lastlook.cjs is missing: run npm run build first');
});

describe('lastlook binary', () => {
  test('the build writes a code cache that this Node takes for the bundle (src/cli/early.ts compileWithCache)', () => {
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `const early = require(${JSON.stringify(join(repoRoot, 'dist/early.cjs'))});
         process.stdout.write(early.compileWithCache(${JSON.stringify(join(repoRoot, 'dist/lastlook.cjs'))}).cache);`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home' } },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('used');
  });

  test('--help lists every subcommand and the exit codes', () => {
    const r = lastlook(['--help']);
    expect(r.code).toBe(0);
    for (const word of [
      'plan',
      'guard',
      'diff',
      'mounts',
      'backup',
      'verify',
      'restore',
      '--read-only',
      'Exit codes',
    ]) {
      expect(r.stdout).toContain(word);
    }
  });

  test('--version prints the package version', () => {
    const r = lastlook(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('an unknown subcommand is bad usage (2) and names the commands', () => {
    const r = lastlook(['destroy-everything']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command');
    expect(r.stderr).toContain('plan');
  });

  test('an unsupported docker command line is refused (2) before any engine is reached', () => {
    const r = lastlook(['--host', 'unix:///nonexistent.sock', 'plan', '--', 'docker', 'image', 'rm', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot preview "docker image rm"');
    expect(r.stderr).toContain('docker volume prune');
  });

  test.each([
    [['--host', 'unix:///nonexistent.sock'], {}],
    [[], { DOCKER_HOST: 'unix:///nonexistent.sock' }],
    [['--host', 'unix:///nonexistent.sock', 'plan', '--', 'docker', 'volume', 'prune']],
  ] as [string[], Record<string, string>?][])('no engine at the socket: exit 3 naming it (%j)', (args, env = {}) => {
    const r = lastlook(args, env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('/nonexistent.sock');
    expect(r.stderr).toMatch(/Docker daemon running|--host/);
  });

  test('a context that does not exist: exit 3 and how to list contexts', () => {
    const r = lastlook(['--context', 'prod-typo']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('prod-typo');
    expect(r.stderr).toContain('docker context ls');
  });
});
