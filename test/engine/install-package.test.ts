/**
 * The npm package as a user gets it: `npm pack` of the tracked files (its prepack builds the bundle), installed
 * offline from the tarball into an empty folder, run against a private engine. And the lock: `npm install` must
 * leave package-lock.json as it is (a fresh clone stays clean).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { given } from './given.js';
import { engineEnv, prefix, repoRoot, type TestEngine } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const P = prefix('pkg');
let work: string;

/** npm with an environment of its own: none of the npm_* variables of the `npm test` that runs this file. */
function npm(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !k.startsWith('DOCKER_')) env[k] = v;
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', input: '' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The files git tracks, as they are in the work tree: what a fresh clone holds (plus local edits). */
function copyTracked(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0');
  for (const f of files.filter(Boolean)) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    try {
      cpSync(join(repoRoot, f), join(to, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted in the work tree, not committed
    }
  }
}

let tarball: string;
let installed: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'llpkg-'));
  const src = join(work, 'src');
  copyTracked(src);
  // The build tools come from the repository's own install; the package must not need them at run time.
  symlinkSync(join(repoRoot, 'node_modules'), join(src, 'node_modules'));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], src)) as { filename: string }[];
  tarball = join(work, packed[0]?.filename ?? 'missing.tgz');
  installed = join(work, 'empty');
  mkdirSync(installed);
  // --offline: nothing may come from a registry; the tarball must carry everything.
  npm(['install', '--offline', '--no-audit', '--no-fund', tarball], installed);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function installedLastlook(args: string[]) {
  const r = spawnSync(join(installed, 'node_modules/.bin/lastlook'), args, {
    env: engineEnv(engine),
    encoding: 'utf8',
    input: '',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the packed npm package', () => {
  test('ships the bin and the bundle, and no path of the machine that built it', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files).toEqual([
      'package/README.md',
      'package/bin/lastlook.js',
      'package/bin/package.json',
      'package/dist/early.cjs',
      'package/dist/lastlook.cjs',
      'package/package.json',
    ]);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    // The folders it was built in, and the builder's home (its npm cache).
    const buildPaths = [repoRoot, work, ...(homedir() === '/' ? [] : [`${homedir()}/`])];
    for (const f of files) {
      const text = readFileSync(join(unpacked, f), 'utf8');
      for (const path of buildPaths) expect(text.includes(path), `${f} contains ${path}`).toBe(false);
    }
    // One React: every importer (the build's ES facade of it included) got the same module, even with node_modules
    // a link, as here (a second copy, named by its real path, once came in through the facade).
    const bundleText = readFileSync(join(unpacked, 'package/dist/lastlook.cjs'), 'utf8');
    expect(bundleText.split('node_modules/react/index.js').length - 1).toBe(1);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8')) as {
      dependencies?: object;
    };
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  test('installs into an empty folder as one package, offline', () => {
    const packages = readdirSync(join(installed, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(packages).toEqual(['lastlook']);
  });

  test('runs against an engine: --version and a plan', async () => {
    expect(installedLastlook(['--version']).stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    );
    await given(engine, ['create', '--name', `${P}-c`, '-v', '/anon', engine.image, 'true']);
    try {
      const r = installedLastlook(['plan', '--', 'docker', 'rm', '-v', `${P}-c`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Destroy:');
      expect(r.stdout).toContain(`${P}-c`);
    } finally {
      await given(engine, ['rm', '-v', `${P}-c`]);
    }
  });

  test('an unreachable engine exits 3 and says what to do', () => {
    const r = installedLastlook([
      '--host',
      `unix://${join(work, 'no-engine.sock')}`,
      'plan',
      'docker',
      'volume',
      'prune',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot reach the Docker engine');
    expect(r.stdout).toBe('');
  });
});

describe('package-lock.json', () => {
  test('npm install leaves it unchanged', () => {
    const dir = join(work, 'lock');
    mkdirSync(dir);
    const lock = readFileSync(join(repoRoot, 'package-lock.json'), 'utf8');
    writeFileSync(join(dir, 'package.json'), readFileSync(join(repoRoot, 'package.json')));
    writeFileSync(join(dir, 'package-lock.json'), lock);
    npm(['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(lock);
  });
});
