import type { Command } from '../context.js';

/**
 * Subcommand table. Each entry loads its module on demand so that `lastlook --help` and the explorer do not pay
 * for code they do not run.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  explore: async () => (await import('./explore.js')).run,
  plan: async () => (await import('./plan.js')).run,
  diff: async () => (await import('./diff.js')).run,
  mounts: async () => (await import('./mounts.js')).run,
};
