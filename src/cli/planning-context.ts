/** What planning needs from a CLI invocation. Kept apart from the planner so that importing it loads nothing big. */
import type { Connection, TlsFiles } from '../docker/connection.js';
import type { PlanningIntent } from '../docker/intent.js';
import type { DockerPort } from '../docker/port.js';
import type { CommandContext } from './context.js';

export interface PlanningContext {
  readonly port: DockerPort;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly configDir: string;
  readonly pinnedApiVersion: string | null;
  /**
   * The engine's address, for asking the user's own docker CLI what a command line would send (through a local
   * recording endpoint, src/docker/intent-recorder.ts). Absent: no client is asked, the built-in parser serves.
   */
  readonly client?: {
    readonly host: string;
    readonly tls: TlsFiles | null;
    /** What the client said per command line, kept for the run (guard plans the same line again before executing). */
    readonly asked: Map<string, Promise<PlanningIntent>>;
  };
}

/** The planning context of a CLI invocation: its engine, environment, working folder and docker CLI config. */
export function planningContext(ctx: CommandContext): PlanningContext {
  return planningContextOf(ctx.connection(), ctx.port(), ctx.env);
}

/** The same for one engine of several (`plan --context a --context b`). */
export function planningContextOf(
  connection: Connection,
  port: DockerPort,
  env: Readonly<Record<string, string | undefined>>,
): PlanningContext {
  return {
    port,
    env,
    cwd: process.cwd(),
    configDir: connection.configDir,
    pinnedApiVersion: connection.pinnedApiVersion,
    client: { host: connection.host, tls: connection.tls, asked: new Map() },
  };
}
