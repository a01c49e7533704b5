import { Cron } from 'croner';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { TriggerRecord } from '../../store/triggers.js';

/** Something a trigger noticed: a run to start, identified by a dedupe key unique within the trigger. */
export interface DueEvent {
  dedupeKey: string;
  reason: string;
  params: JsonObject;
}

export interface Evaluation {
  events: DueEvent[];
  /** The trigger's memory after this evaluation (saved once the events are recorded). */
  state: JsonObject;
}

export interface EvaluationDeps {
  store: MetadataStore;
  /** The pipeline's current code digest (compiled fresh). */
  codeDigest(pipeline: string): Promise<string>;
}

/**
 * What a trigger should fire now, from its state:
 * - schedule: the most recent cron tick since the last one fired (missed ticks are not replayed one by one);
 * - dataset: one event per version newer than the last seen, oldest first, passing `name@N` as the configured param;
 * - code: one event when the pipeline's spec digest differs from the last seen;
 * - api: nothing (its events come from `fireApiTrigger`).
 */
export async function evaluateTrigger(trigger: TriggerRecord, now: number, deps: EvaluationDeps): Promise<Evaluation> {
  const state = trigger.state;
  switch (trigger.kind) {
    case 'schedule': {
      const cron = new Cron(String(trigger.config.cron), {
        paused: true,
        timezone: String(trigger.config.timezone ?? 'UTC'),
      });
      const since = typeof state.lastTick === 'number' ? state.lastTick : trigger.createdAt;
      let tick: number | undefined;
      for (let next = cron.nextRun(new Date(since)); next && next.getTime() <= now; next = cron.nextRun(next))
        tick = next.getTime();
      if (tick === undefined) return { events: [], state };
      const iso = new Date(tick).toISOString();
      return {
        events: [
          { dedupeKey: `cron:${iso}`, reason: `cron tick ${iso} (${trigger.config.cron})`, params: trigger.params },
        ],
        state: { ...state, lastTick: tick },
      };
    }
    case 'dataset': {
      const name = String(trigger.config.dataset);
      const last = typeof state.lastVersion === 'number' ? state.lastVersion : 0;
      const fresh = (await deps.store.datasets.listVersions(name)).filter((v) => v.version > last);
      const param = String(trigger.config.param ?? 'data');
      return {
        events: fresh.map((v) => ({
          dedupeKey: `dataset:${name}@${v.version}`,
          reason: `${name}@${v.version} is new (sha256:${v.digest.slice(0, 12)})`,
          params: { ...trigger.params, [param]: `${name}@${v.version}` },
        })),
        state: { ...state, lastVersion: Math.max(last, ...fresh.map((v) => v.version)) },
      };
    }
    case 'code': {
      const digest = await deps.codeDigest(trigger.pipeline);
      if (digest === state.codeDigest) return { events: [], state };
      return {
        events: [
          {
            dedupeKey: `code:${digest}`,
            reason: `pipeline code changed (spec sha256:${digest.slice(0, 12)})`,
            params: trigger.params,
          },
        ],
        state: { ...state, codeDigest: digest },
      };
    }
    case 'api':
      return { events: [], state };
  }
}
