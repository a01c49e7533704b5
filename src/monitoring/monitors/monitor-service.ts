import { errorMessage, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { validateName } from '../../core/names.js';
import { nowMillis } from '../../core/time.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { AlertRecord, MonitorRecord, PredictionRecord } from '../../store/monitors.js';
import type { DatasetAccess } from '../drift/read-tables.js';
import type { DriftReport } from '../drift/types.js';
import { type FireTrigger, OPERATIONAL, runActions } from './actions.js';
import { configJson, type MonitorConfig, parseMonitorConfig } from './config.js';
import { type Compared, compareDrift, ReadFailure, type Resolved } from './drift-compare.js';
import { checkPerformance, type PerformanceVerdict } from './performance-check.js';

export type { FireTrigger } from './actions.js';

export interface MonitorDeps {
  openDatasets: () => Promise<DatasetAccess>;
  fireTrigger: FireTrigger;
  now?: () => number;
  fetch?: typeof fetch;
}

type Episode = { key: string; since: number; alerted: boolean };

/** A monitor's memory between evaluations. */
interface MonitorState {
  lastEvaluatedAt?: number;
  /** The drift episode in progress: drifted evaluations in a row share it and raise one alert. */
  episode?: Episode | null;
  /** The performance episode in progress: breaching verdicts in a row share it and raise one alert. */
  performanceEpisode?: Episode | null;
  /** The read-failure episode in progress: failed evaluations in a row share it and raise one operational alert. */
  failure?: Episode | null;
  lastAlertAt?: number;
  last?: {
    at: number;
    rows: number;
    datasetDrift: boolean | null;
    driftShare: number | null;
    note: string | null;
    /** What was compared with: a dataset version (`name@N`) or a file; null when not resolved. */
    reference: string | null;
    /** `models:/NAME/VERSION` when the reference is an endpoint's champion. */
    champion: string | null;
    /** Why the source or reference could not be read (an operational failure), else null. */
    error: string | null;
    /** The performance verdict in short; null when none is configured or the prediction log could not be read. */
    performance: LastPerformance | null;
  };
}

type LastPerformance = Pick<
  PerformanceVerdict,
  'metric' | 'value' | 'min' | 'max' | 'predictions' | 'labelled' | 'breached' | 'note'
>;

const PERFORMANCE = 'performance';

export interface Evaluation {
  monitor: string;
  /** Null when there was no current data to compare, or it could not be read (`note` says why). */
  report: DriftReport | null;
  note: string | null;
  /** The dataset version (`name@N`) or file compared with; null when it was not resolved. */
  reference: string | null;
  /** Set when the source or reference could not be read (an operational failure; the alert says so once). */
  error: string | null;
  /** The performance verdict when the monitor bounds a metric and its prediction log could be read. */
  performance: PerformanceVerdict | null;
  /**
   * The first alert this evaluation raised, if any (not one for an episode already alerted, nor during cooldown):
   * the `data_drift` or `operational` one, else the `performance` one.
   */
  alert: AlertRecord | null;
  /** Every alert it raised, in that order. */
  alerts: AlertRecord[];
}

/**
 * Monitors: each compares a current window (a deployment's prediction log, a dataset's newest version, a file)
 * with its reference (a dataset version, a file, or the training data of an endpoint's champion), on a schedule.
 * On drift it raises one `data_drift` alert per drift episode, and when a deployment's labelled predictions score
 * outside the configured bound one `performance` alert per performance episode — never again within the cooldown
 * of either — and runs its actions once for each (start a continuous-training trigger, call a webhook). When the
 * source or reference cannot be read it raises one `operational` alert per failure episode (webhooks only). `osprey server` calls `tick`;
 * `osprey monitors run` calls `evaluate`.
 */
export class MonitorService {
  constructor(
    private readonly store: MetadataStore,
    private readonly deps: MonitorDeps,
  ) {}

  #now(): number {
    return this.deps.now?.() ?? nowMillis();
  }

  async add(name: string, config: unknown): Promise<MonitorRecord> {
    const parsed = parseMonitorConfig(config);
    return this.store.monitors.create({
      id: newId(),
      name: validateName('monitor', name),
      config: configJson(parsed),
      state: {},
    });
  }

  async required(nameOrId: string): Promise<MonitorRecord> {
    const monitor = await this.store.monitors.get(nameOrId);
    if (!monitor) throw notFound(`no monitor named ${JSON.stringify(nameOrId)}: see osprey monitors ls`);
    return monitor;
  }

  /**
   * Evaluates every enabled monitor whose schedule is due; one failing monitor does not stop the others. `errors`
   * lists the monitors that could not be evaluated, read failures included (those also raise operational alerts).
   */
  async tick(): Promise<{ evaluations: Evaluation[]; errors: { monitor: string; error: string }[] }> {
    const evaluations: Evaluation[] = [];
    const errors: { monitor: string; error: string }[] = [];
    for (const monitor of await this.store.monitors.list()) {
      if (!monitor.enabled) continue;
      try {
        const config = parseMonitorConfig(monitor.config);
        const state = monitor.state as MonitorState;
        if (state.lastEvaluatedAt !== undefined && this.#now() - state.lastEvaluatedAt < config.everySeconds * 1000)
          continue;
        const evaluation = await this.evaluate(monitor.name);
        evaluations.push(evaluation);
        if (evaluation.error) errors.push({ monitor: monitor.name, error: evaluation.error });
      } catch (error) {
        errors.push({ monitor: monitor.name, error: errorMessage(error) });
      }
    }
    return { evaluations, errors };
  }

  /**
   * Evaluates one monitor now: drift report (or read failure) and performance verdict, episode bookkeeping,
   * alerts and actions.
   */
  async evaluate(nameOrId: string): Promise<Evaluation> {
    const monitor = await this.required(nameOrId);
    const config = parseMonitorConfig(monitor.config);
    const state = { ...(monitor.state as MonitorState) };
    const now = this.#now();
    const resolved: Resolved = {
      reference: typeof config.reference === 'string' ? config.reference : null,
      champion: null,
    };
    let performance: PerformanceVerdict | null = null;
    let compared: Compared | null = null;
    let failure: ReadFailure | null = null;
    try {
      const window = await this.#window(config, now);
      if (config.performance && window)
        performance = checkPerformance(config.performance, window, await this.#championVersion(config));
      compared = await compareDrift(
        { store: this.store, openDatasets: this.deps.openDatasets },
        config,
        window,
        resolved,
      );
    } catch (error) {
      if (!(error instanceof ReadFailure)) throw error;
      failure = error;
    }
    state.lastEvaluatedAt = now;
    const summary = performance && summarize(performance);
    const alerts: AlertRecord[] = [];
    const first = failure
      ? await this.#failed(monitor, config, state, now, failure, resolved, summary)
      : await this.#drift(monitor, config, state, now, compared!, resolved, summary);
    if (first) alerts.push(first);
    const breach = performance && (await this.#performance(monitor, config, state, now, performance));
    if (breach) alerts.push(breach);
    await this.store.monitors.saveState(monitor.id, state as JsonObject);
    return {
      monitor: monitor.name,
      report: compared?.report ?? null,
      note: failure ? failure.message : compared!.note,
      ...resolved,
      error: failure?.message ?? null,
      performance,
      alert: alerts[0] ?? null,
      alerts,
    };
  }

  /** Drift bookkeeping after a good read: one `data_drift` alert per drift episode, none within the cooldown. */
  async #drift(
    monitor: MonitorRecord,
    config: MonitorConfig,
    state: MonitorState,
    now: number,
    compared: Compared,
    resolved: Resolved,
    performance: LastPerformance | null,
  ): Promise<AlertRecord | null> {
    const { report, rows, note } = compared;
    state.failure = null;
    state.last = {
      at: now,
      rows,
      datasetDrift: report?.dataset_drift ?? null,
      driftShare: report?.drift_share ?? null,
      note,
      ...resolved,
      error: null,
      performance,
    };
    if (!report) return null;
    if (!report.dataset_drift) {
      state.episode = null;
      return null;
    }
    state.episode ??= { key: `episode:${this.#slot(config, now)}`, since: now, alerted: false };
    if (state.episode.alerted || this.#cooling(config, state, now)) return null;
    const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
    const alert = await this.#raise(monitor, config, {
      dedupeKey: state.episode.key,
      kind: 'data_drift',
      message: `${drifted.length} of ${report.features.length} columns drifted (${drifted.join(', ')}); share ${report.drift_share.toFixed(2)}`,
      report: report as unknown as JsonObject,
      raisedAt: now,
    });
    state.episode.alerted = true;
    state.lastAlertAt = now;
    return alert;
  }

  /**
   * Performance bookkeeping: a breach starts (or continues) a performance episode, which raises one `performance`
   * alert, none within the cooldown; a verdict within the bound ends it; no verdict leaves it as it was.
   */
  async #performance(
    monitor: MonitorRecord,
    config: MonitorConfig,
    state: MonitorState,
    now: number,
    verdict: PerformanceVerdict,
  ): Promise<AlertRecord | null> {
    if (verdict.breached === null) return null;
    if (!verdict.breached) {
      state.performanceEpisode = null;
      return null;
    }
    state.performanceEpisode ??= { key: `performance:${this.#slot(config, now)}`, since: now, alerted: false };
    if (state.performanceEpisode.alerted || this.#cooling(config, state, now)) return null;
    const alert = await this.#raise(monitor, config, {
      dedupeKey: state.performanceEpisode.key,
      kind: PERFORMANCE,
      message: verdict.message ?? `${verdict.metric} ${verdict.value} is out of bounds`,
      report: verdict as unknown as JsonObject,
      raisedAt: now,
    });
    state.performanceEpisode.alerted = true;
    state.lastAlertAt = now;
    return alert;
  }

  /** Within the cooldown of the last drift or performance alert: one retraining at a time. */
  #cooling(config: MonitorConfig, state: MonitorState, now: number): boolean {
    return state.lastAlertAt !== undefined && now - state.lastAlertAt < config.cooldownMinutes * 60_000;
  }

  /**
   * A read failure: one operational alert per failure episode (it ends at the next evaluation that reads both
   * sides); the drift episode is left as it was — a read failure says nothing about the data.
   */
  async #failed(
    monitor: MonitorRecord,
    config: MonitorConfig,
    state: MonitorState,
    now: number,
    failure: ReadFailure,
    resolved: Resolved,
    performance: LastPerformance | null,
  ): Promise<AlertRecord | null> {
    const problem = failure.message;
    state.last = {
      at: now,
      rows: 0,
      datasetDrift: null,
      driftShare: null,
      note: problem,
      ...resolved,
      error: problem,
      performance,
    };
    state.failure ??= { key: `operational:${this.#slot(config, now)}`, since: now, alerted: false };
    if (state.failure.alerted) return null;
    const alert = await this.#raise(monitor, config, {
      dedupeKey: state.failure.key,
      kind: OPERATIONAL,
      message: `monitor ${monitor.name}: ${problem}`,
      report: { error: problem },
      raisedAt: now,
    });
    state.failure.alerted = true;
    return alert;
  }

  /** Racing servers evaluating in the same scheduling slot compute the same episode key, so record one alert. */
  #slot(config: MonitorConfig, now: number): number {
    return Math.floor(now / (config.everySeconds * 1000));
  }

  /** Records the alert (once per dedupe key) and, when this call created it, runs its actions. */
  async #raise(
    monitor: MonitorRecord,
    config: MonitorConfig,
    alert: Omit<AlertRecord, 'id' | 'monitorId' | 'actions'>,
  ): Promise<AlertRecord | null> {
    const recorded = await this.store.monitors.recordAlert({ id: newId(), monitorId: monitor.id, ...alert });
    if (!recorded.created) return null;
    const outcomes = await runActions(
      { store: this.store, fireTrigger: this.deps.fireTrigger, fetch: this.deps.fetch },
      config,
      recorded.alert,
    );
    await this.store.monitors.completeAlert(recorded.alert.id, outcomes);
    return { ...recorded.alert, actions: outcomes };
  }

  /** A deployment source's window of the prediction log (null for other sources); ReadFailure when unreadable. */
  async #window(config: MonitorConfig, now: number): Promise<PredictionRecord[] | null> {
    if (!('deployment' in config.source)) return null;
    const deployment = config.source.deployment;
    return this.store.predictions
      .window(deployment, {
        ...(config.window.rows !== undefined ? { limit: config.window.rows } : {}),
        ...(config.window.minutes !== undefined ? { sinceMs: now - config.window.minutes * 60_000 } : {}),
      })
      .catch((error: unknown) => {
        throw new ReadFailure(`cannot read the prediction log of deployment ${deployment}: ${errorMessage(error)}`);
      });
  }

  /** The champion version of the deployment source's endpoint; null when it has no deployment record. */
  async #championVersion(config: MonitorConfig): Promise<string | null> {
    if (!('deployment' in config.source)) return null;
    const endpoint = config.source.deployment;
    const deployment = await this.store.deployments.get(endpoint).catch((error: unknown) => {
      throw new ReadFailure(`cannot read the deployment of endpoint ${endpoint}: ${errorMessage(error)}`);
    });
    return deployment?.championVersion ?? null;
  }
}

const summarize = ({ metric, value, min, max, predictions, labelled, breached, note }: PerformanceVerdict) => ({
  metric,
  value,
  min,
  max,
  predictions,
  labelled,
  breached,
  note,
});
