import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { validateName } from '../../core/names.js';
import { nowMillis } from '../../core/time.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { AlertRecord, MonitorRecord } from '../../store/monitors.js';
import { computeDrift } from '../drift/engine.js';
import { type DatasetAccess, readDriftTables } from '../drift/read-tables.js';
import type { DriftOptions, DriftReport, DriftTable } from '../drift/types.js';
import { type FireTrigger, OPERATIONAL, runActions } from './actions.js';
import { championTrainingData } from './champion-reference.js';
import { configJson, type MonitorConfig, parseMonitorConfig } from './config.js';

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
  };
}

export interface Evaluation {
  monitor: string;
  /** Null when there was no current data to compare, or it could not be read (`note` says why). */
  report: DriftReport | null;
  note: string | null;
  /** The dataset version (`name@N`) or file compared with; null when it was not resolved. */
  reference: string | null;
  /** Set when the source or reference could not be read (an operational failure; the alert says so once). */
  error: string | null;
  /** The alert this evaluation raised, if any (not one for an episode already alerted, nor during cooldown). */
  alert: AlertRecord | null;
}

interface Compared {
  report: DriftReport | null;
  rows: number;
  note: string | null;
  reference: string | null;
  champion: string | null;
}

/** The source or reference could not be read: an operational failure, not a finding about the data. */
class ReadFailure extends Error {
  constructor(
    message: string,
    readonly resolved: { reference: string | null; champion: string | null },
  ) {
    super(message);
  }
}

/**
 * Monitors: each compares a current window (a deployment's prediction log, a dataset's newest version, a file)
 * with its reference (a dataset version, a file, or the training data of an endpoint's champion), on a schedule.
 * On drift it raises one `data_drift` alert per drift episode — never again within the cooldown — and runs its
 * actions once for it (start a continuous-training trigger, call a webhook). When the source or reference cannot
 * be read it raises one `operational` alert per failure episode (webhooks only). `osprey server` calls `tick`;
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

  /** Evaluates one monitor now: drift report (or read failure), episode bookkeeping, alert and actions. */
  async evaluate(nameOrId: string): Promise<Evaluation> {
    const monitor = await this.required(nameOrId);
    const config = parseMonitorConfig(monitor.config);
    const state = { ...(monitor.state as MonitorState) };
    const now = this.#now();
    let compared: Compared;
    try {
      compared = await this.#compare(config, now);
    } catch (error) {
      if (!(error instanceof ReadFailure)) throw error;
      return this.#failed(monitor, config, state, now, error);
    }
    const { report, rows, note, reference, champion } = compared;
    state.lastEvaluatedAt = now;
    state.failure = null;
    state.last = {
      at: now,
      rows,
      datasetDrift: report?.dataset_drift ?? null,
      driftShare: report?.drift_share ?? null,
      note,
      reference,
      champion,
      error: null,
    };
    let alert: AlertRecord | null = null;
    if (report?.dataset_drift) {
      state.episode ??= { key: `episode:${this.#slot(config, now)}`, since: now, alerted: false };
      const cooling = state.lastAlertAt !== undefined && now - state.lastAlertAt < config.cooldownMinutes * 60_000;
      if (!state.episode.alerted && !cooling) {
        const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
        alert = await this.#raise(monitor, config, {
          dedupeKey: state.episode.key,
          kind: 'data_drift',
          message: `${drifted.length} of ${report.features.length} columns drifted (${drifted.join(', ')}); share ${report.drift_share.toFixed(2)}`,
          report: report as unknown as JsonObject,
          raisedAt: now,
        });
        state.episode.alerted = true;
        state.lastAlertAt = now;
      }
    } else if (report) state.episode = null;
    await this.store.monitors.saveState(monitor.id, state as JsonObject);
    return { monitor: monitor.name, report, note, reference, error: null, alert };
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
  ): Promise<Evaluation> {
    const problem = failure.message;
    state.lastEvaluatedAt = now;
    state.last = {
      at: now,
      rows: 0,
      datasetDrift: null,
      driftShare: null,
      note: problem,
      ...failure.resolved,
      error: problem,
    };
    state.failure ??= { key: `operational:${this.#slot(config, now)}`, since: now, alerted: false };
    let alert: AlertRecord | null = null;
    if (!state.failure.alerted) {
      alert = await this.#raise(monitor, config, {
        dedupeKey: state.failure.key,
        kind: OPERATIONAL,
        message: `monitor ${monitor.name}: ${problem}`,
        report: { error: problem },
        raisedAt: now,
      });
      state.failure.alerted = true;
    }
    await this.store.monitors.saveState(monitor.id, state as JsonObject);
    return { monitor: monitor.name, report: null, note: problem, ...failure.resolved, error: problem, alert };
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

  /**
   * The drift report of the current window against the reference (null with a note when there is no data);
   * ReadFailure when the reference cannot be resolved or either side cannot be read.
   */
  async #compare(config: MonitorConfig, now: number): Promise<Compared> {
    const resolved = { reference: null as string | null, champion: null as string | null };
    const failed = (what: string, error: unknown) => new ReadFailure(`${what}: ${errorMessage(error)}`, resolved);
    if (typeof config.reference === 'string') resolved.reference = config.reference;
    else {
      const endpoint = config.reference.champion;
      try {
        const data = await championTrainingData(this.store, endpoint);
        resolved.reference = data.dataset;
        resolved.champion = data.champion.uri;
      } catch (error) {
        throw failed(`cannot resolve its reference, the training data of the champion of ${endpoint}`, error);
      }
    }
    const scratch = await mkdtemp(join(tmpdir(), 'osprey-monitor-'));
    try {
      let current: string;
      if ('deployment' in config.source) {
        const deployment = config.source.deployment;
        const predictions = await this.store.predictions
          .window(deployment, {
            ...(config.window.rows !== undefined ? { limit: config.window.rows } : {}),
            ...(config.window.minutes !== undefined ? { sinceMs: now - config.window.minutes * 60_000 } : {}),
          })
          .catch((error: unknown) => {
            throw failed(`cannot read the prediction log of deployment ${deployment}`, error);
          });
        if (predictions.length === 0)
          return { report: null, rows: 0, note: `no predictions logged for ${deployment} in the window`, ...resolved };
        current = join(scratch, 'current.jsonl');
        await writeFile(current, `${predictions.map((p) => JSON.stringify(p.features)).join('\n')}\n`);
      } else if ('file' in config.source) {
        current = config.source.file;
        if (!existsSync(current)) throw failed(`cannot read its source file ${current}`, 'no such file or directory');
      } else current = config.source.dataset;
      const tables = await readDriftTables(resolved.reference, current, this.deps.openDatasets, {
        scratchDir: scratch,
      }).catch((error: unknown) => {
        throw failed('cannot read its data', error);
      });
      // The exact version read (a dataset name alone reads its newest version).
      resolved.reference = tables.reference.source?.description ?? resolved.reference;
      const columns = new Set(
        config.columns ?? tables.reference.columns.map((c) => c.name).filter((n) => hasColumn(tables.current, n)),
      );
      const only = (table: DriftTable): DriftTable => ({
        ...table,
        columns: table.columns.filter((c) => columns.has(c.name)),
      });
      const { report } = await computeDrift(only(tables.reference), only(tables.current), {
        ...(definedOnly(config.drift) as DriftOptions),
        charts: false,
      });
      return { report, rows: tables.current.rowCount, note: null, ...resolved };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

const hasColumn = (table: DriftTable, name: string) => table.columns.some((c) => c.name === name);

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
