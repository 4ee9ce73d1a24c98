/**
 * Issue 16, class "filters as the engine parses them", on an own engine of every kind (prunes are global). Beside
 * prune.test.ts so that the two files run side by side.
 * Run: npx vitest run --project engine test/engine/oracle/prune-filters.test.ts
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { docker, startEngine, stopEngine, type TestEngine } from '../harness.js';
import { oracle } from './oracle.js';
import { reset, volumeZoo } from './prune-helpers.js';

const kinds = ['current', 'modern', 'legacy'] as const;
const own: Partial<Record<(typeof kinds)[number], TestEngine>> = {};

beforeAll(async () => {
  const started = await Promise.all(kinds.map((k) => startEngine(k)));
  for (const e of started) own[e.kind as (typeof kinds)[number]] = e;
});
afterAll(async () => {
  await Promise.all(Object.values(own).map((e) => stopEngine(e)));
});

/**
 * Issue 16, class "filters as the engine parses them": booleans with Go's strconv.ParseBool spellings, one `all`
 * value only (a request below API 1.42 gets `all=true` added by the router), unknown keys and repeated `until`
 * refused by the engine (a blocked plan quoting it; the real command fails and nothing changes), `until` on networks.
 */
describe.each(kinds)('filters as the %s engine parses them', (kind) => {
  const engine = () => own[kind] as TestEngine;
  const legacy = kind === 'legacy';
  beforeEach(async () => reset(engine()));

  test('volume prune --filter all=True: named volumes go (ParseBool); 20.10 refuses the key', async () => {
    await volumeZoo(engine());
    const r = await oracle(engine(), { argv: ['docker', 'volume', 'prune', '-f', '--filter', 'all=True'] });
    if (legacy) {
      expect(r.plan.blocked?.reason).toMatch(/Invalid filter 'all'/);
      expect(r.commandOk).toBe(false);
    } else {
      expect(r.destroyed.volumes).toContain('named');
      expect(r.destroyed.volumes).toHaveLength(7);
    }
  });

  test('DOCKER_API_VERSION=1.41: --filter all=true is accepted (the router adds the same value) and prunes named volumes', async () => {
    await volumeZoo(engine());
    const accepted = await oracle(engine(), {
      argv: ['docker', 'volume', 'prune', '-f', '--filter', 'all=true'],
      env: { DOCKER_API_VERSION: '1.41' },
    });
    expect(accepted.commandOk).toBe(!legacy);
    expect(accepted.destroyed.volumes.includes('named')).toBe(!legacy);
  });

  // Refused command lines change nothing, so they share one state (one reset instead of one each). The engine lists
  // repeated values in Go map order, which varies between calls ([1 true] or [true 1]).
  const refusals: [string[], RegExp, Record<string, string>?][] = [
    [['volume', 'prune', '-f', '--filter', 'all=yes'], /strconv.ParseBool: parsing "yes": invalid syntax/],
    [
      ['volume', 'prune', '-f', '--filter', 'all=true', '--filter', 'all=1'],
      /invalid filter 'all=\[(1 true|true 1)\]': only one value is expected/,
    ],
    [['volume', 'prune', '-f', '--filter', 'all=1'], /only one value is expected/, { DOCKER_API_VERSION: '1.41' }],
    [['volume', 'prune', '-f', '--filter', 'dangling=true'], /nvalid filter 'dangling'/],
    [['container', 'prune', '-f', '--filter', 'foo=1'], /nvalid filter 'foo'/],
    [['container', 'prune', '-f', '--filter', 'until=1h', '--filter', 'until=2h'], /more than one until filter/],
    [['system', 'prune', '-f', '--filter', 'all=true'], /nvalid filter 'all'/],
  ];
  test('refused filter sets (all=yes, repeated all, all=1 at API 1.41, unknown keys, repeated until): blocked with the engine reason, nothing changes', async () => {
    await volumeZoo(engine());
    await docker(engine(), ['network', 'create', 'net']);
    for (const [args, re, env] of refusals) {
      // 20.10 refuses the `all` key itself, whatever its value.
      const want =
        legacy && args.some((a) => a.startsWith('all=')) && args[0] === 'volume' ? /Invalid filter 'all'/ : re;
      const r = await oracle(engine(), { argv: ['docker', ...args], ...(env ? { env } : {}) });
      expect(r.commandOk, args.join(' ')).toBe(false);
      expect(r.commandError).toMatch(want);
      expect(r.plan.blocked?.reason).toMatch(want);
      expect(r.destroyed).toEqual({ containers: [], volumes: [], networks: [], images: [] });
    }
  });

  test('system prune --filter until=1h keeps fresh networks and containers; until=0s removes them', async () => {
    await docker(engine(), ['network', 'create', 'fresh']);
    await docker(engine(), ['network', 'create', '--label', 'x=1', 'fresh-labelled']);
    await docker(engine(), ['create', '--name', 'stopped', '--network', 'fresh', engine().image, 'true']);
    const kept = await oracle(engine(), { argv: ['docker', 'system', 'prune', '-f', '--filter', 'until=1h'] });
    expect(kept.destroyed.networks).toEqual([]);
    expect(kept.destroyed.containers).toEqual([]);
    expect(kept.plan.keep.networks.map((n) => n.reason)).toContain('created after the until filter');
    // The engine truncates its until limit to whole seconds when the command runs: a network created in the same
    // second as the plan is kept by the plan and removed by a command that runs in the next second. Wait (on the
    // clock, not a fixed time) until the network's creation second has passed, so that until=0s means the same to both.
    const created = Date.parse(
      (await docker(engine(), ['network', 'inspect', '-f', '{{.Created}}', 'fresh-labelled'])).trim(),
    );
    while (Date.now() < Math.floor(created / 1000) * 1000 + 1100) await new Promise((r) => setTimeout(r, 50));
    const gone = await oracle(engine(), {
      argv: ['docker', 'system', 'prune', '-f', '--filter', 'until=0s', '--filter', 'label=x=1'],
    });
    expect(gone.plan.destroy.networks.map((n) => n.name)).toEqual(['fresh-labelled']);
  });
});
