import type { JsonObject, JsonValue } from './metadata-store.js';

/**
 * Monitors, their alerts, and the prediction log they read.
 *
 * A monitor names a reference, a source of current data, a window, a schedule, tests and thresholds, and actions
 * (`config`, checked by the monitoring service); `state` is its memory between evaluations (last evaluation, the
 * drift episode in progress). An alert is recorded once per (monitor, dedupe key), whatever the number of servers
 * evaluating: the key names the drift episode, so one episode raises one alert.
 *
 * The prediction log is what a deployment served: one record per request id (a repeated id is ignored, so a
 * retried write logs once), with the features, the prediction and, once it arrives, the ground-truth label.
 *
 * Contract: every method is one transaction; records returned are snapshots; names and ids are unique.
 */
export interface MonitorRecord {
  id: string;
  name: string;
  config: JsonObject;
  enabled: boolean;
  state: JsonObject;
  createdAt: number;
}

export interface NewMonitor {
  id: string;
  name: string;
  config: JsonObject;
  state: JsonObject;
}

export interface AlertRecord {
  id: string;
  monitorId: string;
  dedupeKey: string;
  /** e.g. `data_drift`, `performance`. */
  kind: string;
  /** One line for people: "4 of 6 columns drifted (temp_max, …)". */
  message: string;
  /** The evidence: the drift or performance report that raised it. */
  report: JsonObject;
  /** What each action did (trigger fired with run id, webhook status…); empty until completed. */
  actions: JsonObject;
  raisedAt: number;
}

export interface MonitorRepository {
  /** ALREADY_EXISTS when the name is taken. */
  create(input: NewMonitor): Promise<MonitorRecord>;
  get(nameOrId: string): Promise<MonitorRecord | undefined>;
  /** Ordered by name. */
  list(): Promise<MonitorRecord[]>;
  /** Removes a monitor and its alerts; NOT_FOUND when absent. */
  remove(nameOrId: string): Promise<void>;
  /** NOT_FOUND when absent. */
  saveState(monitorId: string, state: JsonObject): Promise<void>;
  /** Records an alert unless the monitor already has one with this dedupe key (then returns that one). */
  recordAlert(alert: Omit<AlertRecord, 'actions'>): Promise<{ alert: AlertRecord; created: boolean }>;
  /** Records what the alert's actions did. */
  completeAlert(alertId: string, actions: JsonObject): Promise<void>;
  /** Alerts newest first, of one monitor or all. */
  alerts(options?: { monitorId?: string; limit?: number }): Promise<AlertRecord[]>;
}

export interface NewPrediction {
  deployment: string;
  requestId: string;
  modelName: string;
  modelVersion: string;
  /** Epoch milliseconds. */
  at: number;
  /** The input, by feature name. */
  features: JsonObject;
  prediction: JsonValue;
  /** Class probabilities or scores, when the model gives them. */
  scores: JsonValue | null;
}

export interface PredictionRecord extends NewPrediction {
  label: JsonValue | null;
  labeledAt: number | null;
}

export interface PredictionLogRepository {
  /** Appends predictions; a (deployment, requestId) already logged is skipped. Returns how many were new. */
  append(records: readonly NewPrediction[]): Promise<number>;
  /** Attaches late ground-truth labels by request id; reports the ids nothing was logged for. */
  attachLabels(
    deployment: string,
    labels: readonly { requestId: string; label: JsonValue }[],
  ): Promise<{ matched: number; unmatched: string[] }>;
  /**
   * Per model version, of a deployment's predictions at or after `sinceMs`: how many have their label, and how many
   * of those equal it (the same JSON) — one aggregate, however many predictions there are.
   */
  labelledCounts(
    deployment: string,
    sinceMs: number,
  ): Promise<{ modelVersion: string; labelled: number; correct: number }[]>;
  /**
   * A deployment's predictions in time order (then request id): those in [sinceMs, untilMs) when given, and of
   * those the latest `limit`.
   */
  window(
    deployment: string,
    options?: { sinceMs?: number; untilMs?: number; limit?: number },
  ): Promise<PredictionRecord[]>;
}
