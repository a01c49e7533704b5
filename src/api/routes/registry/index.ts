import type { FastifyInstance } from 'fastify';
import { ModelRegistry } from '../../../registry/model-registry.js';
import { trackingRunLookup } from '../../../registry/sources.js';
import { registerMlflowRoutes } from '../../mlflow/route.js';
import type { ApiDeps } from '../../server.js';
import { aliasRoutes } from './aliases.js';
import { modelVersionRoutes } from './model-versions.js';
import { registeredModelRoutes } from './registered-models.js';

/** MLflow model registry: registered models, model versions, tags, aliases, stages. */
export function registerRegistryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const registry = new ModelRegistry(deps.store.registry, deps.runs ?? trackingRunLookup(deps.store.tracking));
  registerMlflowRoutes(app, [
    ...registeredModelRoutes(registry),
    ...modelVersionRoutes(registry),
    ...aliasRoutes(registry),
  ]);
}
