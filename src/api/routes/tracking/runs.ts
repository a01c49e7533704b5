import type { TrackingService } from '../../../tracking/service.js';
import { optionalInt, optionalString, requiredString, stringList } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { pageJson, runInfoJson, runJson } from './mlflow-json.js';
import { optional, runIdOf, statusOf, tagsOf, viewTypeOf } from './request.js';

/** runs/*: create, get, update, delete, restore, search. */
export function runRoutes(tracking: TrackingService): MlflowRoute[] {
  const search: MlflowRoute['handler'] = async (fields) => {
    const page = await tracking.searchRuns(stringList(fields, 'experiment_ids'), {
      filter: optionalString(fields, 'filter') ?? '',
      orderBy: stringList(fields, 'order_by'),
      viewType: viewTypeOf(fields, 'run_view_type') ?? 'ACTIVE_ONLY',
      ...optional('maxResults', optionalInt(fields, 'max_results')),
      ...optional('pageToken', optionalString(fields, 'page_token')),
    });
    return pageJson('runs', page.items.map(runJson), page.nextPageToken);
  };
  return [
    {
      method: 'POST',
      path: 'runs/create',
      access: 'write',
      handler: async (fields) => {
        const run = await tracking.createRun({
          tags: tagsOf(fields, 'tags'),
          ...optional('experimentId', optionalString(fields, 'experiment_id')),
          ...optional('userId', optionalString(fields, 'user_id')),
          ...optional('runName', optionalString(fields, 'run_name')),
          ...optional('startTime', optionalInt(fields, 'start_time')),
        });
        return { run: runJson(run) };
      },
    },
    {
      method: 'GET',
      path: 'runs/get',
      access: 'read',
      handler: async (fields) => ({ run: runJson(await tracking.getRun(runIdOf(fields))) }),
    },
    {
      method: 'POST',
      path: 'runs/update',
      access: 'write',
      handler: async (fields) => {
        const info = await tracking.updateRun(runIdOf(fields), {
          ...optional('status', statusOf(fields)),
          ...optional('endTime', optionalInt(fields, 'end_time')),
          ...optional('runName', optionalString(fields, 'run_name')),
        });
        return { run_info: runInfoJson(info) };
      },
    },
    {
      method: 'POST',
      path: 'runs/delete',
      access: 'write',
      handler: async (fields) => {
        await tracking.deleteRun(requiredString(fields, 'run_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'runs/restore',
      access: 'write',
      handler: async (fields) => {
        await tracking.restoreRun(requiredString(fields, 'run_id'));
        return {};
      },
    },
    { method: 'POST', path: 'runs/search', access: 'read', handler: search },
    { method: 'GET', path: 'runs/search', access: 'read', handler: search },
  ];
}
