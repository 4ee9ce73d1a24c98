/**
 * The Plan as the execution contract: what kind of command it is, the word a user must type to carry it out, and
 * the identity of every volume it names (name, driver and CreatedAt), all computed from the parsed command and the
 * snapshot, never by reading argv words. Guard, the explorer and the executor act on these fields only.
 */
import type { ParsedCommand } from '../command-line.js';
import { familyOf } from '../families/index.js';
import type { Snapshot } from '../model.js';
import type { CommandKind, Plan, PlanBody, PlannedVolume } from './types.js';

/**
 * What the user must type to confirm, or null when y is enough. Destroying volume data asks for a name the user
 * can check (Shopify's DangerousConfirmationPrompt): each family says which (the project for compose down, the
 * container for rm, the volume for volume rm; prunes, which name nothing, ask for `prune`).
 */
export function confirmationWord(parsed: ParsedCommand, plan: PlanBody): string | null {
  if (plan.blocked || plan.destroy.volumes.length === 0) return null;
  return familyOf(parsed).confirmation(parsed, plan);
}

/** The word to type for `plan` (null: y is enough). The one policy guard and the explorer follow. */
export function requiredConfirmation(plan: Pick<Plan, 'confirm'>): string | null {
  return plan.confirm;
}

/**
 * How many removals carrying out `plan` takes: every container, volume, network, image and build cache record it
 * destroys, and every tag it removes from an image that stays. Zero means there is nothing to carry out.
 */
export function removalCount(plan: Pick<PlanBody, 'destroy' | 'untag'>): number {
  const d = plan.destroy;
  return (
    d.containers.length +
    d.volumes.length +
    d.networks.length +
    d.images.length +
    (d.buildCache?.length ?? 0) +
    (plan.untag ?? []).reduce((n, u) => n + u.refs.length, 0)
  );
}

/** Fills each volume's identity (driver, CreatedAt) from the snapshot the plan was computed from. */
function identify(snapshot: Pick<Snapshot, 'volumes'>, volumes: readonly PlannedVolume[]): PlannedVolume[] {
  const byName = new Map(snapshot.volumes.map((v) => [v.name, v]));
  return volumes.map((v) => {
    const info = byName.get(v.name);
    return { ...v, driver: v.driver ?? info?.driver ?? 'local', createdAt: info?.createdAt ?? null };
  });
}

/** A family planner's result made into the contract: kind, confirmation word, volume identities. */
export function withContract(snapshot: Pick<Snapshot, 'volumes'>, parsed: ParsedCommand, body: PlanBody): Plan {
  const destroy = { ...body.destroy, volumes: identify(snapshot, body.destroy.volumes) };
  const identified: PlanBody = { ...body, destroy, orphan: { volumes: identify(snapshot, body.orphan.volumes) } };
  const kind: CommandKind = parsed.kind;
  return { ...identified, kind, confirm: confirmationWord(parsed, identified) };
}
