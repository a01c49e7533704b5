import type { ModelRegistry } from '../../../registry/model-registry.js';
import { optionalInt, optionalString, requiredString, stringList } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { modelVersionJson, registeredModelJson } from './json.js';
import { tagsField } from './request.js';

/** registered-models/*: create, get, search, rename, update, delete, set-tag, delete-tag, get-latest-versions. */
export function registeredModelRoutes(registry: ModelRegistry): MlflowRoute[] {
  const latestVersions: MlflowRoute['handler'] = async (fields) => {
    const versions = await registry.latestVersions(requiredString(fields, 'name'), stringList(fields, 'stages'));
    return versions.length > 0 ? { model_versions: versions.map(modelVersionJson) } : {};
  };
  return [
    {
      method: 'POST',
      path: 'registered-models/create',
      access: 'write',
      handler: async (fields) => {
        const model = await registry.createModel(
          requiredString(fields, 'name'),
          optionalString(fields, 'description') ?? '',
          tagsField(fields),
        );
        return { registered_model: registeredModelJson(model) };
      },
    },
    {
      method: 'GET',
      path: 'registered-models/get',
      access: 'read',
      handler: async (fields) => ({
        registered_model: registeredModelJson(await registry.getModel(requiredString(fields, 'name'))),
      }),
    },
    {
      method: 'GET',
      path: 'registered-models/search',
      access: 'read',
      handler: async (fields) => {
        const result = await registry.searchModels({
          filter: optionalString(fields, 'filter'),
          maxResults: optionalInt(fields, 'max_results'),
          orderBy: stringList(fields, 'order_by'),
          pageToken: optionalString(fields, 'page_token'),
        });
        return {
          ...(result.items.length > 0 ? { registered_models: result.items.map(registeredModelJson) } : {}),
          ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}),
        };
      },
    },
    {
      method: 'POST',
      path: 'registered-models/rename',
      access: 'write',
      handler: async (fields) => ({
        registered_model: registeredModelJson(
          await registry.renameModel(requiredString(fields, 'name'), requiredString(fields, 'new_name')),
        ),
      }),
    },
    {
      method: 'PATCH',
      path: 'registered-models/update',
      access: 'write',
      handler: async (fields) => ({
        registered_model: registeredModelJson(
          // As MLflow: an update without a description clears it.
          await registry.updateModel(requiredString(fields, 'name'), optionalString(fields, 'description') ?? ''),
        ),
      }),
    },
    {
      method: 'DELETE',
      path: 'registered-models/delete',
      access: 'write',
      handler: async (fields) => {
        await registry.deleteModel(requiredString(fields, 'name'));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'registered-models/set-tag',
      access: 'write',
      handler: async (fields) => {
        const key = requiredString(fields, 'key');
        await registry.setModelTag(requiredString(fields, 'name'), {
          key,
          value: optionalString(fields, 'value') ?? '',
        });
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'registered-models/delete-tag',
      access: 'write',
      handler: async (fields) => {
        await registry.deleteModelTag(requiredString(fields, 'name'), requiredString(fields, 'key'));
        return {};
      },
    },
    { method: 'POST', path: 'registered-models/get-latest-versions', access: 'read', handler: latestVersions },
    { method: 'GET', path: 'registered-models/get-latest-versions', access: 'read', handler: latestVersions },
  ];
}
