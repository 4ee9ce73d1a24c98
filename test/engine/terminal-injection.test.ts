/**
 * Every CLI line is inert: labels, names, paths, engine errors and a dump tool's stderr that carry terminal
 * escape sequences (OSC 0 title, OSC 52 clipboard, CSI, C1, bidi) reach stdout/stderr only in escaped form.
 * (The explorer's views are walked in a real terminal by test/e2e/explorer.test.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { runCli } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, prefix, type TestEngine } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const EVIL = '\u001b]0;PWNED\u0007\u001b]52;c;UFdORUQ=\u0007\u001b[2J\u009b7m\u202eevil';
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw ESC, BEL, C1 and bidi controls are what we look for
const ACTIVE = /\u001b|\u0007|[\u0080-\u009f]|[\u202a-\u202e\u2066-\u2069]/g;

function activeIn(text: string): string[] {
  return text.match(ACTIVE) ?? [];
}

describe('CLI output with hostile engine data', () => {
  let dir: string;
  const p = prefix('ti');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llti-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('plan (text and --json), mounts and a not-found error print no raw escape sequence', async () => {
    const vol = `${p}-vol`;
    await given(engine, ['volume', 'create', '--label', `note=${EVIL}`, vol]);
    await docker(engine, [
      'create',
      ...['--name', `${p}-c`, '--label', `com.docker.compose.project=${p}${EVIL}`],
      ...['--mount', `type=volume,src=${vol},dst=/data${EVIL}`, '-v', '/anon'],
      ...[engine.image, 'true'],
    ]);
    for (const args of [
      ['plan', '--', 'docker', 'rm', '-v', `${p}-c`],
      ['plan', '--json', '--', 'docker', 'rm', '-v', `${p}-c`],
      ['mounts', `${p}-c`],
      ['mounts', '--json', `${p}-c`],
      ['diff', `${p}-missing${EVIL}`],
      ['plan', '--', 'docker', 'volume', 'rm', `${vol}${EVIL}`],
    ]) {
      const r = await runCli(engine, args);
      expect({ args, stdout: activeIn(r.stdout), stderr: activeIn(r.stderr) }).toEqual({
        args,
        stdout: [],
        stderr: [],
      });
      if (args.includes('--json')) {
        expect(r.code, r.stderr).toBe(0);
        // Still valid JSON, and the value is the label as the engine holds it.
        const text = JSON.stringify(JSON.parse(r.stdout));
        expect(text).toContain('PWNED');
      }
    }
    const json = await runCli(engine, ['mounts', '--json', `${p}-c`]);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(`/data${EVIL}`).slice(1, -1));
    await given(engine, ['rm', '-v', `${p}-c`]);
    await given(engine, ['volume', 'rm', vol]);
  });

  test("backup --dump does not print the dump tool's stderr raw", async () => {
    await given(engine, ['tag', engine.image, 'postgres:ll-ti']);
    await given(engine, ['volume', 'create', `${p}-pg`]);
    await docker(engine, [
      'run',
      ...['-d', '--name', `${p}-db`, '-v', `${p}-pg:/var/lib/postgresql/data`],
      ...['postgres:ll-ti', 'sleep', '600'],
    ]);
    // A dump tool that fails with a hostile message (title, clipboard, C1 CSI, bidi) on stderr.
    const script = `printf '#!/bin/sh\\nprintf "boom\\\\033]0;PWNED\\\\007\\\\033]52;c;UFdORUQ=\\\\007\\\\302\\\\233\\\\342\\\\200\\\\256x" >&2\\nexit 3\\n' > /bin/pg_dumpall && chmod +x /bin/pg_dumpall`;
    await docker(engine, ['exec', `${p}-db`, 'sh', '-c', script]);
    for (const json of [false, true]) {
      const r = await runCli(engine, [
        'backup',
        `${p}-pg`,
        '--to',
        join(dir, `bad${json}`),
        '--dump',
        ...(json ? ['--json'] : []),
      ]);
      expect(r.code).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toContain('boom');
      expect(`${r.stdout}${r.stderr}`).toContain('PWNED');
      expect({ stdout: activeIn(r.stdout), stderr: activeIn(r.stderr) }).toEqual({ stdout: [], stderr: [] });
    }
    await given(engine, ['rm', '-f', `${p}-db`]);
    await given(engine, ['volume', 'rm', `${p}-pg`]);
    await docker(engine, ['rmi', 'postgres:ll-ti']);
  });
});
