/**
 * `docker network prune [--filter …]` (shared/docker-semantics.md §4), as the engine's `localNetworksPrune` does
 * it: every network that is not predefined (bridge, host, none) nor config-only, created before `until`, matching
 * the `label` / `label!` filters, and without endpoints. Only running and paused containers have endpoints: a
 * network used only by stopped or created containers goes, and they then fail to start. Pure.
 */
import type { PruneFilter } from '../command-line.js';
import type { Snapshot } from '../model.js';
import { mergePruneFilters, toArgs, untilLimit, validateKeys } from './filters.js';
import { CONTAINER_PRUNE_KEYS, configWarning, engineRefusal, networkStep } from './prune.js';
import { makePlan, type PlanExtra } from './totals.js';
import type { PlanBody } from './types.js';

export interface NetworkPruneArgs {
  readonly filters: readonly PruneFilter[];
  readonly argv: readonly string[];
}

export function planNetworkPrune(snapshot: Snapshot, cmd: NetworkPruneArgs, extra: PlanExtra = {}): PlanBody {
  void extra;
  const filters = mergePruneFilters(cmd.filters, snapshot.pruneFilters);
  const warnings = configWarning(cmd.filters, filters);
  const args = toArgs(filters);
  // `POST /networks/prune` accepts the keys of the container prune (daemon/prune.go networksAcceptedFilters).
  const bad = validateKeys(args, CONTAINER_PRUNE_KEYS, snapshot.engine.version);
  const until = untilLimit(args, snapshot.takenAt);
  const refusal = bad ?? ('refusal' in until ? until.refusal : null);
  if (refusal !== null || 'refusal' in until) {
    return makePlan(snapshot, cmd.argv, { blocked: { reason: engineRefusal('network', refusal ?? '') }, warnings });
  }
  const nets = networkStep(snapshot, args, until.limit, snapshot.containers);
  return makePlan(snapshot, cmd.argv, {
    destroy: { networks: nets.destroy },
    keep: { networks: nets.keep },
    warnings: [...warnings, ...nets.warnings],
  });
}
