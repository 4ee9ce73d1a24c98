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
