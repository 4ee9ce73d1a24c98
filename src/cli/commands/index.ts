import type { Command } from '../context.js';

/**
 * Subcommand table. Each entry loads its module on demand so that `lastlook --help` and the explorer do not pay
 * for code they do not run.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  explore: async () => (await import('./explore.js')).run,
  plan: async () => (await import('./plan.js')).run,
  guard: async () => (await import('./guard.js')).run,
  diff: async () => (await import('./diff.js')).run,
  mounts: async () => (await import('./mounts.js')).run,
  backup: async () => (await import('./backup.js')).run,
  verify: async () => (await import('./verify.js')).run,
  restore: async () => (await import('./restore.js')).run,
};
