import { errorMessage, notFound } from '../../core/errors.js';
import { formatVersionRef } from '../../data/refs.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { AlertRecord } from '../../store/monitors.js';
import { championOf } from './champion-reference.js';
import { type MonitorAction, type MonitorConfig, monitoredEndpoint } from './config.js';

/** Fires a continuous-training trigger (the composition root wires TriggerService.fire); returns the run id. */
export type FireTrigger = (
  name: string,
  event: { dedupeKey: string; reason: string; params: JsonObject },
) => Promise<{ runId: string | null; error: string | null }>;

export interface ActionDeps {
  store: MetadataStore;
  fireTrigger: FireTrigger;
  fetch?: typeof fetch | undefined;
}

export const OPERATIONAL = 'operational';
const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Runs the alert's actions once, in order; what each did (or why it failed) is returned for the alert's record.
 * An operational alert skips trigger actions: it calls webhooks only (see config.ts).
 */
export async function runActions(deps: ActionDeps, config: MonitorConfig, alert: AlertRecord): Promise<JsonObject> {
  const outcomes: JsonObject[] = [];
  for (const action of config.actions) {
    if (action.kind === 'trigger' && alert.kind === OPERATIONAL) {
      outcomes.push({ kind: action.kind, trigger: action.trigger, skipped: 'operational alerts fire no triggers' });
      continue;
    }
    try {
      outcomes.push({ kind: action.kind, ...(await run(deps, action, config, alert)) });
    } catch (error) {
      outcomes.push({ kind: action.kind, error: errorMessage(error) });
    }
  }
  return { actions: outcomes };
}

async function run(deps: ActionDeps, action: MonitorAction, config: MonitorConfig, alert: AlertRecord) {
  if (action.kind === 'trigger') {
    const params = await triggerParams(deps.store, action, config);
    const started = await deps.fireTrigger(action.trigger, {
      dedupeKey: `alert:${alert.id}`,
      reason: `monitor alert: ${alert.message}`,
      params,
    });
    return { trigger: action.trigger, params, runId: started.runId, error: started.error };
  }
  const response = await (deps.fetch ?? fetch)(action.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      alert: { id: alert.id, kind: alert.kind, message: alert.message, raisedAt: alert.raisedAt },
    }),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  return { url: action.url, status: response.status };
}

/** The triggered run's parameters, as of now (see config.ts). */
async function triggerParams(
  store: MetadataStore,
  action: Extract<MonitorAction, { kind: 'trigger' }>,
  config: MonitorConfig,
): Promise<JsonObject> {
  const params: JsonObject = {};
  if (action.param && action.dataset) {
    const dataset = await store.datasets.get(action.dataset);
    if (!dataset) throw notFound(`trigger ${action.trigger}: no dataset named ${JSON.stringify(action.dataset)}`);
    if (dataset.latestVersion === null)
      throw notFound(`trigger ${action.trigger}: dataset ${JSON.stringify(action.dataset)} has no versions`);
    params[action.param] = formatVersionRef(dataset.name, dataset.latestVersion);
  } else if (action.param && 'dataset' in config.source) params[action.param] = config.source.dataset;
  const endpoint = monitoredEndpoint(config);
  if (action.championParam && endpoint) params[action.championParam] = (await championOf(store, endpoint)).uri;
  return params;
}
