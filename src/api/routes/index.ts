import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../server.js';
import { registerTokenRoutes } from '../tokens/routes.js';
import { registerArtifactRoutes } from './artifacts/index.js';
import { registerDatasetRoutes } from './datasets/index.js';
import { registerRegistryRoutes } from './registry/index.js';
import { registerTrackingRoutes } from './tracking/index.js';
import { registerTriggerRoutes } from './triggers/index.js';

/** Every resource's routes; one folder per resource. */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerTrackingRoutes(app, deps);
  registerArtifactRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerDatasetRoutes(app, deps);
  registerRegistryRoutes(app, deps);
  registerTriggerRoutes(app, deps);
}
