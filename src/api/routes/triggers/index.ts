import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../../core/errors.js';
import { isoTime } from '../../../core/time.js';
import { pipelineCodeDigest } from '../../../pipelines/triggers/code-digest.js';
import { type RunStarter, TriggerService } from '../../../pipelines/triggers/trigger-service.js';
import type { JsonObject } from '../../../store/metadata-store.js';
import type { TriggerEventRecord, TriggerKind, TriggerRecord } from '../../../store/triggers.js';
import { type Fields, optionalInt, optionalString, requiredString } from '../../mlflow/fields.js';
import { registerMlflowRoutes } from '../../mlflow/route.js';
import type { ApiDeps } from '../../server.js';

const KINDS: readonly TriggerKind[] = ['schedule', 'dataset', 'code', 'api'];

/** The trigger service the server evaluates and these routes manage; without a runner, starting a run fails clearly. */
export function triggerServiceOf(deps: ApiDeps): TriggerService {
  const startRun: RunStarter =
    deps.startRun ??
    (async () => {
      throw invalidArgument('this server has no pipeline runner configured: it cannot start runs');
    });
  return new TriggerService(deps.store, { codeDigest: pipelineCodeDigest, startRun });
}

/** Continuous-training triggers under /api/2.0/osprey/triggers/…: add, list, delete, fire (API triggers), history. */
export function registerTriggerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const triggers = triggerServiceOf(deps);
  registerMlflowRoutes(
    app,
    [
      {
        method: 'POST',
        path: 'triggers/create',
        access: 'write',
        handler: async (f) => ({ trigger: triggerJson(await triggers.add(newTrigger(f))) }),
      },
      {
        method: 'GET',
        path: 'triggers/list',
        access: 'read',
        handler: async () => ({ triggers: (await triggers.list()).map(triggerJson) }),
      },
      {
        method: 'DELETE',
        path: 'triggers/delete',
        access: 'write',
        handler: async (f) => {
          await triggers.remove(requiredString(f, 'name'));
          return {};
        },
      },
      {
        method: 'POST',
        path: 'triggers/fire',
        access: 'write',
        handler: async (f) => {
          const event = await triggers.fire(requiredString(f, 'name'), {
            dedupeKey: requiredString(f, 'dedupe_key'),
            reason: optionalString(f, 'reason') ?? 'fired through the API',
            params: jsonObject(f, 'params'),
          });
          return { event: eventJson(event) };
        },
      },
      {
        method: 'GET',
        path: 'triggers/history',
        access: 'read',
        handler: async (f) => ({
          events: (await triggers.history(requiredString(f, 'name'), optionalInt(f, 'max_results') ?? 100)).map(
            eventJson,
          ),
        }),
      },
    ],
    ['/api/2.0/osprey/'],
  );
}

function newTrigger(f: Fields) {
  const kind = requiredString(f, 'kind');
  if (!(KINDS as readonly string[]).includes(kind))
    throw invalidArgument(`unknown trigger kind ${JSON.stringify(kind)}: use one of ${KINDS.join(', ')}`);
  const optional = (name: string) => optionalString(f, name);
  const cron = optional('cron');
  const timezone = optional('timezone');
  const dataset = optional('dataset');
  const param = optional('param');
  return {
    name: requiredString(f, 'name'),
    kind: kind as TriggerKind,
    pipeline: requiredString(f, 'pipeline'),
    params: jsonObject(f, 'params'),
    ...(cron ? { cron } : {}),
    ...(timezone ? { timezone } : {}),
    ...(dataset ? { dataset } : {}),
    ...(param ? { param } : {}),
  };
}

function jsonObject(f: Fields, name: string): JsonObject {
  const value = f[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidArgument(`Invalid value for parameter '${name}' supplied: expected a JSON object`);
  return value as JsonObject;
}

function triggerJson(t: TriggerRecord) {
  return {
    name: t.name,
    kind: t.kind,
    pipeline: t.pipeline,
    config: t.config,
    params: t.params,
    enabled: t.enabled,
    created_at: t.createdAt,
  };
}

function eventJson(e: TriggerEventRecord) {
  return {
    id: e.id,
    dedupe_key: e.dedupeKey,
    reason: e.reason,
    params: e.params,
    fired_at: e.firedAt,
    fired_at_iso: isoTime(e.firedAt),
    run_id: e.runId,
    error: e.error,
  };
}
