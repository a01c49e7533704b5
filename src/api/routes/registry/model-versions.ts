import type { ModelRegistry } from '../../../registry/model-registry.js';
import { optionalBool, optionalInt, optionalString, requiredString, stringList } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { modelVersionJson } from './json.js';
import { tagsField, userOf, versionField } from './request.js';

/**
 * model-versions/*: create, get, search, update, delete, set-tag, delete-tag, transition-stage (deprecated in
 * MLflow, still sent by older clients) and get-download-uri.
 */
export function modelVersionRoutes(registry: ModelRegistry): MlflowRoute[] {
  const name = (fields: Parameters<MlflowRoute['handler']>[0]) => requiredString(fields, 'name');
  return [
    {
      method: 'POST',
      path: 'model-versions/create',
      access: 'write',
      handler: async (fields, context) => {
        const version = await registry.createVersion({
          name: name(fields),
          source: requiredString(fields, 'source'),
          // As MLflow: fields the client left out are stored as ''.
          runId: optionalString(fields, 'run_id') ?? '',
          runLink: optionalString(fields, 'run_link') ?? '',
          description: optionalString(fields, 'description') ?? '',
          tags: tagsField(fields),
          userId: userOf(context),
        });
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'GET',
      path: 'model-versions/get',
      access: 'read',
      handler: async (fields) => ({
        model_version: modelVersionJson(await registry.getVersion(name(fields), versionField(fields))),
      }),
    },
    {
      method: 'GET',
      path: 'model-versions/search',
      access: 'read',
      handler: async (fields) => {
        const result = await registry.searchVersions({
          filter: optionalString(fields, 'filter'),
          maxResults: optionalInt(fields, 'max_results'),
          orderBy: stringList(fields, 'order_by'),
          pageToken: optionalString(fields, 'page_token'),
        });
        return {
          ...(result.items.length > 0 ? { model_versions: result.items.map(modelVersionJson) } : {}),
          ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}),
        };
      },
    },
    {
      method: 'PATCH',
      path: 'model-versions/update',
      access: 'write',
      handler: async (fields) => {
        // As MLflow: an update without a description clears it.
        const description = optionalString(fields, 'description') ?? null;
        const version = await registry.updateVersion(name(fields), versionField(fields), description);
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'DELETE',
      path: 'model-versions/delete',
      access: 'write',
      handler: async (fields) => {
        await registry.deleteVersion(name(fields), versionField(fields));
        return {};
      },
    },
    {
      method: 'POST',
      path: 'model-versions/transition-stage',
      access: 'write',
      handler: async (fields) => {
        const version = await registry.transitionStage(
          name(fields),
          versionField(fields),
          requiredString(fields, 'stage'),
          optionalBool(fields, 'archive_existing_versions') ?? false,
        );
        return { model_version: modelVersionJson(version) };
      },
    },
    {
      method: 'POST',
      path: 'model-versions/set-tag',
      access: 'write',
      handler: async (fields) => {
        const tag = { key: requiredString(fields, 'key'), value: optionalString(fields, 'value') ?? '' };
        await registry.setVersionTag(name(fields), versionField(fields), tag);
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'model-versions/delete-tag',
      access: 'write',
      handler: async (fields) => {
        await registry.deleteVersionTag(name(fields), versionField(fields), requiredString(fields, 'key'));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'model-versions/get-download-uri',
      access: 'read',
      handler: async (fields) => ({ artifact_uri: await registry.downloadUri(name(fields), versionField(fields)) }),
    },
  ];
}
