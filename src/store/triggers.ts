import type { JsonObject } from './metadata-store.js';

/**
 * Continuous-training triggers and their events. A trigger starts a pipeline when something happens: a cron tick,
 * a new version of a dataset, a change of the pipeline's code digest, or an API call (drift alerts use this).
 *
 * Contract:
 * - `recordEvent` is the deduplication point: for one trigger, one dedupe key is recorded once, whatever the number
 *   of evaluators racing (several `osprey server` processes on one database); the loser gets `created: false`.
 * - `state` is the trigger's memory between evaluations (last tick, last dataset version, last code digest);
 *   `saveState` replaces it.
 */
export type TriggerKind = 'schedule' | 'dataset' | 'code' | 'api';

export interface TriggerRecord {
  id: string;
  name: string;
  kind: TriggerKind;
  /** The pipeline file the trigger runs. */
  pipeline: string;
  /** Kind-specific settings: `{ cron, timezone }`, `{ dataset, param }`, `{}`… */
  config: JsonObject;
  /** Parameters passed to every run it starts. */
  params: JsonObject;
  enabled: boolean;
  state: JsonObject;
  createdAt: number;
}

export interface NewTrigger {
  id: string;
  name: string;
  kind: TriggerKind;
  pipeline: string;
  config: JsonObject;
  params: JsonObject;
  state: JsonObject;
}

export interface TriggerEventRecord {
  id: string;
  triggerId: string;
  dedupeKey: string;
  /** Why it fired, for people: "seattle-weather@3 is new", "cron tick 2026-11-25T10:00Z". */
  reason: string;
  /** Parameters for this run (the trigger's, plus e.g. the new dataset version). */
  params: JsonObject;
  firedAt: number;
  /** The run it started, once started; null while pending or when starting failed (see `error`). */
  runId: string | null;
  error: string | null;
}

export interface TriggerRepository {
  /** ALREADY_EXISTS when the name is taken. */
  create(input: NewTrigger): Promise<TriggerRecord>;
  get(nameOrId: string): Promise<TriggerRecord | undefined>;
  /** Ordered by name. */
  list(): Promise<TriggerRecord[]>;
  /** Removes a trigger and its history; NOT_FOUND when absent. */
  remove(nameOrId: string): Promise<void>;
  saveState(triggerId: string, state: JsonObject): Promise<void>;
  recordEvent(
    event: Omit<TriggerEventRecord, 'runId' | 'error'>,
  ): Promise<{ event: TriggerEventRecord; created: boolean }>;
  /** Marks an event's outcome: the run it started, or why it could not start one. */
  completeEvent(eventId: string, outcome: { runId: string } | { error: string }): Promise<void>;
  /** A trigger's events, newest first. */
  events(triggerId: string, limit?: number): Promise<TriggerEventRecord[]>;
}
