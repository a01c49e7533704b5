import { invalidArgument, isOspreyError } from '../../../core/errors.js';
import type { ModelRegistry } from '../../../registry/model-registry.js';
import { requiredString } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';
import { modelVersionJson } from './json.js';
import { versionField } from './request.js';

/**
 * registered-models/alias: POST sets, DELETE deletes (both need the editor role), GET returns the version an alias
 * points at. An unknown alias is INVALID_PARAMETER_VALUE (400), as MLflow answers it.
 */
export function aliasRoutes(registry: ModelRegistry): MlflowRoute[] {
  return [
    {
      method: 'POST',
      path: 'registered-models/alias',
      access: 'write',
      handler: async (fields) => {
        await registry.setAlias(requiredString(fields, 'name'), requiredString(fields, 'alias'), versionField(fields));
        return {};
      },
    },
    {
      method: 'DELETE',
      path: 'registered-models/alias',
      access: 'write',
      handler: async (fields) => {
        await registry.deleteAlias(requiredString(fields, 'name'), requiredString(fields, 'alias'));
        return {};
      },
    },
    {
      method: 'GET',
      path: 'registered-models/alias',
      access: 'read',
      handler: async (fields) => {
        try {
          const version = await registry.getVersionByAlias(
            requiredString(fields, 'name'),
            requiredString(fields, 'alias'),
          );
          return { model_version: modelVersionJson(version) };
        } catch (error) {
          if (isOspreyError(error, 'NOT_FOUND')) throw invalidArgument(error.message, { ...error.details });
          throw error;
        }
      },
    },
  ];
}
