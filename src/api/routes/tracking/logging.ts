import type { TrackingService } from '../../../tracking/service.js';
import { objectList, optionalString, requiredString } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { datasetInputsOf, metricOf, runIdOf, tagsOf } from './request.js';

/**
 * What training code logs to a run: log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs. Each
 * request is one committed transaction before its 200, so an acknowledged value survives a crash.
 */
export function loggingRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    {
      method: 'POST',
      path: 'runs/log-metric',
      access: 'write',
      handler: async (fields) => {
        await tracking.logMetric(runIdOf(fields), metricOf(fields, true));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-parameter',
      access: 'write',
      handler: async (fields) => {
        const param = { key: requiredString(fields, 'key'), value: optionalString(fields, 'value') ?? '' };
        await tracking.logParam(runIdOf(fields), param);
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/set-tag',
      access: 'write',
      handler: async (fields) => {
        const tag = { key: requiredString(fields, 'key'), value: optionalString(fields, 'value') ?? '' };
        await tracking.setTag(runIdOf(fields), tag);
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/delete-tag',
      access: 'write',
      handler: async (fields) => {
        await tracking.deleteTag(requiredString(fields, 'run_id'), requiredString(fields, 'key'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-batch',
      access: 'write',
      handler: async (fields) => {
        await tracking.logBatch(
          requiredString(fields, 'run_id'),
          objectList(fields, 'metrics').map((m) => metricOf(m, false)),
          tagsOf(fields, 'params'),
          tagsOf(fields, 'tags'),
        );
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/log-inputs',
      access: 'write',
      handler: async (fields) => {
        await tracking.logInputs(requiredString(fields, 'run_id'), datasetInputsOf(fields));
        return {};
      },
    },
  ];
}
