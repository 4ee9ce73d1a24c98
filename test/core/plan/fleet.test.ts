/**
 * `lastlook plan --context a --context b`: the `lastlook.plans/v1` shape, its text form and exit code, over plans
 * computed from snapshots recorded on the private 26.1.5 and 20.10.24 engines (recorded.ts).
 */
import { describe, expect, test } from 'vitest';
import {
  FLEET_SCHEMA,
  fleetExitCode,
  formatFleetPlan,
  identityOf,
  makeFleetPlan,
} from '../../../src/core/plan/fleet.js';
import { plan, recordedSizes, snapshot } from './recorded.js';

const argv = ['docker', 'volume', 'prune', '-a'];
const modern = snapshot('26.1.5');
const legacy = snapshot('20.10.24');
const planModern = plan(modern, argv, recordedSizes('26.1.5'));
const planLegacy = plan(legacy, ['docker', 'volume', 'prune'], recordedSizes('20.10.24'));

describe('a plan per context', () => {
  const fleet = makeFleetPlan(argv, [
    { context: 'a', host: modern.engine.host, engine: identityOf(modern.engine), plan: planModern, error: null },
    {
      context: 'gone\u001b[31m',
      host: 'unix:///nowhere.sock',
      engine: null,
      plan: null,
      error: { message: 'cannot reach the engine at unix:///nowhere.sock', remedy: 'start it', exitCode: 3 },
    },
    { context: 'b', host: legacy.engine.host, engine: identityOf(legacy.engine), plan: planLegacy, error: null },
  ]);

  test('one slot per context in the order asked, each a whole plan or an error', () => {
    expect(fleet.schema).toBe(FLEET_SCHEMA);
    expect(fleet.contexts.map((c) => c.context)).toEqual(['a', 'gone\u001b[31m', 'b']);
    expect(fleet.contexts[0]?.plan).toBe(planModern);
    expect(fleet.contexts[1]?.plan).toBeNull();
    expect(fleet.failed).toBe(1);
    expect(fleet.totals.bytes).toBe(planModern.totals.bytes + planLegacy.totals.bytes);
  });

  test('the exit code is the first failed context’s; the others are still planned', () => {
    expect(fleetExitCode(fleet)).toBe(3);
    expect(
      fleetExitCode(
        makeFleetPlan(
          argv,
          [fleet.contexts[0], fleet.contexts[2]].filter((c) => c !== undefined),
        ),
      ),
    ).toBe(0);
  });

  test('text: a section per context with its engine identity; names escaped', () => {
    const text = formatFleetPlan(fleet);
    const sections = text.split('\n').filter((l) => l.startsWith('=== context'));
    expect(sections).toHaveLength(3);
    expect(sections[0]).toContain(
      `Engine ${modern.engine.version} (API ${modern.engine.apiVersion}) · ${modern.engine.os}/`,
    );
    expect(sections[2]).toContain(`Engine ${legacy.engine.version}`);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('NOT PLANNED: cannot reach the engine at unix:///nowhere.sock');
    expect(text).toContain('2 of 3 contexts planned; 1 could not be');
    // Each context's own plan text is there whole.
    expect(planModern.destroy.volumes.length).toBeGreaterThan(0);
    for (const v of planModern.destroy.volumes.slice(0, 3)) expect(text).toContain(v.name.slice(0, 12));
  });
});
