import type { JsonObject } from './metadata-store.js';

/**
 * Deployments: an endpoint served by `osprey serve` with a champion model version and, during a rollout, a
 * challenger. `strategy` says how the challenger is tried: `direct` (it replaces the champion at once), `shadow`
 * (it sees a share of live requests, its answers are recorded and compared, never returned), `canary` (it answers
 * a rising share of requests, step by step) or `shadow-then-canary` (a shadow first; once its analysis passes, a
 * canary from the first step). Every decision — deploy, start, continue, promote, roll back,
 * approve — is recorded with its evidence.
 *
 * Contract: every method is one transaction; `update` applies only when the deployment is still at the revision
 * the caller read (`expectedRevision`), else CONFLICT, so two control planes never both move a rollout.
 */
export const DEPLOYMENT_STRATEGIES = ['direct', 'shadow', 'canary', 'shadow-then-canary'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** stable: the champion alone; shadow/canary: a challenger on trial; awaiting_approval: a person must decide. */
export type DeploymentPhase = 'stable' | 'shadow' | 'canary' | 'awaiting_approval';

export interface DeploymentRecord {
  id: string;
  endpoint: string;
  modelName: string;
  /** The alias that marks the champion in the registry (e.g. `champion`). */
  alias: string;
  championVersion: string;
  challengerVersion: string | null;
  strategy: DeploymentStrategy;
  phase: DeploymentPhase;
  /** Shadow share, canary steps, analysis thresholds, approval policy. */
  config: JsonObject;
  /** Where the rollout is: canary step, share, since when. */
  state: JsonObject;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export type NewDeployment = Omit<DeploymentRecord, 'revision' | 'createdAt' | 'updatedAt'>;

export type DeploymentChange = Partial<
  Pick<DeploymentRecord, 'championVersion' | 'challengerVersion' | 'strategy' | 'phase' | 'config' | 'state'>
>;

export interface DeploymentDecision {
  id: string;
  deploymentId: string;
  /** deploy, start_shadow, start_canary, continue, promote, rollback, approve, reject. */
  decision: string;
  fromVersion: string | null;
  toVersion: string | null;
  /** Why: the analysis that decided (error rates, latency p99, agreement…), or who approved. */
  evidence: JsonObject;
  decidedAt: number;
}

export interface DeploymentRepository {
  /** ALREADY_EXISTS when the endpoint is taken. */
  create(input: NewDeployment, decision: Omit<DeploymentDecision, 'deploymentId'>): Promise<DeploymentRecord>;
  get(endpointOrId: string): Promise<DeploymentRecord | undefined>;
  /** Ordered by endpoint. */
  list(): Promise<DeploymentRecord[]>;
  /**
   * Applies `change` and records `decision` together, when the deployment is still at `expectedRevision`
   * (CONFLICT otherwise; NOT_FOUND when absent). Returns the new record (revision + 1).
   */
  update(
    id: string,
    expectedRevision: number,
    change: DeploymentChange,
    decision: Omit<DeploymentDecision, 'deploymentId'>,
  ): Promise<DeploymentRecord>;
  /** A deployment's decisions in the order taken (an update dates its decision after the previous change). */
  decisions(deploymentId: string): Promise<DeploymentDecision[]>;
}
