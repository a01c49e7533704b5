import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cron } from 'croner';
import { errorMessage, invalidArgument, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { validateName } from '../../core/names.js';
import { nowMillis } from '../../core/time.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { TriggerEventRecord, TriggerKind, TriggerRecord } from '../../store/triggers.js';
import { type DueEvent, evaluateTrigger } from './evaluate.js';

/** A run a trigger asks for. `runId` is the event's id: starting the same request twice must start one run. */
export interface RunRequest {
  runId: string;
  pipeline: string;
  params: JsonObject;
  reason: string;
  trigger: string;
}

export type RunStarter = (request: RunRequest) => Promise<void>;

/** An event recorded but not started for this long is started again (its evaluator died in between). */
const RESTART_AFTER_MS = 60_000;

export interface NewTriggerInput {
  name: string;
  kind: TriggerKind;
  pipeline: string;
  /** schedule: a 5- or 6-field cron expression, evaluated in `timezone` (default UTC). */
  cron?: string;
  timezone?: string;
  /** dataset: the dataset to watch, and the pipeline parameter that receives `name@N` (default `data`). */
  dataset?: string;
  param?: string;
  params?: JsonObject;
}

/**
 * Continuous-training triggers: adding them, and evaluating them (`tick`, called periodically by `osprey server`).
 * Each event is recorded once per dedupe key before its run starts, so racing evaluators start one run per event;
 * an event whose start was interrupted is started again on a later tick, under the same run id.
 */
export class TriggerService {
  constructor(
    private readonly store: MetadataStore,
    private readonly deps: { codeDigest(pipeline: string): Promise<string>; startRun: RunStarter; now?: () => number },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? nowMillis();
  }

  async add(input: NewTriggerInput): Promise<TriggerRecord> {
    const name = validateName('trigger', input.name);
    const pipeline = resolve(input.pipeline);
    if (!existsSync(pipeline)) throw notFound(`pipeline file ${pipeline} does not exist`, { file: pipeline });
    const { config, state } = await this.initial(input, pipeline);
    return this.store.triggers.create({
      id: newId(),
      name,
      kind: input.kind,
      pipeline,
      config,
      params: input.params ?? {},
      state,
    });
  }

  /** Config and starting state: a new trigger fires for what happens after it is added, not for the past. */
  private async initial(input: NewTriggerInput, pipeline: string): Promise<{ config: JsonObject; state: JsonObject }> {
    switch (input.kind) {
      case 'schedule': {
        if (!input.cron) throw invalidArgument('a schedule trigger needs --cron, e.g. "0 3 * * *"');
        const timezone = input.timezone ?? 'UTC';
        try {
          new Cron(input.cron, { paused: true, timezone });
        } catch (error) {
          throw invalidArgument(`invalid cron expression ${JSON.stringify(input.cron)}: ${errorMessage(error)}`);
        }
        return { config: { cron: input.cron, timezone }, state: { lastTick: this.now() } };
      }
      case 'dataset': {
        if (!input.dataset) throw invalidArgument('a dataset trigger needs --dataset NAME');
        const dataset = validateName('dataset', input.dataset);
        const latest = (await this.store.datasets.get(dataset))?.latestVersion ?? 0;
        return { config: { dataset, param: input.param ?? 'data' }, state: { lastVersion: latest } };
      }
      case 'code':
        return { config: {}, state: { codeDigest: await this.deps.codeDigest(pipeline) } };
      case 'api':
        return { config: {}, state: {} };
    }
  }

  list(): Promise<TriggerRecord[]> {
    return this.store.triggers.list();
  }

  remove(name: string): Promise<void> {
    return this.store.triggers.remove(name);
  }

  async history(name: string, limit?: number): Promise<TriggerEventRecord[]> {
    return this.store.triggers.events((await this.required(name)).id, limit);
  }

  /** An API or alert event: fires the trigger once per `dedupeKey`. */
  async fire(
    name: string,
    event: { dedupeKey: string; reason: string; params?: JsonObject },
  ): Promise<TriggerEventRecord> {
    const trigger = await this.required(name);
    const recorded = await this.record(trigger, {
      dedupeKey: event.dedupeKey,
      reason: event.reason,
      params: { ...trigger.params, ...event.params },
    });
    if (recorded.created) await this.start(trigger, recorded.event);
    return (await this.store.triggers.events(trigger.id)).find((e) => e.id === recorded.event.id) ?? recorded.event;
  }

  /** Evaluates every enabled trigger once; returns the events it recorded. */
  async tick(): Promise<TriggerEventRecord[]> {
    const fired: TriggerEventRecord[] = [];
    for (const trigger of await this.store.triggers.list()) {
      if (!trigger.enabled) continue;
      try {
        const evaluation = await evaluateTrigger(trigger, this.now(), {
          store: this.store,
          codeDigest: this.deps.codeDigest,
        });
        const created: TriggerEventRecord[] = [];
        for (const due of evaluation.events) {
          const recorded = await this.record(trigger, due);
          if (recorded.created) created.push(recorded.event);
        }
        await this.store.triggers.saveState(trigger.id, evaluation.state);
        for (const event of created) await this.start(trigger, event);
        fired.push(...created);
        // Events whose start was interrupted (the evaluator died between recording and starting), once safely old.
        const stale = this.now() - RESTART_AFTER_MS;
        const interrupted = (await this.store.triggers.events(trigger.id))
          .filter((e) => e.runId === null && e.error === null && e.firedAt < stale)
          .sort((a, b) => a.firedAt - b.firedAt);
        for (const event of interrupted) await this.start(trigger, event);
      } catch (error) {
        // One broken trigger (a deleted pipeline file, a compile error) must not stop the others.
        await this.record(trigger, {
          dedupeKey: `error:${this.now()}`,
          reason: `evaluation failed: ${errorMessage(error)}`,
          params: {},
        }).then((r) => this.store.triggers.completeEvent(r.event.id, { error: errorMessage(error) }));
      }
    }
    return fired;
  }

  private record(trigger: TriggerRecord, due: DueEvent) {
    return this.store.triggers.recordEvent({ id: newId(), triggerId: trigger.id, firedAt: this.now(), ...due });
  }

  private async start(trigger: TriggerRecord, event: TriggerEventRecord): Promise<void> {
    try {
      await this.deps.startRun({
        runId: event.id,
        pipeline: trigger.pipeline,
        params: event.params,
        reason: event.reason,
        trigger: trigger.name,
      });
      await this.store.triggers.completeEvent(event.id, { runId: event.id });
    } catch (error) {
      await this.store.triggers.completeEvent(event.id, { error: errorMessage(error) });
    }
  }

  private async required(name: string): Promise<TriggerRecord> {
    const trigger = await this.store.triggers.get(name);
    if (!trigger) throw notFound(`no trigger named ${JSON.stringify(name)}`);
    return trigger;
  }
}
