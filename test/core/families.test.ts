/**
 * The registry of command families (src/core/families): every family is reached by the parser through its routes,
 * appears in the usage and help text, and owns its explorer keys. Pure: no engine.
 */
import { describe, expect, test } from 'vitest';
import { parseDockerCommand } from '../../src/core/command-line.js';
import { FAMILIES, familyOf, HELP_LINES, PREVIEWS, SUPPORTED_COMMANDS } from '../../src/core/families/index.js';
import { KEYMAP } from '../../src/core/keymap.js';

/** One command line per route of each family (a new family adds its own). */
const SAMPLES: Record<string, string[]> = {
  rm: ['docker rm web', 'docker container rm web', 'docker container remove web'],
  'compose-down': ['docker compose -p shop down', 'docker-compose -p shop down -v'],
  'volume-rm': ['docker volume rm data', 'docker volume remove data'],
  'volume-prune': ['docker volume prune -a'],
  'container-prune': ['docker container prune'],
  'system-prune': ['docker system prune --volumes'],
  'network-prune': ['docker network prune --filter until=1h'],
  'image-prune': ['docker image prune -a'],
  'builder-prune': ['docker builder prune -a', 'docker buildx prune -f'],
  'compose-rm': ['docker compose -p shop rm -s -v', 'docker-compose -p shop rm -f'],
};

describe('the registry', () => {
  test('every family has samples for its routes, and each parses to that family', () => {
    for (const f of FAMILIES) {
      const samples = SAMPLES[f.kind];
      expect(samples, `samples for ${f.kind}`).toBeDefined();
      for (const line of samples ?? []) {
        const parsed = parseDockerCommand(line.split(' '));
        expect(parsed.kind).toBe(f.kind);
        expect(familyOf(parsed)).toBe(f);
      }
    }
  });

  test('kinds and preview ids are unique; every preview key is in the keymap', () => {
    const kinds = FAMILIES.map((f) => f.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const ids = PREVIEWS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    // A preview destroys nothing (read-only mode allows it): only carrying it out is a destructive binding.
    for (const p of PREVIEWS) {
      expect(KEYMAP.some((b) => b.keys.join() === p.keys.join() && b.label === p.label && !b.destructive)).toBe(true);
    }
  });

  test('usage and help list every family', () => {
    for (const f of FAMILIES) {
      for (const line of f.usage) expect(SUPPORTED_COMMANDS).toContain(line);
      for (const line of f.help ?? f.usage) expect(HELP_LINES).toContain(line);
    }
  });

  test('an unknown word after a known command names both', () => {
    expect(() => parseDockerCommand(['docker', 'container', 'ls'])).toThrow(/cannot preview "docker container ls"/);
    expect(() => parseDockerCommand(['docker', 'system'])).toThrow(/cannot preview "docker system"/);
    expect(() => parseDockerCommand(['docker', 'compose', 'rmx'])).toThrow(/cannot preview "docker compose rmx"/);
  });
});
