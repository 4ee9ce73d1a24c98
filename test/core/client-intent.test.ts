/**
 * Reading recorded writes as a command. The request lines below were recorded from the real CLIs (docker 26.1.5
 * from trixie, docker 28.2.2) through src/docker/intent-recorder.ts against a private 26.1.5 engine, with a config
 * holding pruneFilters and with DOCKER_API_VERSION=1.41.
 */
import { describe, expect, test } from 'vitest';
import { type ClientRecording, decodeFilters, intentOf } from '../../src/core/client-intent.js';
import { parseDockerCommand } from '../../src/core/command-line.js';

const ok = (...urls: string[]): ClientRecording => ({
  cliVersion: '26.1.5',
  exitCode: 0,
  stderr: '',
  writes: urls.map((u) => {
    const [method, url] = u.split(' ');
    return { method: method as string, url: url as string };
  }),
});

const enc = (o: unknown) => encodeURIComponent(JSON.stringify(o));

describe('intentOf', () => {
  test('docker rm -fv web/ //db at API 1.41 (26.1.5): names trimmed by the CLI, flags from the query', () => {
    const parsed = parseDockerCommand(['docker', 'rm', '-fv', 'web/', '//db']);
    const i = intentOf(
      parsed,
      ok('DELETE /v1.41/containers/web?force=1&v=1', 'DELETE /v1.41/containers/db?force=1&v=1'),
    );
    expect(i).toEqual({
      kind: 'command',
      apiVersion: '1.41',
      parsed: { ...parsed, containers: ['web', 'db'], force: true, volumes: true, link: false },
    });
  });

  test('docker volume prune -a with pruneFilters label!=keep: 26.1.5 sends it, 28.2.2 does not', () => {
    const parsed = parseDockerCommand(['docker', 'volume', 'prune', '-a']);
    const v26 = intentOf(
      parsed,
      ok(`POST /v1.45/volumes/prune?filters=${enc({ all: { true: true }, 'label!': { keep: true } })}`),
    );
    expect(v26).toMatchObject({
      kind: 'command',
      apiVersion: '1.45',
      parsed: {
        kind: 'volume-prune',
        all: false,
        filters: [
          { key: 'all', value: 'true' },
          { key: 'label!', value: 'keep' },
        ],
      },
    });
    const v28 = intentOf(parsed, ok(`POST /v1.45/volumes/prune?filters=${enc({ all: { true: true } })}`));
    expect(v28).toMatchObject({ parsed: { filters: [{ key: 'all', value: 'true' }] } });
  });

  test('the CLI refusing -a at API 1.41 sends nothing: refused, with its words', () => {
    const parsed = parseDockerCommand(['docker', 'volume', 'prune', '-a']);
    const i = intentOf(parsed, {
      cliVersion: '26.1.5',
      exitCode: 1,
      stderr: '"--all" requires API version 1.42, but the Docker daemon API version is 1.41\n',
      writes: [],
    });
    expect(i).toEqual({
      kind: 'refused',
      reason: '"--all" requires API version 1.42, but the Docker daemon API version is 1.41',
    });
  });

  test('system prune -a --volumes: one filter set for every step, -a from the images step', () => {
    const parsed = parseDockerCommand(['docker', 'system', 'prune', '--volumes']);
    const f = enc({ 'label!': { keep: true } });
    const i = intentOf(
      parsed,
      ok(
        `POST /v1.45/containers/prune?filters=${f}`,
        `POST /v1.45/networks/prune?filters=${f}`,
        `POST /v1.45/volumes/prune?filters=${f}`,
        `POST /v1.45/images/prune?filters=${enc({ dangling: { false: true }, 'label!': { keep: true } })}`,
        `POST /v1.45/build/prune?all=1&filters=${f}&keep-storage=0`,
      ),
    );
    expect(i).toMatchObject({
      kind: 'command',
      parsed: { kind: 'system-prune', all: true, volumes: true, filters: [{ key: 'label!', value: 'keep' }] },
    });
  });

  test('steps with different filters cannot be planned as one: the parser serves', () => {
    const parsed = parseDockerCommand(['docker', 'system', 'prune', '--volumes']);
    const i = intentOf(
      parsed,
      ok(
        `POST /v1.45/containers/prune?filters=${enc({ label: { a: true } })}`,
        `POST /v1.45/volumes/prune?filters=${enc({})}`,
      ),
    );
    expect(i.kind).toBe('unusable');
  });

  test('volume rm -f, link removal, an unversioned request, and a request that does not belong', () => {
    const vrm = intentOf(
      parseDockerCommand(['docker', 'volume', 'rm', '-f', 'a', 'b']),
      ok('DELETE /v1.41/volumes/a?force=1', 'DELETE /v1.41/volumes/b?force=1'),
    );
    expect(vrm).toMatchObject({ kind: 'command', parsed: { volumes: ['a', 'b'], force: true } });
    const link = intentOf(parseDockerCommand(['docker', 'rm', '-l', 'a']), ok('DELETE /containers/a?link=1'));
    expect(link).toMatchObject({ kind: 'command', apiVersion: null, parsed: { link: true, volumes: false } });
    const odd = intentOf(parseDockerCommand(['docker', 'rm', 'a']), ok('POST /v1.45/containers/a/kill'));
    expect(odd).toEqual({ kind: 'unusable', reason: 'unexpected request POST /containers/a/kill' });
  });

  test('a name with an encoded slash is read as the engine reads it', () => {
    const i = intentOf(parseDockerCommand(['docker', 'rm', 'x']), ok('DELETE /v1.45/containers/a%20b'));
    expect(i).toMatchObject({ parsed: { containers: ['a b'] } });
  });

  test('compose down is not read from a recording', () => {
    expect(intentOf(parseDockerCommand(['docker', 'compose', 'down']), ok()).kind).toBe('unusable');
  });
});

describe('decodeFilters', () => {
  test('map and legacy list forms; garbage is null', () => {
    expect(decodeFilters('{"label":{"a=b":true,"c":false},"until":["24h"]}')).toEqual([
      { key: 'label', value: 'a=b' },
      { key: 'until', value: '24h' },
    ]);
    expect(decodeFilters(null)).toEqual([]);
    expect(decodeFilters('nope')).toBeNull();
    expect(decodeFilters('{"label":"x"}')).toBeNull();
  });
});
