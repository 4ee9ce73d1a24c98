/**
 * What every `docker compose …` / `docker-compose …` family shares: Compose's persistent (global) flags, accepted
 * before or after the subcommand, and the project fields they give. Environment (`COMPOSE_PROJECT_NAME`,
 * `COMPOSE_FILE`, …) is not resolved here.
 */
import type { ParseAt } from './family.js';
import { arr, bool, CommandLineError, type FlagSpec, type FlagValues, parseFlags, str } from './pflag.js';

/** Compose's persistent (global) flags; accepted before or after the subcommand. */
export const COMPOSE_GLOBAL: readonly FlagSpec[] = [
  { long: 'project-name', short: 'p', type: 'string' },
  { long: 'file', short: 'f', type: 'array' },
  { long: 'project-directory', type: 'string' },
  { long: 'profile', type: 'array' },
  { long: 'env-file', type: 'array' },
  // Output-only flags: harmless for a preview.
  { long: 'ansi', type: 'string' },
  { long: 'progress', type: 'string' },
  { long: 'parallel', type: 'string' },
  { long: 'compatibility', type: 'bool' },
  { long: 'dry-run', type: 'bool' },
];

/** The project a compose command acts on, as its flags give it. */
export interface ComposeProjectArgs {
  tool: 'docker compose' | 'docker-compose';
  /** `-p/--project-name`, verbatim (Compose lower-cases it later). */
  projectName: string | null;
  /** `-f/--file`, in order. */
  files: string[];
  projectDirectory: string | null;
  profiles: string[];
  envFiles: string[];
}

/**
 * Parses a compose subcommand's arguments (its own flags plus the global ones again) and merges them with the
 * global flags given before it. Refuses `--dry-run` (it changes nothing).
 */
export function parseComposeSub(
  args: readonly string[],
  own: readonly FlagSpec[],
  at: ParseAt,
): { values: FlagValues; positionals: string[]; project: ComposeProjectArgs } {
  const tool = at.compose?.tool ?? 'docker compose';
  const post = parseFlags(args, [...COMPOSE_GLOBAL, ...own], at.where);
  const v: FlagValues = new Map([...(at.compose?.globals ?? [])]);
  for (const [k, val] of post.values) {
    const prev = v.get(k);
    v.set(k, Array.isArray(prev) && Array.isArray(val) ? [...prev, ...val] : val);
  }
  if (bool(v, 'dry-run')) {
    const sub = at.where.slice(tool.length + 1);
    throw new CommandLineError(`"${tool} --dry-run ${sub}" changes nothing; preview the command without --dry-run`);
  }
  const project: ComposeProjectArgs = {
    tool,
    projectName: str(v, 'project-name'),
    files: arr(v, 'file'),
    projectDirectory: str(v, 'project-directory'),
    profiles: arr(v, 'profile'),
    envFiles: arr(v, 'env-file'),
  };
  return { values: v, positionals: post.positionals, project };
}
