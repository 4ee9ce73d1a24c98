import { describe, expect, test } from 'vitest';
import { CommandLineError, type ParsedCommand, parseDockerCommand } from '../../src/core/command-line.js';

const p = (line: string): ParsedCommand => parseDockerCommand(line.split(' ').filter(Boolean));
const fails = (line: string): string => {
  try {
    p(line);
  } catch (e) {
    expect(e).toBeInstanceOf(CommandLineError);
    return (e as Error).message;
  }
  throw new Error(`expected "${line}" to be rejected`);
};

describe('docker rm', () => {
  test.each([
    ['docker rm c1', { force: false, volumes: false, link: false, containers: ['c1'] }],
    ['rm -fv c1 c2', { force: true, volumes: true, link: false, containers: ['c1', 'c2'] }],
    ['docker rm c1 -v', { force: false, volumes: true, link: false, containers: ['c1'] }],
    ['docker rm --volumes=true --force=false c1', { force: false, volumes: true, link: false, containers: ['c1'] }],
    ['docker rm -v=false -f c1', { force: true, volumes: false, link: false, containers: ['c1'] }],
    ['docker container rm -l c1/db', { force: false, volumes: false, link: true, containers: ['c1/db'] }],
    ['docker container remove c1 c1', { force: false, volumes: false, link: false, containers: ['c1', 'c1'] }],
    ['docker rm -- -weird', { force: false, volumes: false, link: false, containers: ['-weird'] }],
  ])('%s', (line, want) => {
    const got = p(line);
    expect(got).toMatchObject({ kind: 'rm', ...want });
    expect(got.argv[0]).toBe('docker');
  });

  test('normalises the command with a leading docker', () => {
    expect(p('rm -v x').argv).toEqual(['docker', 'rm', '-v', 'x']);
    expect(p('docker rm -v x').argv).toEqual(['docker', 'rm', '-v', 'x']);
  });

  test.each([
    ['docker rm', /requires at least 1 argument/],
    ['docker rm -x c1', /unknown shorthand flag: 'x'/],
    ['docker rm --nope c1', /unknown flag: --nope/],
    ['docker rm --volumes=maybe c1', /invalid argument "maybe"/],
  ])('rejects %s', (line, re) => {
    expect(fails(line)).toMatch(re);
  });
});

describe('volumes', () => {
  test('volume rm', () => {
    expect(p('docker volume rm -f a b')).toMatchObject({ kind: 'volume-rm', force: true, volumes: ['a', 'b'] });
    expect(p('volume remove a')).toMatchObject({ kind: 'volume-rm', force: false, volumes: ['a'] });
    expect(fails('docker volume rm')).toMatch(/requires at least 1 argument/);
  });

  test.each([
    ['docker volume prune', { all: false, filters: [] }],
    ['docker volume prune -af', { all: true, filters: [] }],
    ['docker volume prune --filter label!=keep', { all: false, filters: [{ key: 'label!', value: 'keep' }] }],
    ['docker volume prune --filter=label=a=b -f', { all: false, filters: [{ key: 'label', value: 'a=b' }] }],
    [
      'docker volume prune --filter LABEL=x --filter all=true',
      {
        filters: [
          { key: 'label', value: 'x' },
          { key: 'all', value: 'true' },
        ],
      },
    ],
  ])('%s', (line, want) => {
    expect(p(line)).toMatchObject({ kind: 'volume-prune', ...want });
  });

  test.each([
    ['docker volume prune --filter foo', /bad format of filter "foo" \(expected name=value\)/],
    ['docker volume prune extra', /accepts no arguments/],
    ['docker volume ls', /cannot preview "docker volume ls"/],
    ['docker volume', /cannot preview "docker volume"/],
  ])('rejects %s', (line, re) => {
    expect(fails(line)).toMatch(re);
  });
});

describe('container and system prune', () => {
  test('container prune', () => {
    expect(p('docker container prune -f --filter until=24h --filter label=a')).toMatchObject({
      kind: 'container-prune',
      filters: [
        { key: 'until', value: '24h' },
        { key: 'label', value: 'a' },
      ],
    });
    // Keys and values are the engine's to refuse (a blocked plan, test/core/plan/filters.test.ts).
    expect(p('docker container prune --filter all=true')).toMatchObject({ filters: [{ key: 'all', value: 'true' }] });
    // An empty --filter is ignored; the key is trimmed and lower-cased, the value trimmed (cli opts.FilterOpt.Set).
    expect(parseDockerCommand(['container', 'prune', '--filter=', '--filter', ' Label = a '])).toMatchObject({
      filters: [{ key: 'label', value: 'a' }],
    });
  });

  test('system prune', () => {
    expect(p('docker system prune -af --volumes')).toMatchObject({ kind: 'system-prune', all: true, volumes: true });
    expect(p('system prune --filter until=1h')).toMatchObject({ volumes: false, filters: [{ key: 'until' }] });
    expect(fails('docker system prune --volumes --filter until=1h')).toMatch(/not supported with "--volumes"/);
  });
});

describe('compose down', () => {
  test('full form', () => {
    const c = p(
      'docker compose -p Shop -f a.yaml --file=b.yaml --project-directory /x --profile tools --env-file .env down -v --remove-orphans --rmi local -t 5 web db',
    );
    expect(c).toEqual({
      kind: 'compose-down',
      tool: 'docker compose',
      projectName: 'Shop',
      files: ['a.yaml', 'b.yaml'],
      projectDirectory: '/x',
      profiles: ['tools'],
      envFiles: ['.env'],
      volumes: true,
      removeOrphans: true,
      rmi: 'local',
      services: ['web', 'db'],
      argv: c.argv,
    });
    expect(c.argv.slice(0, 3)).toEqual(['docker', 'compose', '-p']);
  });

  test('docker-compose and global flags after down', () => {
    expect(p('docker-compose down --volumes -p shop')).toMatchObject({
      kind: 'compose-down',
      tool: 'docker-compose',
      projectName: 'shop',
      volumes: true,
      services: [],
      argv: ['docker-compose', 'down', '--volumes', '-p', 'shop'],
    });
    expect(p('compose -pshop down')).toMatchObject({ projectName: 'shop', volumes: false, rmi: null });
  });

  test.each([
    ['docker compose up', /cannot preview "docker compose up"/],
    ['docker compose down --rmi some', /invalid value for --rmi/],
    ['docker compose --dry-run down', /changes nothing/],
    ['docker compose down -t soon', /invalid argument "soon"/],
  ])('rejects %s', (line, re) => {
    expect(fails(line)).toMatch(re);
  });
});

test.each([
  ['docker run busybox', /cannot preview "docker run"/],
  ['docker image ls', /cannot preview "docker image ls"/],
  ['docker -H tcp://x rm c', /global flag -H/],
  ['docker', /without a command/],
])('anything else is refused with what lastlook can preview: %s', (line, re) => {
  const msg = fails(line);
  expect(msg).toMatch(re);
  if (/cannot preview/.test(msg)) expect(msg).toContain('docker volume prune [-a]');
});

/** Names as the docker CLI sends them (cli container/rm.go, client getAPIPath; verified on 20.10.24 and 26.1.5). */
describe('object references as the docker CLI reads them', () => {
  const q = (args: string[]) => parseDockerCommand(args);
  test.each([
    [
      ['rm', 'web/', '//db'],
      ['web', 'db'],
    ],
    [['rm', '/web'], ['web']],
    [
      ['rm', './web', 'x/../db'],
      ['web', 'db'],
    ],
    [['rm', '-l', '/app/db/'], ['app/db']],
  ])('docker %j reaches the engine as %j', (args, refs) => {
    expect(q(args)).toMatchObject({
      kind: 'rm',
      containers: refs,
      typed: args.slice(1).filter((a) => !a.startsWith('-')),
    });
  });

  test('"/" alone is refused by the CLI, the others still go', () => {
    expect(q(['rm', '-f', '/', 'web'])).toMatchObject({
      containers: ['web'],
      rejected: [{ typed: '/', reason: 'container name cannot be empty' }],
    });
  });

  test('volume rm: no / trimming, but the client cleans the path', () => {
    expect(q(['volume', 'rm', 'v/', '//v', '/v'])).toMatchObject({ volumes: ['v', 'v', 'v'] });
    expect(q(['volume', 'rm', '.', 'v'])).toMatchObject({ volumes: ['v'], rejected: [{ typed: '.' }] });
  });

  test('spaces: CLI 28 trims them, and the plan says so', () => {
    const c = q(['rm', ' web ']);
    expect(c).toMatchObject({ containers: ['web'] });
    expect(c.kind === 'rm' && c.notes?.[0]).toMatch(/CLI 28\+ trims the spaces/);
  });

  test.each([
    [['rm', '../volumes/data'], /would remove the volume "data", not a container/],
    [['volume', 'rm', '../containers/web'], /would remove the container "web", not a volume/],
    [['rm', '../../x'], /leaves \/containers\//],
  ])('an argument whose path leaves its collection is refused: %j', (args, re) => {
    expect(() => q(args)).toThrow(re);
  });
});
