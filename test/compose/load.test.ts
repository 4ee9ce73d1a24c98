// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax under test, not JS templates
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ComposeLoadError, loadComposeProject } from '../../src/compose/load.js';
import type { ComposeDownArgs } from '../../src/core/compose-model.js';

const root = mkdtempSync(join(tmpdir(), 'llload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cmd(over: Partial<ComposeDownArgs> = {}): ComposeDownArgs {
  return {
    tool: 'docker compose',
    projectName: null,
    files: [],
    projectDirectory: null,
    profiles: [],
    envFiles: [],
    volumes: true,
    removeOrphans: false,
    rmi: null,
    services: [],
    argv: ['docker', 'compose', 'down', '-v'],
    ...over,
  };
}

function dir(name: string, files: Record<string, string>): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

describe('loadComposeProject', () => {
  const yaml = 'services:\n  db:\n    image: x\n    volumes: ["${VOL:-data}:/d"]\nvolumes:\n  data: {}\n  other: {}\n';

  test('finds compose.yaml in a parent folder; the name is that folder, normalised', () => {
    const d = dir('My.Shop', { 'compose.yaml': yaml });
    const sub = join(d, 'a/b');
    mkdirSync(sub, { recursive: true });
    const p = loadComposeProject(cmd(), { cwd: sub, env: {} });
    expect(p.mode).toBe('file');
    if (p.mode !== 'file') return;
    expect(p.model.name).toBe('myshop');
    expect(p.model.workingDir).toBe(d);
    expect(p.model.volumes.map((v) => v.name)).toEqual(['myshop_data']);
  });

  test('.env interpolates the file and sets COMPOSE_PROJECT_NAME; the process env wins', () => {
    const d = dir('envp', { 'compose.yaml': yaml, '.env': 'VOL=other\nCOMPOSE_PROJECT_NAME=fromenv\n' });
    const p = loadComposeProject(cmd(), { cwd: d, env: {} });
    expect(p.mode === 'file' && p.model.volumes.map((v) => v.name)).toEqual(['fromenv_other']);
    const q = loadComposeProject(cmd(), { cwd: d, env: { VOL: 'data' } });
    expect(q.mode === 'file' && q.model.volumes.map((v) => v.name)).toEqual(['fromenv_data']);
  });

  test('COMPOSE_FILE with COMPOSE_PATH_SEPARATOR merges files; top-level name: sets the project', () => {
    const d = dir('multi', { 'a.yml': yaml, 'b.yml': 'name: merged\nservices:\n  web:\n    image: w\n' });
    const p = loadComposeProject(cmd(), { cwd: d, env: { COMPOSE_FILE: 'a.yml;b.yml', COMPOSE_PATH_SEPARATOR: ';' } });
    expect(p.mode === 'file' && p.model.name).toBe('merged');
    expect(p.mode === 'file' && p.model.services.map((s) => s.name).sort()).toEqual(['db', 'web']);
  });

  test('-p without -f is label mode, even with a compose.yaml in the folder', () => {
    const d = dir('labelled', { 'compose.yaml': yaml });
    expect(loadComposeProject(cmd({ projectName: 'Shop' }), { cwd: d, env: {} })).toMatchObject({
      mode: 'labels',
      name: 'shop',
    });
  });

  test('no file: an error, unless COMPOSE_PROJECT_NAME selects label mode', () => {
    const d = dir('empty', {});
    expect(() => loadComposeProject(cmd(), { cwd: d, env: {} })).toThrow(ComposeLoadError);
    expect(loadComposeProject(cmd(), { cwd: d, env: { COMPOSE_PROJECT_NAME: 'shop' } })).toMatchObject({
      mode: 'labels',
      name: 'shop',
    });
  });
});

describe('the built-in loader (no Compose installed): models merge keys, refuses what it cannot model', () => {
  const base = 'x-base: &base\n  image: x\n  volumes: ["data:/d"]\nservices:\n  db:\n    <<: *base\n';

  test('YAML merge keys (<<: *base) are resolved like Compose does', () => {
    const d = dir('mergekeys', { 'compose.yaml': `${base}volumes:\n  data: {}\n` });
    const p = loadComposeProject(cmd(), { cwd: d, env: {} });
    expect(p.mode === 'file' && p.model.services.map((s) => [s.name, s.image, s.volumes])).toEqual([
      ['db', 'x', [{ type: 'volume', source: 'data', target: '/d' }]],
    ]);
    expect(p.mode === 'file' && p.model.volumes.map((v) => v.name)).toEqual(['mergekeys_data']);
  });

  test.each([
    ['include', 'include:\n  - other.yaml\nservices:\n  a:\n    image: x\n', 'the top-level key "include:"'],
    ['extends', 'services:\n  a:\n    image: x\n  b:\n    extends: a\n', '"services.b.extends:"'],
    ['reset', 'services:\n  a:\n    image: x\n    volumes: !reset []\n', '!reset at services.a.volumes'],
    ['override', 'services:\n  a:\n    image: x\n    ports: !override ["80:80"]\n', '!override at services.a.ports'],
    ['tag', 'services:\n  a: !custom\n    image: x\n', '!custom at services.a'],
  ])('%s: exit-2 refusal naming the key, and no YAMLWarning on stderr', (tag, text, named) => {
    const d = dir(`refuse-${tag}`, { 'compose.yaml': text });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(() => loadComposeProject(cmd(), { cwd: d, env: {} })).toThrow(
        new ComposeLoadError(
          `${join(d, 'compose.yaml')}: ${named}, which lastlook's own Compose loader cannot model (Compose is not ` +
            'installed here to read it): install the Compose plugin, or preview on a host that has it',
        ),
      );
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  test('an override file with !reset is refused too (the tag is found in every file)', () => {
    const d = dir('refuse-override-file', {
      'compose.yaml': 'services:\n  a:\n    image: x\n    volumes: ["/s"]\n',
      'compose.override.yaml': 'services:\n  a:\n    volumes: !reset null\n',
    });
    expect(() => loadComposeProject(cmd(), { cwd: d, env: {} })).toThrow(/!reset at services\.a\.volumes/);
  });
});
