import { Readable } from 'node:stream';
import type { Metric } from '../../../store/tracking.js';
import { bulkIntervalHistory, type HistoryStream, streamMetricHistory } from '../../../tracking/metric-history.js';
import type { TrackingService } from '../../../tracking/service.js';
import { optionalInt, optionalString, requiredString, stringList } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { metricJson, metricWithRunIdJson } from './mlflow-json.js';
import { optional, runIdOf } from './request.js';

/**
 * metrics/get-history, written as it is read: the body streams chunk by chunk (each a bounded range query), with
 * backpressure, so a history of millions of points never sits in memory whole. Errors found before the first byte
 * (unknown run, bad token) are ordinary MLflow errors. metrics/get-history-bulk-interval samples several runs.
 */
export function metricRoutes(tracking: TrackingService): MlflowRoute[] {
  return [
    {
      method: 'GET',
      path: 'metrics/get-history',
      access: 'read',
      handler: async (fields, { reply }) => {
        const stream = await streamMetricHistory(
          tracking.repository,
          runIdOf(fields),
          requiredString(fields, 'metric_key'),
          {
            ...optional('maxResults', optionalInt(fields, 'max_results')),
            ...optional('pageToken', optionalString(fields, 'page_token')),
          },
        );
        // One chunk buffered at a time: memory stays one read chunk deep whatever the history length.
        return reply.type('application/json').send(Readable.from(historyJson(stream), { highWaterMark: 1 }));
      },
    },
    {
      method: 'GET',
      path: 'metrics/get-history-bulk-interval',
      access: 'read',
      handler: async (fields) => {
        const metrics = await bulkIntervalHistory(tracking.repository, {
          runIds: stringList(fields, 'run_ids'),
          key: requiredString(fields, 'metric_key'),
          ...optional('startStep', optionalInt(fields, 'start_step')),
          ...optional('endStep', optionalInt(fields, 'end_step')),
          ...optional('maxResults', optionalInt(fields, 'max_results')),
        });
        return metrics.length > 0 ? { metrics: metrics.map(metricWithRunIdJson) } : {};
      },
    },
  ];
}

/** `{"metrics":[…],"next_page_token":"…"}` as text chunks; `{}` for an empty history (empty fields are left out). */
async function* historyJson(stream: HistoryStream): AsyncGenerator<string> {
  let opened = false;
  for await (const chunk of stream.chunks) {
    yield (opened ? ',' : '{"metrics":[') + chunk.map(metricText).join(',');
    opened = true;
  }
  const token = stream.nextPageToken();
  const tokenField = token ? `"next_page_token":${JSON.stringify(token)}` : '';
  if (opened) yield tokenField ? `],${tokenField}}` : ']}';
  else yield `{${tokenField}}`;
}

const metricText = (m: Metric) => JSON.stringify(metricJson(m));
