/** What planning needs from a CLI invocation. Kept apart from the planner so that importing it loads nothing big. */
import type { DockerPort } from '../docker/port.js';
import type { CommandContext } from './context.js';

export interface PlanningContext {
  readonly port: DockerPort;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly configDir: string;
  readonly pinnedApiVersion: string | null;
}

/** The planning context of a CLI invocation: its engine, environment, working folder and docker CLI config. */
export function planningContext(ctx: CommandContext): PlanningContext {
  const connection = ctx.connection();
  return {
    port: ctx.port(),
    env: ctx.env,
    cwd: process.cwd(),
    configDir: connection.configDir,
    pinnedApiVersion: connection.pinnedApiVersion,
  };
}
