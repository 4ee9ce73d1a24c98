/**
 * What the user's own docker CLI would send, read back as a command for the planner. The requests were recorded by
 * src/docker/intent-recorder.ts (the user's `docker` ran against a local endpoint that answers writes itself); here
 * they become a ParsedCommand of the same kind whose names, flags and filters are exactly what that CLI sent, plus
 * the API version it spoke. Pure: no I/O.
 *
 * Compose down is not read from here: its model comes from Compose itself (src/compose); a recorded compose down is
 * only compared with it (test/engine/intent-measure.test.ts).
 */
import { type IntentWrite, parseRequest, sameVersion } from './client-requests.js';
import type { ParsedCommand, PruneFilter } from './command-line.js';
import { familyOf } from './families/index.js';

export { decodeFilters, parseRequest } from './client-requests.js';
export type { IntentWrite };

/** A run of the user's client against the recording endpoint. */
export interface ClientRecording {
  readonly cliVersion: string | null;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly writes: readonly IntentWrite[];
}

export type ClientIntent =
  /** The command as the client sends it; `apiVersion` null when the client sent no `/vX.Y/` prefix. */
  | { readonly kind: 'command'; readonly parsed: ParsedCommand; readonly apiVersion: string | null }
  /** The client refused the command before sending anything (exit code non-zero, no write): `reason` is its word. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The recording does not fit the parsed command (an unexpected request): the parser serves, saying why. */
  | { readonly kind: 'unusable'; readonly reason: string };

const unusable = (reason: string): ClientIntent => ({ kind: 'unusable', reason });

/** The command `recording` shows, of the same kind as `parsed` (the parser's reading of the same command line). */
export function intentOf(parsed: ParsedCommand, recording: ClientRecording): ClientIntent {
  const requests = recording.writes.map(parseRequest);
  if (requests.length === 0) {
    const said = recording.stderr.trim().split('\n')[0] ?? '';
    if (recording.exitCode !== 0) return { kind: 'refused', reason: said || `exit code ${recording.exitCode}` };
  }
  // buildx's gRPC tunnel (`/grpc`, `/session`) carries no API version of its own.
  const versioned = requests.filter((r) => r.path !== '/grpc' && r.path !== '/session');
  const apiVersion = versioned.length > 0 ? sameVersion(versioned) : null;
  if (apiVersion === undefined) return unusable('the client spoke several API versions');
  const command = (p: ParsedCommand): ClientIntent => ({ kind: 'command', parsed: p, apiVersion });
  const read = familyOf(parsed).fromClient;
  if (!read) return unusable('lastlook does not read this command from the client');
  const sent = read(parsed, requests);
  return typeof sent === 'string' ? unusable(sent) : command(sent as ParsedCommand);
}

/** `label!=keep, until=24h` */
export function describeSent(filters: readonly PruneFilter[]): string {
  return filters.length === 0 ? 'no filters' : `filters ${filters.map((f) => `${f.key}=${f.value}`).join(', ')}`;
}
