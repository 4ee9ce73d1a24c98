/**
 * End to end: the real binary in a real terminal (tmux) started with `--context site-a`, switching with `C` to
 * `site-b`. The contexts are made by the real docker CLI for this run's private 26.1.5 (site-a) and 20.10.24
 * (site-b) engines; the header names each engine, and the list is the picked engine's own.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { given } from '../engine/given.js';
import { docker, engineEnv, prefix, RUN_ROOT_ENV, type TestEngine } from '../engine/harness.js';
import { KEYS, lastlookBin, TmuxSession } from './tmux.js';

const engines = inject('engines');
const byKind = (k: string): TestEngine => {
  const e = engines.find((x) => x.kind === k);
  if (!e) throw new Error(`no ${k} engine`);
  return e;
};
const modern = byKind('modern');
const legacy = byKind('legacy');
const P = prefix('e2ectx');
let configDir: string;
let t: TmuxSession | null = null;

beforeAll(async () => {
  configDir = mkdtempSync(join(process.env[RUN_ROOT_ENV] ?? '', 'e2ectx-'));
  const env = { DOCKER_CONFIG: configDir };
  await docker(modern, ['context', 'create', 'site-a', '--docker', `host=${modern.host}`], { env });
  await docker(modern, ['context', 'create', 'site-b', '--docker', `host=${legacy.host}`], { env });
  await given(modern, ['create', '--name', `${P}-on-a`, modern.image, 'true']);
  await given(legacy, ['create', '--name', `${P}-on-b`, legacy.image, 'true']);
});

afterAll(async () => {
  t?.kill();
  await given(modern, ['rm', `${P}-on-a`]).catch(() => {});
  await given(legacy, ['rm', `${P}-on-b`]).catch(() => {});
});

describe('docker contexts in a real terminal', () => {
  test('--context at start, C to pick another: the other engine, its identity and its containers', async () => {
    t = new TmuxSession(120, 30);
    // DOCKER_HOST points at site-a's engine too: --context decides, as for the docker CLI.
    t.start(
      ['node', lastlookBin, '--context', 'site-a'],
      engineEnv(modern, { LANG: 'C.UTF-8', DOCKER_CONFIG: configDir }),
    );
    await t.waitForText(`lastlook · site-a · ${modern.host}`);
    await t.waitForText(`Engine ${modern.version}`);
    // Only this file's containers: other files share the engine.
    t.send('/');
    t.type(P);
    t.send(KEYS.enter);
    await t.waitForText(`${P}-on-a`);
    t.send('C');
    const picker = await t.waitForText('Docker contexts');
    expect(picker).toMatch(/▸\* site-a/);
    t.send('j');
    await t.waitForText(/▸ {2}site-b/);
    t.send(KEYS.enter);
    const screen = await t.waitForText(`lastlook · site-b · ${legacy.host}`);
    await t.waitForText(`Engine ${legacy.version}`);
    // A fresh explorer: no filter, the other engine's containers.
    const after = await t.waitForText(`${P}-on-b`);
    expect(after).not.toContain(`${P}-on-a`);
    expect(screen).not.toContain('Docker contexts');
    t.send('q');
    await t.waitFor(() => t?.exitStatus() !== null, 20_000, 'exit');
    expect(t.exitStatus()).toBe(0);
  });
});
