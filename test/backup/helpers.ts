/**
 * Helpers for the backup tests: run the CLI in-process against a private engine, and read a volume or
 * container tree through the engine's archive endpoint into comparable records (byte-exact names).
 */
import { createHash } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { main } from '../../src/cli/index.js';
import { TarScanner } from '../../src/core/tar-scan.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import type { DockerPort } from '../../src/docker/port.js';
import { engineEnv, type TestEngine } from '../engine/harness.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(engine: TestEngine, args: readonly string[], signal?: AbortSignal): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const env = engineEnv(engine) as Record<string, string | undefined>;
  const code = await main({
    argv: ['--host', engine.host, ...args],
    env,
    stdout,
    stderr,
    stdin: new PassThrough(),
    signal: signal ?? new AbortController().signal,
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export function portFor(engine: TestEngine): DockerPort {
  return connect(resolveConnection({ host: engine.host, env: {} }));
}

export interface TreeRecord {
  readonly type: string;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly link: string | null;
  readonly sha256: string | null;
}

/** Reads a tar stream into `name (latin1) -> record`; names are re-rooted by `strip` (e.g. `v/`). */
export async function readTree(stream: NodeJS.ReadableStream, strip = ''): Promise<Map<string, TreeRecord>> {
  const tree = new Map<string, TreeRecord>();
  let current: { name: string; rec: Omit<TreeRecord, 'sha256'>; hash: ReturnType<typeof createHash> } | null = null;
  const close = () => {
    if (current) {
      tree.set(current.name, {
        ...current.rec,
        sha256: current.rec.type === 'file' ? current.hash.digest('hex') : null,
      });
    }
    current = null;
  };
  const scanner = new TarScanner({
    onEntry: (e) => {
      close();
      let name = e.name.toString('latin1').replace(/\/$/, '');
      if (strip && name.startsWith(strip)) name = name.slice(strip.length);
      current = {
        name,
        rec: {
          type: e.type,
          size: e.size,
          mode: e.mode & 0o7777,
          uid: e.uid,
          gid: e.gid,
          link: e.linkname ? e.linkname.toString('latin1') : null,
        },
        hash: createHash('sha256'),
      };
      return true;
    },
    onData: (c) => current?.hash.update(c),
  });
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        scanner.write(chunk);
        cb();
      },
      final(cb) {
        scanner.end();
        close();
        cb();
      },
    }),
  );
  return tree;
}

/** A volume's tree, read through a never-started helper (the same way as a backup, but independently parsed). */
export async function volumeTree(port: DockerPort, volume: string): Promise<Map<string, TreeRecord>> {
  const helper = await port.createVolumeReader(volume);
  try {
    return await readTree(await port.archive(helper, '/v'), 'v');
  } finally {
    await port.removeContainer(helper, { force: true, volumes: false });
  }
}

/** Polls `check` until it returns true, at most `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}
