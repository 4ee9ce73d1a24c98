/**
 * The Plan: one value that drives the preview (TUI and text), `plan --json` (schema `lastlook.plan/v1`, see
 * shared/DESIGN.md), the backup set and the execution. Sizes that cannot be known are `null`, never a guess.
 */

import type { CommandKind } from '../families/index.js';
import type { EngineKind } from './engine-rules.js';

export const PLAN_SCHEMA = 'lastlook.plan/v1';

/** The command family, from the parsed command line (never from argv words). */
export type { CommandKind };

export interface PlannedContainer {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  /** Writable layer: bytes (`SizeRw`) and number of changed paths; null when unknown. */
  readonly writableLayer: { readonly bytes: number | null; readonly changes: number | null };
  /** Log file bytes (json-file / local driver); null when unknown (e.g. a remote engine). */
  readonly logs: { readonly bytes: number | null };
  /** Why it goes (destroy) or stays (keep). */
  readonly reason: string;
  /** Compose project and service, when the container has those labels. */
  readonly project?: string | null;
  readonly service?: string | null;
}

export interface PlannedVolume {
  readonly name: string;
  /** True when the engine would treat it as anonymous for this command (rm -v: empty mount Spec.Source). */
  readonly anonymous: boolean;
  readonly bytes: number | null;
  readonly reason: string;
  readonly driver?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The volume's `CreatedAt` when the plan was computed (destroyed and orphaned volumes; null when the engine gave
   * none). With the name and driver it identifies the volume: one removed and recreated under the same name
   * before execution is drift.
   */
  readonly createdAt?: string | null;
}

export interface PlannedNetwork {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export interface PlannedImage {
  readonly id: string;
  /** Its references (`repo:tag`): the execution removes each, as the engine's prune does, then the ID if left. */
  readonly tags: readonly string[];
  readonly bytes: number | null;
  readonly reason: string;
}

/** References a command removes from an image that stays (it keeps another tag, a child image or a container). */
export interface PlannedUntag {
  readonly id: string;
  /** The references removed (`DELETE /images/{ref}` each, without pruning parents), in the engine's order. */
  readonly refs: readonly string[];
  /** The references the image keeps. */
  readonly keeps: readonly string[];
  readonly reason: string;
}

/** A build cache record the command removes (builder prune, system prune). */
export interface PlannedBuildCache {
  readonly id: string;
  /** `regular`, `source.local`, `exec.cachemount`, … */
  readonly type: string;
  readonly description: string;
  readonly bytes: number | null;
  readonly reason: string;
}

export interface Plan {
  readonly schema: typeof PLAN_SCHEMA;
  /** The command family the plan was computed for; the execution follows it (e.g. compose down stops first). */
  readonly kind: CommandKind;
  /**
   * The word the user must type to carry the plan out, or null when `y` is enough (no volume data destroyed):
   * the project (compose down), the container (rm) or the volume (volume rm) name, or `prune`.
   */
  readonly confirm: string | null;
  /** The user's command line, normalised with a leading `docker` (or `docker-compose`). */
  readonly command: readonly string[];
  readonly engine: {
    readonly host: string;
    readonly version: string;
    readonly apiVersion: string;
    /** Docker Engine or Podman (core/plan/engine-rules.ts): whose rules the plan followed. */
    readonly kind?: EngineKind;
    /** `Docker Engine 26.1.5`, `Podman 4.3.1`. */
    readonly name?: string;
  };
  /** Set when the engine would refuse the whole command; then `destroy` is empty. */
  readonly blocked: { readonly reason: string } | null;
  readonly destroy: {
    readonly containers: readonly PlannedContainer[];
    readonly volumes: readonly PlannedVolume[];
    readonly networks: readonly PlannedNetwork[];
    readonly images: readonly PlannedImage[];
    /** Build cache records (builder prune, system prune); absent for commands that never remove any. */
    readonly buildCache?: readonly PlannedBuildCache[];
  };
  /** Image references removed from images that stay; absent when none. */
  readonly untag?: readonly PlannedUntag[];
  /** Kept, but no container references them any more afterwards (dangling: a later prune candidate). */
  readonly orphan: { readonly volumes: readonly PlannedVolume[] };
  /** Objects the command touches or the user might expect to go, that stay, with the reason. */
  readonly keep: {
    readonly containers: readonly PlannedContainer[];
    readonly volumes: readonly PlannedVolume[];
    readonly networks: readonly PlannedNetwork[];
  };
  readonly warnings: readonly string[];
  /**
   * `bytes`: exact sum of the known sizes of everything destroyed (writable layers, logs, volumes, images).
   * `unknown`: how many destroyed objects have a size that could not be known (not counted in `bytes`).
   */
  readonly totals: { readonly bytes: number; readonly unknown: number };
}

/** What a family planner computes; ./contract.ts `withContract` makes it a Plan (kind, confirm, volume identity). */
export type PlanBody = Omit<Plan, 'kind' | 'confirm'>;
