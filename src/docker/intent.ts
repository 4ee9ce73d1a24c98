/**
 * Planning input from the user's own docker CLI: run the command line against the recording endpoint
 * (./intent-client.ts), read the recorded writes as a command (core/client-intent.ts), and say what was assumed.
 * Where no CLI can be asked, the built-in parser's reading serves, and the plan says so.
 */
import { type ClientIntent, describeSent, intentOf } from '../core/client-intent.js';
import type { ParsedCommand, PruneFilter } from '../core/command-line.js';
import { familyOf } from '../core/families/index.js';
import type { Snapshot } from '../core/model.js';
import { mergePruneFilters } from '../core/plan/filters.js';
import { askClient, type ClientRun, type ClientRunRequest } from './intent-client.js';

/** What the planner takes from the client: the command to plan, how to read the snapshot, what to say. */
export interface PlanningIntent {
  /** The command to plan: the client's reading when it was asked, else the parser's. */
  readonly parsed: ParsedCommand;
  /** Applied to the snapshot before planning: the API version the client speaks, pruneFilters it already merged. */
  readonly adjust: (s: Snapshot) => Snapshot;
  /** The client refused the command: the plan is blocked with this reason. */
  readonly refused: string | null;
  /** One line saying what was assumed (client and API version, or the parser), then what the client added. */
  readonly warnings: (s: Snapshot) => string[];
}

/** Where and how to ask the user's CLI: everything {@link askClient} takes but the command line. */
export type IntentRequest = Omit<ClientRunRequest, 'argv'>;

/** Commands whose intent is read from the client. Compose's model is Compose's own (src/compose). */
export function asksClient(parsed: ParsedCommand): boolean {
  return familyOf(parsed).composeProject === undefined;
}

/** A prune: the CLI merges its config's pruneFilters into the command's filters. */
const isPrune = (p: ParsedCommand) => familyOf(p).prune === true;

function filtersOf(p: ParsedCommand): readonly PruneFilter[] {
  return 'filters' in p ? p.filters : [];
}

function parserIntent(parsed: ParsedCommand, why: string): PlanningIntent {
  return {
    parsed,
    adjust: (s) => s,
    refused: null,
    warnings: (s) => [
      `${why}: the built-in parser read the command line (API ${s.engine.apiVersion} as lastlook negotiated${isPrune(parsed) ? ", the config's pruneFilters merged as the 26.1.5 CLI does" : ''})`,
    ],
  };
}

/** What the client added to (or left out of) the filters the command line gave, against the config's pruneFilters. */
function filterNotes(parsed: ParsedCommand, sent: ParsedCommand, config: readonly string[], cli: string): string[] {
  if (!isPrune(parsed)) return [];
  const given = filtersOf(parsed);
  const actual = filtersOf(sent);
  const has = (fs: readonly PruneFilter[], f: PruneFilter) => fs.some((g) => g.key === f.key && g.value === f.value);
  const added = actual.filter((f) => !has(given, f) && f.key !== 'all');
  const fromConfig = mergePruneFilters(given, config).filter((f) => !has(given, f));
  const dropped = fromConfig.filter((f) => !has(actual, f));
  const notes: string[] = [];
  if (added.length > 0) notes.push(`${cli} adds ${describeSent(added)} (pruneFilters from its config)`);
  if (dropped.length > 0) {
    notes.push(
      `${cli} does not send the config's pruneFilters ${dropped.map((f) => `${f.key}=${f.value}`).join(', ')} with this command: the plan does not apply them either`,
    );
  }
  return notes;
}

function fromRecording(parsed: ParsedCommand, run: Extract<ClientRun, { kind: 'ran' }>): PlanningIntent {
  const cli = `docker CLI ${run.cliVersion ?? '(unknown version)'}`;
  const intent: ClientIntent = intentOf(parsed, run);
  if (intent.kind === 'unusable') return parserIntent(parsed, `${cli} was asked but ${intent.reason}`);
  const said = run.stderr.trim() ? ` (it also said: ${run.stderr.trim().split('\n')[0] ?? ''})` : '';
  if (intent.kind === 'refused') {
    return {
      parsed,
      adjust: (s) => s,
      refused: `${cli} refuses this command: ${intent.reason}`,
      warnings: () => [`asked the ${cli} (${run.binary}): it refuses the command and sends nothing`],
    };
  }
  const sent = intent.parsed;
  return {
    parsed: sent,
    // The client merged (or did not merge) the config's pruneFilters itself: the recorded filters are final.
    adjust: (s) => ({
      ...s,
      engine: { ...s.engine, apiVersion: intent.apiVersion ?? s.engine.maxApiVersion },
      pruneFilters: [],
    }),
    refused: null,
    warnings: (s) => [
      `asked the ${cli} (${run.binary}): the plan follows what it sends, at API ${intent.apiVersion ?? `${s.engine.maxApiVersion} (no version in its requests)`}${isPrune(sent) ? `, ${describeSent(filtersOf(sent))}` : ''}${said}`,
      ...filterNotes(parsed, sent, s.pruneFilters, cli),
    ],
  };
}

/**
 * Asks the user's own client what `parsed` would send (its argv, run with the user's environment and folder against
 * a recording endpoint in front of the engine), or falls back to the parser, saying why.
 */
export async function planningIntent(parsed: ParsedCommand, req: IntentRequest): Promise<PlanningIntent> {
  if (!asksClient(parsed)) return { parsed, adjust: (s) => s, refused: null, warnings: () => [] };
  const run = await askClient({ argv: parsed.argv, ...req });
  if (run.kind === 'unavailable') return parserIntent(parsed, run.reason);
  return fromRecording(parsed, run);
}
