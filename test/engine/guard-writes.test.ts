/**
 * `guard --backup-to` with a container that keeps writing: the confirmation comes first, then what writes to the
 * data is stopped, then the backup, then the removal. Nothing the container wrote is missing from the backup,
 * however long the prompt waited (it used to back up before the prompt: the writes made while it waited were
 * destroyed without a word).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, expect, inject, test } from 'vitest';
import { main } from '../../src/cli/index.js';
import { docker, engineEnv, prefix, type TestEngine } from './harness.js';

const engine = inject('engines').find((e) => e.kind === 'modern') as TestEngine;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'llgw-'));
  dirs.push(d);
  return d;
}

async function until(pred: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lastNumber(text: string): number {
  const lines = text.trim().split('\n');
  return Number(lines[lines.length - 1]);
}

test('writes made while the prompt waits are in the backup: confirm, stop the writer, back up, remove', async () => {
  const p = prefix('gw');
  const host = tempDir();
  const backups = tempDir();
  // Each number goes to the anonymous volume first (what the backup keeps), then to a bind mount (what survives).
  await docker(engine, [
    'run',
    ...['-d', '--name', `${p}-w`, '-v', '/data', '-v', `${host}:/host`],
    ...[
      engine.image,
      'sh',
      '-c',
      'i=0; while true; do i=$((i+1)); echo $i >> /data/log; echo $i >> /host/log; sleep 0.02; done',
    ],
  ]);
  const hostLog = () => {
    try {
      return readFileSync(join(host, 'log'), 'utf8');
    } catch {
      return '';
    }
  };
  await until(() => hostLog().length > 0, 'the first write');

  const err: Buffer[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const code = main({
    argv: ['--host', engine.host, 'guard', '--backup-to', backups, '--', 'docker', 'rm', '-f', '-v', `${p}-w`],
    env: engineEnv(engine),
    stdout: new Writable({ write: (_c, _e, cb) => cb() }) as never,
    stderr: new Writable({
      write(c, _e, cb) {
        err.push(Buffer.from(c));
        cb();
      },
    }),
    stdin,
    signal: new AbortController().signal,
  });
  const stderr = () => Buffer.concat(err).toString('utf8');
  await until(() => stderr().includes('to confirm'), 'the prompt');
  // The container keeps writing while the user reads the plan.
  const atPrompt = lastNumber(hostLog());
  await until(() => lastNumber(hostLog()) > atPrompt + 5, 'writes during the prompt');
  stdin.write(`${p}-w\n`);
  expect(await code).toBe(0);

  // The container is gone; the bind mount holds every number it wrote, the archive must hold them all too.
  const written = lastNumber(hostLog());
  const archive = readdirSync(backups).find((f) => f.startsWith('volume-') && f.endsWith('.tar.gz')) as string;
  const entry = execFileSync('tar', ['-tzf', join(backups, archive)], { encoding: 'utf8' })
    .split('\n')
    .find((e) => e.endsWith('log')) as string;
  const backedUp = lastNumber(execFileSync('tar', ['-xzOf', join(backups, archive), entry], { encoding: 'utf8' }));
  expect(backedUp).toBeGreaterThanOrEqual(written);
  expect(stderr()).toContain(`Stopping ${p}-w before the backup`);
  expect(stderr().indexOf('to confirm')).toBeLessThan(stderr().indexOf('Backing up'));
});
