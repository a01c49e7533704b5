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
import { configJson, type MonitorAction, type MonitorConfig, parseMonitorConfig } from './config.js';

/** Fires a continuous-training trigger (the composition root wires TriggerService.fire); returns the run id. */
export type FireTrigger = (
  name: string,
  event: { dedupeKey: string; reason: string; params: JsonObject },
) => Promise<{ runId: string | null; error: string | null }>;

export interface MonitorDeps {
  openDatasets: () => Promise<DatasetAccess>;
  fireTrigger: FireTrigger;
  now?: () => number;
  fetch?: typeof fetch;
}

/** A monitor's memory between evaluations. */
interface MonitorState {
  lastEvaluatedAt?: number;
  /** The drift episode in progress: drifted evaluations in a row share it and raise one alert. */
  episode?: { key: string; since: number; alerted: boolean } | null;
  lastAlertAt?: number;
  last?: { at: number; rows: number; datasetDrift: boolean | null; driftShare: number | null; note: string | null };
}

export interface Evaluation {
  monitor: string;
  /** Null when there was no current data to compare (`note` says why). */
  report: DriftReport | null;
  note: string | null;
  /** The alert this evaluation raised, if any (not one for an episode already alerted, nor during cooldown). */
  alert: AlertRecord | null;
}

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Monitors: each compares a current window (a deployment's prediction log, a dataset's newest version, a file)
 * with its reference, on a schedule, and on drift raises one alert per drift episode — never again within the
 * cooldown — and runs its actions once for it (start a continuous-training trigger, call a webhook).
 * `osprey server` calls `tick`; `osprey monitors run` calls `evaluate`.
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

  /** Evaluates every enabled monitor whose schedule is due; one failing monitor does not stop the others. */
  async tick(): Promise<{ evaluations: Evaluation[]; errors: { monitor: string; error: string }[] }> {
    const evaluations: Evaluation[] = [];
    const errors: { monitor: string; error: string }[] = [];
    for (const monitor of await this.store.monitors.list()) {
      if (!monitor.enabled) continue;
      const config = parseMonitorConfig(monitor.config);
      const state = monitor.state as MonitorState;
      if (state.lastEvaluatedAt !== undefined && this.#now() - state.lastEvaluatedAt < config.everySeconds * 1000)
        continue;
      try {
        evaluations.push(await this.evaluate(monitor.name));
      } catch (error) {
        errors.push({ monitor: monitor.name, error: errorMessage(error) });
      }
    }
    return { evaluations, errors };
  }

  /** Evaluates one monitor now: drift report, episode bookkeeping, alert and actions. */
  async evaluate(nameOrId: string): Promise<Evaluation> {
    const monitor = await this.required(nameOrId);
    const config = parseMonitorConfig(monitor.config);
    const state = { ...(monitor.state as MonitorState) };
    const now = this.#now();
    const { report, rows, note } = await this.#compare(config, now);
    state.lastEvaluatedAt = now;
    state.last = {
      at: now,
      rows,
      datasetDrift: report?.dataset_drift ?? null,
      driftShare: report?.drift_share ?? null,
      note,
    };
    let alert: AlertRecord | null = null;
    if (report?.dataset_drift) {
      if (!state.episode) {
        // Racing servers evaluating in the same scheduling slot compute the same key, so they record one alert.
        const slot = Math.floor(now / (config.everySeconds * 1000));
        state.episode = { key: `episode:${slot}`, since: now, alerted: false };
      }
      const cooling = state.lastAlertAt !== undefined && now - state.lastAlertAt < config.cooldownMinutes * 60_000;
      if (!state.episode.alerted && !cooling) {
        const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
        const recorded = await this.store.monitors.recordAlert({
          id: newId(),
          monitorId: monitor.id,
          dedupeKey: state.episode.key,
          kind: 'data_drift',
          message: `${drifted.length} of ${report.features.length} columns drifted (${drifted.join(', ')}); share ${report.drift_share.toFixed(2)}`,
          report: report as unknown as JsonObject,
          raisedAt: now,
        });
        state.episode.alerted = true;
        state.lastAlertAt = now;
        if (recorded.created) {
          const outcomes = await this.#act(config, recorded.alert);
          await this.store.monitors.completeAlert(recorded.alert.id, outcomes);
          alert = { ...recorded.alert, actions: outcomes };
        }
      }
    } else if (report) state.episode = null;
    await this.store.monitors.saveState(monitor.id, state as JsonObject);
    return { monitor: monitor.name, report, note, alert };
  }

  /** The drift report of the current window against the reference (null with a note when there is no data). */
  async #compare(
    config: MonitorConfig,
    now: number,
  ): Promise<{ report: DriftReport | null; rows: number; note: string | null }> {
    const scratch = await mkdtemp(join(tmpdir(), 'osprey-monitor-'));
    try {
      let current: string;
      if ('deployment' in config.source) {
        const predictions = await this.store.predictions.window(config.source.deployment, {
          ...(config.window.rows !== undefined ? { limit: config.window.rows } : {}),
          ...(config.window.minutes !== undefined ? { sinceMs: now - config.window.minutes * 60_000 } : {}),
        });
        if (predictions.length === 0)
          return { report: null, rows: 0, note: `no predictions logged for ${config.source.deployment} in the window` };
        current = join(scratch, 'current.jsonl');
        await writeFile(current, `${predictions.map((p) => JSON.stringify(p.features)).join('\n')}\n`);
      } else current = 'dataset' in config.source ? config.source.dataset : config.source.file;
      const tables = await readDriftTables(config.reference, current, this.deps.openDatasets, { scratchDir: scratch });
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
      return { report, rows: tables.current.rowCount, note: null };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Runs the alert's actions once; what each did is recorded on the alert. */
  async #act(config: MonitorConfig, alert: AlertRecord): Promise<JsonObject> {
    const outcomes: JsonObject[] = [];
    for (const action of config.actions) {
      try {
        outcomes.push({ kind: action.kind, ...(await this.#run(action, config, alert)) });
      } catch (error) {
        outcomes.push({ kind: action.kind, error: errorMessage(error) });
      }
    }
    return { actions: outcomes };
  }

  async #run(action: MonitorAction, config: MonitorConfig, alert: AlertRecord): Promise<JsonObject> {
    if (action.kind === 'trigger') {
      const params: JsonObject = {};
      if (action.param && 'dataset' in config.source) params[action.param] = config.source.dataset;
      const started = await this.deps.fireTrigger(action.trigger, {
        dedupeKey: `alert:${alert.id}`,
        reason: `monitor alert: ${alert.message}`,
        params,
      });
      return { trigger: action.trigger, runId: started.runId, error: started.error };
    }
    const response = await (this.deps.fetch ?? fetch)(action.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        alert: { id: alert.id, kind: alert.kind, message: alert.message, raisedAt: alert.raisedAt },
      }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    return { url: action.url, status: response.status };
  }
}

const hasColumn = (table: DriftTable, name: string) => table.columns.some((c) => c.name === name);

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
