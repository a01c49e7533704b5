import { invalidArgument, notFound, OspreyError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { validateName } from '../../core/names.js';
import { nowMillis } from '../../core/time.js';
import type { ModelRegistry } from '../../registry/model-registry.js';
import {
  DEPLOYMENT_STRATEGIES,
  type DeploymentDecision,
  type DeploymentRecord,
  type DeploymentStrategy,
} from '../../store/deployments.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import { checkAnalysisPolicy } from './analysis-policy.js';
import { type Analysis, type AnalysisPolicy, nextMove } from './canary-analysis.js';

/** The revision a decision was prepared against (the record the evidence belongs to). */
export interface ExpectedRevision {
  readonly id: string;
  readonly revision: number;
}

export interface DeployOptions {
  strategy?: DeploymentStrategy;
  /** Canary: the challenger's share at each step, ending at 100 (default 10, 50, 100). */
  steps?: number[];
  /** Shadow: the share of live requests also sent to the challenger (default 100). */
  shadowPercent?: number;
  /** Promotion waits for `osprey deployments approve` (default false). */
  approval?: boolean;
  /** The registry alias that marks the champion (default `champion`). */
  alias?: string;
  /** Overrides of the rollout's analysis thresholds (DEFAULT_ANALYSIS), stored as `config.analysis`. */
  analysis?: Partial<AnalysisPolicy>;
}

const DEFAULT_STEPS = [10, 50, 100];

/**
 * The deployment control plane: `deploy` puts a model version on an endpoint — the first becomes the champion; a
 * later one is the challenger, tried as its strategy says. `judge` applies an analysis (canary-analysis.ts) to the
 * rollout: advance to the next share, promote, or roll back; under `shadow-then-canary` a passing shadow starts the
 * canary instead of promoting. Promotion moves the registry alias atomically; rollback leaves the champion in place.
 * Every decision is recorded with its evidence.
 */
export class DeploymentService {
  constructor(
    private readonly store: MetadataStore,
    private readonly registry: ModelRegistry,
    private readonly now: () => number = nowMillis,
  ) {}

  async deploy(endpoint: string, modelRef: string, options: DeployOptions = {}): Promise<DeploymentRecord> {
    validateName('endpoint', endpoint);
    const strategy = options.strategy ?? 'direct';
    if (!DEPLOYMENT_STRATEGIES.includes(strategy))
      throw invalidArgument(`strategy ${JSON.stringify(strategy)}: use ${DEPLOYMENT_STRATEGIES.join(', ')}`);
    const steps = options.steps ?? DEFAULT_STEPS;
    if (steps.length === 0 || steps.some((s, i) => !(s > 0 && s <= 100) || (i > 0 && s <= steps[i - 1]!)))
      throw invalidArgument(`canary steps ${steps.join(', ')}: give rising percentages in (0, 100]`);
    if (steps.at(-1) !== 100) throw invalidArgument(`canary steps ${steps.join(', ')}: the last step must be 100`);
    const analysis = options.analysis === undefined ? undefined : checkAnalysisPolicy(options.analysis);
    const version = await this.registry.resolve(modelRef);
    const versionText = String(version.version);
    const config: JsonObject = {
      steps,
      shadowPercent: options.shadowPercent ?? 100,
      approval: options.approval ?? false,
      ...(analysis ? { analysis: analysis as JsonObject } : {}),
    };
    const existing = await this.store.deployments.get(endpoint);
    if (!existing) {
      const alias = options.alias ?? 'champion';
      await this.registry.setAlias(version.name, alias, version.version);
      return this.store.deployments.create(
        {
          id: newId(),
          endpoint,
          modelName: version.name,
          alias,
          championVersion: versionText,
          challengerVersion: null,
          strategy,
          phase: 'stable',
          config,
          state: {},
        },
        this.#decision('deploy', null, versionText, { model: version.name, alias }),
      );
    }
    if (existing.modelName !== version.name)
      throw invalidArgument(`endpoint ${endpoint} serves ${existing.modelName}, not ${version.name}`);
    // A pipeline retried after a crash deploys again what it deployed: the rollout under way is that deployment.
    if (existing.challengerVersion === versionText && existing.strategy === strategy) return existing;
    if (existing.phase !== 'stable')
      throw invalidArgument(
        `endpoint ${endpoint} is already trying version ${existing.challengerVersion} (${existing.phase}): ` +
          'promote or roll it back first',
      );
    if (existing.championVersion === versionText)
      throw invalidArgument(`version ${versionText} is already the champion of ${endpoint}`);
    if (strategy === 'direct') return this.#promote(existing, versionText, { strategy: 'direct' });
    const phase = strategy === 'canary' ? 'canary' : 'shadow';
    return this.store.deployments.update(
      existing.id,
      existing.revision,
      {
        challengerVersion: versionText,
        strategy,
        phase,
        config,
        state: phase === 'canary' ? this.#canaryStep(steps, 0) : { since: this.now() },
      },
      this.#decision(
        `start_${phase}`,
        existing.championVersion,
        versionText,
        strategy === phase ? config : { ...config, strategy },
      ),
    );
  }

  /** Applies an analysis of the challenger: wait, advance to the next canary step, promote, or roll back. */
  async judge(
    endpoint: string,
    analysis: Analysis,
    evidence: JsonObject = {},
    expected?: ExpectedRevision,
  ): Promise<DeploymentRecord> {
    const d = await this.required(endpoint, expected);
    if (d.phase !== 'shadow' && d.phase !== 'canary')
      throw invalidArgument(`endpoint ${endpoint} is ${d.phase}: there is no rollout to judge`);
    const challenger = d.challengerVersion!;
    const record = { ...evidence, analysis: analysis as unknown as JsonObject };
    const steps = (d.config.steps as number[] | undefined) ?? DEFAULT_STEPS;
    // A shadow that passes has nothing left to try: it is ready for promotion, or for its canary.
    if (d.phase === 'shadow' && analysis.verdict === 'pass' && d.strategy === 'shadow-then-canary')
      return this.store.deployments.update(
        d.id,
        d.revision,
        { phase: 'canary', state: this.#canaryStep(steps, 0) },
        this.#decision('start_canary', d.championVersion, challenger, { ...record, percent: steps[0]! }),
      );
    const move =
      d.phase === 'shadow'
        ? analysis.verdict === 'pass'
          ? ({ action: 'promote' } as const)
          : analysis.verdict === 'fail'
            ? ({ action: 'rollback' } as const)
            : ({ action: 'wait' } as const)
        : nextMove(steps, Number(d.state.step ?? 0), analysis.verdict);
    if (move.action === 'wait') return d;
    if (move.action === 'rollback') return this.#rollback(d, record);
    if (move.action === 'advance')
      return this.store.deployments.update(
        d.id,
        d.revision,
        { state: this.#canaryStep(steps, move.step) },
        this.#decision('continue', d.championVersion, challenger, { ...record, percent: move.percent }),
      );
    if (d.config.approval === true)
      return this.store.deployments.update(
        d.id,
        d.revision,
        { phase: 'awaiting_approval' },
        this.#decision('await_approval', d.championVersion, challenger, record),
      );
    return this.#promote(d, challenger, record);
  }

  /** A person approves the challenger waiting for approval: it is promoted. */
  async approve(endpoint: string, by: string): Promise<DeploymentRecord> {
    const d = await this.required(endpoint);
    if (d.phase !== 'awaiting_approval')
      throw invalidArgument(`endpoint ${endpoint} is ${d.phase}: nothing awaits approval`);
    return this.#promote(d, d.challengerVersion!, { approvedBy: by });
  }

  /** Ends a rollout now, keeping the champion. */
  async rollback(endpoint: string, reason: string, expected?: ExpectedRevision): Promise<DeploymentRecord> {
    const d = await this.required(endpoint, expected);
    if (d.phase === 'stable') throw invalidArgument(`endpoint ${endpoint} has no challenger to roll back`);
    return this.#rollback(d, { reason });
  }

  /**
   * The endpoint's deployment; with `expected`, only while it is still that revision (CONFLICT otherwise): evidence
   * gathered on one step must never judge the next.
   */
  async required(endpoint: string, expected?: ExpectedRevision): Promise<DeploymentRecord> {
    const d = await this.store.deployments.get(endpoint);
    if (!d) throw notFound(`no deployment named ${JSON.stringify(endpoint)}: see osprey deployments ls`);
    if (expected !== undefined && (d.id !== expected.id || d.revision !== expected.revision))
      throw new OspreyError(
        'CONFLICT',
        `deployment ${endpoint} moved on (revision ${d.revision}, not ${expected.revision}): judge it afresh`,
      );
    return d;
  }

  async #promote(d: DeploymentRecord, version: string, evidence: JsonObject): Promise<DeploymentRecord> {
    const promoted = await this.store.deployments.update(
      d.id,
      d.revision,
      { championVersion: version, challengerVersion: null, phase: 'stable', state: {} },
      this.#decision('promote', d.championVersion, version, evidence),
    );
    // After the decision is recorded (the revision lock has let exactly one control plane through).
    await this.registry.setAlias(d.modelName, d.alias, version);
    return promoted;
  }

  #rollback(d: DeploymentRecord, evidence: JsonObject): Promise<DeploymentRecord> {
    return this.store.deployments.update(
      d.id,
      d.revision,
      { challengerVersion: null, phase: 'stable', state: {} },
      this.#decision('rollback', d.challengerVersion, d.championVersion, evidence),
    );
  }

  #canaryStep(steps: readonly number[], step: number): JsonObject {
    return { step, percent: steps[step]!, since: this.now() };
  }

  #decision(
    decision: string,
    from: string | null,
    to: string | null,
    evidence: JsonObject,
  ): Omit<DeploymentDecision, 'deploymentId'> {
    return { id: newId(), decision, fromVersion: from, toVersion: to, evidence, decidedAt: this.now() };
  }
}
