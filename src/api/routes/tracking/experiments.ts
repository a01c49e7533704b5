import type { TrackingService } from '../../../tracking/service.js';
import { optionalInt, optionalString, requiredString, stringList } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { experimentJson, pageJson } from './mlflow-json.js';
import { optional, tagsOf, viewTypeOf } from './request.js';

/** experiments/*: create, get, get-by-name, search, update (rename), delete, restore, set-experiment-tag. */
export function experimentRoutes(tracking: TrackingService): MlflowRoute[] {
  const search: MlflowRoute['handler'] = async (fields) => {
    const page = await tracking.searchExperiments({
      filter: optionalString(fields, 'filter') ?? '',
      orderBy: stringList(fields, 'order_by'),
      viewType: viewTypeOf(fields, 'view_type') ?? 'ACTIVE_ONLY',
      ...optional('maxResults', optionalInt(fields, 'max_results')),
      ...optional('pageToken', optionalString(fields, 'page_token')),
    });
    return pageJson('experiments', page.items.map(experimentJson), page.nextPageToken);
  };
  return [
    {
      method: 'POST',
      path: 'experiments/create',
      access: 'write',
      handler: async (fields) => {
        const experimentId = await tracking.createExperiment(
          requiredString(fields, 'name'),
          optionalString(fields, 'artifact_location'),
          tagsOf(fields, 'tags'),
        );
        return { experiment_id: experimentId };
      },
    },
    {
      method: 'GET',
      path: 'experiments/get',
      access: 'read',
      handler: async (fields) => ({
        experiment: experimentJson(await tracking.getExperiment(requiredString(fields, 'experiment_id'))),
      }),
    },
    {
      method: 'GET',
      path: 'experiments/get-by-name',
      access: 'read',
      handler: async (fields) => ({
        experiment: experimentJson(await tracking.getExperimentByName(requiredString(fields, 'experiment_name'))),
      }),
    },
    { method: 'POST', path: 'experiments/search', access: 'read', handler: search },
    { method: 'GET', path: 'experiments/search', access: 'read', handler: search },
    {
      method: 'POST',
      path: 'experiments/update',
      access: 'write',
      handler: async (fields) => {
        const experimentId = requiredString(fields, 'experiment_id');
        await tracking.renameExperiment(experimentId, requiredString(fields, 'new_name'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/delete',
      access: 'write',
      handler: async (fields) => {
        await tracking.deleteExperiment(requiredString(fields, 'experiment_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/restore',
      access: 'write',
      handler: async (fields) => {
        await tracking.restoreExperiment(requiredString(fields, 'experiment_id'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'experiments/set-experiment-tag',
      access: 'write',
      handler: async (fields) => {
        await tracking.setExperimentTag(requiredString(fields, 'experiment_id'), {
          key: requiredString(fields, 'key'),
          value: optionalString(fields, 'value') ?? '',
        });
        return {};
      },
    },
  ];
}
