import { describe, expect, test } from 'vitest';
import { applySizes } from '../../../src/core/plan/totals.js';
import { ENGINES, plan, recordedSizes, snapshot } from './recorded.js';

/**
 * `lastlook plan` plans once, measures the plan's objects, then fills the sizes in with applySizes instead of
 * planning again: on every recorded snapshot and command the result must equal planning with the sizes.
 */
const COMMANDS: readonly (readonly string[])[] = [
  ['docker', 'rm', 'sem-exited'],
  ['docker', 'rm', '-v', 'sem-exited', 'sem-created'],
  ['docker', 'rm', '-f', '-v', 'sem-run'],
  ['docker', 'rm', 'sem-run'],
  ['docker', 'volume', 'prune'],
  ['docker', 'volume', 'prune', '-a'],
  ['docker', 'volume', 'rm', 'sem-inuse'],
  ['docker', 'container', 'prune'],
  ['docker', 'system', 'prune', '--volumes'],
  ['docker', 'system', 'prune', '-a', '--volumes'],
];

describe.each(ENGINES)('applySizes on the recording of %s', (version) => {
  const s = snapshot(version);
  const sizes = recordedSizes(version);
  test.each(COMMANDS.map((c) => [c.join(' '), c] as const))('%s', (_name, argv) => {
    const replanned = plan(s, argv, sizes);
    expect(applySizes(plan(s, argv), sizes)).toEqual(replanned);
    // And the sizes really are there (the comparison is not between two sizeless plans).
    const known = [
      ...replanned.destroy.containers.map((c) => c.writableLayer.bytes),
      ...replanned.destroy.volumes.map((v) => v.bytes),
    ];
    if (known.length > 0) expect(known.some((b) => b !== null)).toBe(true);
  });
});
