/**
 * The adapter's log reading (DockerPort.containerLogs, src/docker/logs.ts) against real engines: a non-TTY
 * container's multiplexed frames split (stdout and stderr, raw bytes kept for the escaping layer), a TTY container's
 * stream as is, the json-file and local drivers read, `none` refused by the engine with its own message, and follow
 * delivering lines written after the stream opened until the container stops.
 */
import { describe, expect, inject, test } from 'vitest';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { isDockerError } from '../../src/docker/errors.js';
import { followLogs } from '../../src/docker/logs.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('engines');

async function readAll(port: ReturnType<typeof connect>, id: string, tail: number): Promise<string> {
  const stream = await (port.containerLogs as NonNullable<typeof port.containerLogs>)(id, { tail, follow: false });
  let out = '';
  stream.setEncoding('latin1');
  for await (const chunk of stream) out += chunk;
  return out;
}

describe.each(engines.map((e) => [e.kind, e] as const))('container logs on the %s engine', (_kind, engine) => {
  const port = () => connect(resolveConnection({ host: engine.host, env: {} }));

  test.each(['json-file', 'local'])(
    'the %s driver: stdout and stderr demultiplexed, the tail honoured, bytes kept',
    async (driver) => {
      const name = `${prefix('lg')}-${driver}`;
      // Frames of stdout and stderr, one line with an escape sequence and a byte that is not UTF-8.
      const script =
        "printf 'one\\n'; printf 'two\\n' >&2; printf 'esc \\033]0;t\\007 \\377\\n'; sleep 0.3; printf 'four\\n'";
      await given(engine, ['run', '--name', name, '--log-driver', driver, engine.image, 'sh', '-c', script]);
      const all = await readAll(port(), name, 100);
      // json-file stores each line as a JSON string: a byte that is not UTF-8 comes back as U+FFFD (its UTF-8 bytes
      // here, read as latin1); local keeps the byte.
      const bad = driver === 'json-file' ? '\u00ef\u00bf\u00bd' : '\u00ff';
      expect(all.split('\n').slice(0, 4).sort()).toEqual([`esc \u001b]0;t\u0007 ${bad}`, 'four', 'one', 'two'].sort());
      // Exactly these four lines: no 8-byte frame header left in the text.
      expect(all.split('\n')).toHaveLength(5);
      expect((await readAll(port(), name, 1)).trim()).toBe('four');
      await given(engine, ['rm', name]);
    },
  );

  test('a TTY container: the stream is the terminal output as is', async () => {
    const name = `${prefix('lt')}-tty`;
    await given(engine, ['run', '-t', '--name', name, engine.image, 'sh', '-c', 'echo on-a-tty']);
    expect(await readAll(port(), name, 100)).toContain('on-a-tty\r\n');
    await given(engine, ['rm', name]);
  });

  test('the none driver: the engine refuses to read, and says so', async () => {
    const name = `${prefix('ln')}-none`;
    await given(engine, ['run', '--name', name, '--log-driver', 'none', engine.image, 'true']);
    const err = await readAll(port(), name, 10).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDockerError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/logging driver does not support reading/);
    await given(engine, ['rm', name]);
  });

  test('follow: lines written after the stream opened arrive, and it ends when the container stops', async () => {
    const name = `${prefix('lf')}-follow`;
    await docker(engine, [
      'run',
      '-d',
      '--name',
      name,
      engine.image,
      'sh',
      '-c',
      'echo first; while [ ! -f /go ]; do sleep 0.1; done; echo after-go',
    ]);
    let text = '';
    const seen = (s: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (text.includes(s)) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    const ac = new AbortController();
    const done = followLogs(port(), name, { signal: ac.signal, tail: 10, onText: (t) => (text += t) });
    await seen('first');
    expect(text).not.toContain('after-go');
    await docker(engine, ['exec', name, 'touch', '/go']);
    await seen('after-go');
    // The container exits after its last line: the stream ends by itself.
    await done;
    await given(engine, ['rm', name]);
  });
});
