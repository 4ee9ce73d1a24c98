// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose interpolation syntax under test, not JS templates
import { describe, expect, test } from 'vitest';
import {
  buildComposeModel,
  ComposeModelError,
  checkProjectName,
  interpolateString,
  mergeComposeDocuments,
  normalizeProjectName,
  parseShortVolume,
} from '../../src/core/compose-model.js';

describe('project names (compose-go NormalizeProjectName)', () => {
  test.each([
    ['My App', 'myapp'],
    ['_shop.v2', 'shopv2'],
    ['--a_b-C', 'a_b-c'],
    ['näme', 'nme'],
  ])('%s → %s', (input, out) => expect(normalizeProjectName(input)).toBe(out));

  test('an explicit name must already be normalised', () => {
    expect(checkProjectName('shop_1', '-p')).toBe('shop_1');
    expect(() => checkProjectName('Shop', '-p')).toThrow(ComposeModelError);
  });
});

describe('interpolation', () => {
  const env = { A: 'x', EMPTY: '' };
  test.each([
    ['${A}', 'x'],
    ['$A/$B', 'x/'],
    ['${B:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${A:+alt}', 'alt'],
    ['${B:+alt}', ''],
    ['$${A}', '${A}'],
    ['${B:-${A}-n}', 'x-n'],
  ])('%s → %s', (input, out) => expect(interpolateString(input, env)).toBe(out));

  test('${VAR:?msg} fails when unset, like Compose', () => {
    expect(() => interpolateString('${B:?need B}', env)).toThrow(/need B/);
  });
});

describe('volume syntax', () => {
  test.each([
    ['/scratch', { type: 'volume', source: null, target: '/scratch' }],
    ['data:/var/db', { type: 'volume', source: 'data', target: '/var/db' }],
    ['./src:/app:ro', { type: 'bind', source: './src', target: '/app' }],
  ])('%s', (spec, out) => expect(parseShortVolume(spec)).toEqual(out));
});

describe('buildComposeModel', () => {
  const doc = mergeComposeDocuments([
    {
      services: {
        db: { image: 'pg', volumes: ['/scratch', 'dbdata:/var/db'] },
        web: { image: 'web', depends_on: ['db'], networks: ['front'] },
        tool: { image: 't', profiles: ['tools'], volumes: [{ type: 'volume', source: 'toolvol', target: '/t' }] },
      },
      volumes: { dbdata: null, toolvol: null, unused: null, ext: { external: true } },
      networks: { front: { name: 'shared-front' } },
    },
    // An override: replaces db's /scratch mount by target, adds a network to db.
    { services: { db: { volumes: ['cache:/scratch'], networks: ['default'] } }, volumes: { cache: {} } },
  ]);
  const base = { name: 'shop', workingDir: '/w', files: ['/w/compose.yaml'], selected: [] as string[] };

  test('profiles and WithoutUnnecessaryResources', () => {
    const m = buildComposeModel(doc, { ...base, profiles: [] });
    expect(m.services.map((s) => s.name).sort()).toEqual(['db', 'web']);
    expect(m.profileDisabled).toEqual(['tool']);
    expect(m.volumes.map((v) => v.name).sort()).toEqual(['shop_cache', 'shop_dbdata']);
    expect(m.unusedVolumes.map((v) => v.key).sort()).toEqual(['ext', 'toolvol', 'unused']);
    expect(m.networks.map((n) => n.name).sort()).toEqual(['shared-front', 'shop_default']);
    expect(m.services.find((s) => s.name === 'db')?.volumes).toEqual([
      { type: 'volume', source: 'cache', target: '/scratch' },
      { type: 'volume', source: 'dbdata', target: '/var/db' },
    ]);
  });

  test('--profile enables the service and its volume; `*` enables all', () => {
    const m = buildComposeModel(doc, { ...base, profiles: ['tools'] });
    expect(m.volumes.map((v) => v.key).sort()).toEqual(['cache', 'dbdata', 'toolvol']);
    expect(buildComposeModel(doc, { ...base, profiles: ['*'] }).profileDisabled).toEqual([]);
  });

  test('SERVICE args: the selection and its dependencies act; resources stay those of all enabled services', () => {
    const m = buildComposeModel(doc, { ...base, profiles: [], selected: ['web'] });
    expect(m.services.map((s) => s.name).sort()).toEqual(['db', 'web']);
    const d = buildComposeModel(doc, { ...base, profiles: [], selected: ['db'] });
    expect(d.services.map((s) => s.name)).toEqual(['db']);
    expect(d.disabledServices.map((s) => s.name).sort()).toEqual(['tool', 'web']);
    expect(d.volumes.map((v) => v.key).sort()).toEqual(['cache', 'dbdata']);
    expect(() => buildComposeModel(doc, { ...base, profiles: [], selected: ['nope'] })).toThrow(
      'no such service: nope',
    );
  });

  test('external resources keep their own name', () => {
    const m = buildComposeModel(
      { services: { a: { image: 'x', volumes: ['ext:/e'] } }, volumes: { ext: { external: true } } },
      { ...base, profiles: [] },
    );
    expect(m.volumes).toEqual([{ key: 'ext', name: 'ext', external: true }]);
  });

  test('an undefined named volume is an error, as in Compose', () => {
    expect(() =>
      buildComposeModel({ services: { a: { image: 'x', volumes: ['nope:/n'] } } }, { ...base, profiles: [] }),
    ).toThrow(/undefined volume nope/);
  });
});
