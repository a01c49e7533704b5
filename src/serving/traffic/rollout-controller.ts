/**
 * Drives live rollouts in the server that carries the traffic (`osprey serve --endpoint`): every interval it reads
 * each endpoint's deployment, loads the versions it needs (champion, challenger), points the live router at them,
 * and judges the challenger on the evidence gathered since the step began — Argo Rollouts' analysis run, in
 * process. Decisions go through the DeploymentService, so they are recorded with their evidence and two servers
 * never both move a rollout (the revision check); the loser of that race just follows the new record.
 *
 * Everything that matters survives a restart: the phase, step and share are in the store, so a server killed
 * mid-rollout resumes at the recorded step (its evidence for that step starts afresh).
 *
 * Version changes keep every request answerable: versions a new record needs are loaded (next to the ones the
 * router still uses) before the router switches; versions no longer needed are unloaded (drained) after it has.
 */
import { errorMessage, isOspreyError } from '../../core/errors.js';
import type { DeploymentRecord } from '../../store/deployments.js';
import type { JsonObject } from '../../store/metadata-store.js';
import { type EndpointModelRepository, servedVersions } from '../endpoint-model-repository.js';
import type { InferenceService } from '../inference-service.js';
import { ANOTHER_VERSION_FAILED } from '../model-manager.js';
import { analysisPolicyOf } from './analysis-policy.js';
import { analyse, type VariantStats } from './canary-analysis.js';
import type { DeploymentService } from './deployment-service.js';
import { LiveRollout, type LiveRolloutOptions, type RolloutEvidence, type RolloutSnapshot } from './live-rollout.js';

export interface RolloutEvents {
  /** A decision was taken (by this server or another): the deployment moved from `before` to `after`. */
  decided?(endpoint: string, before: DeploymentRecord, after: DeploymentRecord): void;
  failed?(endpoint: string, message: string): void;
}

/** Per model version: how many of its answers since `sinceMs` have their label, and how many of those were right. */
export type LabelledAnswers = (
  endpoint: string,
  sinceMs: number,
) => Promise<ReadonlyMap<string, { labelled: number; correct: number }>>;

export interface RolloutControllerOptions {
  readonly intervalMs: number;
  /** Where labels arrive (the prediction log): a canary is then also judged on accuracy. */
  readonly labelled?: LabelledAnswers;
  readonly rollout?: LiveRolloutOptions;
  readonly events?: RolloutEvents;
}

export class RolloutController {
  readonly #seen = new Map<string, DeploymentRecord>();
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly service: InferenceService,
    private readonly repository: EndpointModelRepository,
    private readonly deployments: DeploymentService,
    private readonly options: RolloutControllerOptions,
  ) {}

  /**
   * Before the server listens: routes every endpoint to its champion (the version start-up loads), so no request
   * can reach a version that is not loaded. The first round (`start`) brings in the challenger.
   */
  async route(): Promise<void> {
    for (const endpoint of await this.repository.names()) {
      const record = await this.repository.deployment(endpoint);
      this.service.rollouts.set(endpoint, new LiveRollout(endpoint, championOnly(record), this.options.rollout));
    }
  }

  /** Once start-up has loaded the champions: the first round at once (not awaited), then one every interval. */
  start(): void {
    const loop = () => {
      this.#running = this.tick().then(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, this.options.intervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: follow each endpoint's deployment and judge the rollouts in progress. Never throws. */
  async tick(): Promise<void> {
    // Endpoints independently: one slow load does not hold the others' rollouts.
    await Promise.all(
      [...this.service.rollouts.keys()].map(async (endpoint) => {
        try {
          await this.#round(endpoint);
        } catch (error) {
          this.options.events?.failed?.(endpoint, errorMessage(error));
        }
      }),
    );
  }

  async #round(endpoint: string): Promise<void> {
    const record = await this.repository.deployment(endpoint);
    await this.#follow(endpoint, record);
    if (record.phase !== 'shadow' && record.phase !== 'canary') return;
    const rollout = this.service.rollouts.get(endpoint)!;
    const evidence = await this.#withAccuracy(rollout.evidence(), record);
    const analysis = analyse(
      evidence.champion,
      evidence.challenger,
      analysisPolicyOf(record.config),
      record.phase === 'shadow' ? (evidence.shadow?.agreement ?? null) : null,
    );
    if (analysis.verdict === 'wait') return;
    let next: DeploymentRecord;
    try {
      next = await this.deployments.judge(
        endpoint,
        analysis,
        {
          phase: record.phase,
          ...(record.phase === 'canary' ? { judgedPercent: rollout.snapshot.percent } : {}),
          champion: evidence.champion as unknown as JsonObject,
          challenger: evidence.challenger as unknown as JsonObject,
          ...(evidence.shadow ? { shadow: evidence.shadow as unknown as JsonObject } : {}),
          shadowSkipped: evidence.shadowSkipped,
        },
        { id: record.id, revision: record.revision },
      );
    } catch (error) {
      // Another server decided first (or a person did): follow the record at the next round.
      if (isOspreyError(error) && (error.code === 'CONFLICT' || error.code === 'INVALID_ARGUMENT')) return;
      throw error;
    }
    await this.#follow(endpoint, next);
  }

  /** Canary: each side's accuracy on the answers of this step whose labels have arrived. */
  async #withAccuracy(evidence: RolloutEvidence, record: DeploymentRecord): Promise<RolloutEvidence> {
    if (this.options.labelled === undefined || record.phase !== 'canary') return evidence;
    const answers = await this.options.labelled(record.endpoint, record.updatedAt);
    const side = (stats: VariantStats, version: string | null): VariantStats => {
      const seen = version === null ? undefined : answers.get(version);
      return seen === undefined || seen.labelled === 0
        ? stats
        : { ...stats, accuracy: seen.correct / seen.labelled, labelled: seen.labelled };
    };
    return {
      ...evidence,
      champion: side(evidence.champion, record.championVersion),
      challenger: side(evidence.challenger, record.challengerVersion),
    };
  }

  /** Why the record's challenger failed to load, when it is the version that failed (not the champion, not I/O). */
  #challengerLoadFailure(record: DeploymentRecord, error: unknown): string | undefined {
    const challenger = record.challengerVersion;
    if (challenger === null || record.phase === 'stable') return undefined;
    const entry = this.service.manager
      .index()
      .find((e) => e.name === record.endpoint && e.version === challenger && e.state === 'UNAVAILABLE');
    // This load's own failure (not an older entry, not the artifact store failing before anything loaded).
    if (entry === undefined || entry.reason === ANOTHER_VERSION_FAILED || entry.reason !== errorMessage(error))
      return undefined;
    return `challenger version ${challenger} could not be loaded: ${entry.reason}`;
  }

  /** Makes the server serve `record`: load what it needs, switch the router, unload what it no longer needs. */
  async #follow(endpoint: string, record: DeploymentRecord): Promise<void> {
    const before = this.#seen.get(endpoint);
    const rollout = this.service.rollouts.get(endpoint)!;
    const wanted = servedVersions(record);
    const loaded = this.service.manager.versionsOf(endpoint).map((v) => v.version);
    const same = before !== undefined && before.revision === record.revision && before.id === record.id;
    if (same && sameVersions(loaded, wanted)) return;
    if (wanted.some((v) => !loaded.includes(v))) {
      try {
        await this.service.manager.load(await this.repository.versions(record, union(wanted, loaded)), {
          keepServed: true,
        });
      } catch (error) {
        // A challenger that cannot even be loaded is rolled back (the champion keeps serving); anything else is
        // retried at the next round.
        const failure = this.#challengerLoadFailure(record, error);
        if (failure === undefined) throw error;
        const rolledBack = await this.deployments.rollback(endpoint, failure, {
          id: record.id,
          revision: record.revision,
        });
        return this.#follow(endpoint, rolledBack);
      }
    }
    rollout.update(snapshotOf(record));
    const now = this.service.manager.versionsOf(endpoint).map((v) => v.version);
    if (!sameVersions(now, wanted))
      await this.service.manager.load(await this.repository.versions(record, wanted), { keepServed: true });
    // Only now: a failed load above is retried at the next round.
    this.#seen.set(endpoint, record);
    if (before !== undefined && !same) this.options.events?.decided?.(endpoint, before, record);
  }
}

/** The router of an endpoint whose challenger is not loaded yet: the champion answers everything. */
function championOnly(d: DeploymentRecord): RolloutSnapshot {
  return { ...snapshotOf(d), phase: 'stable', challenger: null, stepKey: `${d.id}:start` };
}

/** What the router needs of a deployment; a new revision (a decision) starts the evidence afresh. */
export function snapshotOf(d: DeploymentRecord): RolloutSnapshot {
  return {
    phase: d.phase,
    champion: d.championVersion,
    challenger: d.challengerVersion,
    percent: Number(d.state.percent ?? 0),
    shadowPercent: Number(d.config.shadowPercent ?? 100),
    stepKey: `${d.id}:${d.revision}`,
  };
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
const sameVersions = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v) => b.includes(v));
