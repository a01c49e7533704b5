import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../server.js';

/** MLflow model registry: registered models, model versions, tags, aliases, stages. */
export function registerRegistryRoutes(_app: FastifyInstance, _deps: ApiDeps): void {}
