import type { FastifyInstance } from 'fastify';
import { TrackingService } from '../../../tracking/service.js';
import { registerMlflowRoutes } from '../../mlflow/route.js';
import type { ApiDeps } from '../../server.js';
import { experimentRoutes } from './experiments.js';
import { loggingRoutes } from './logging.js';
import { metricRoutes } from './metrics.js';
import { runRoutes } from './runs.js';

/** MLflow tracking: experiments, runs, metrics, params, tags, inputs (service.proto's MlflowService). */
export function registerTrackingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tracking = new TrackingService(deps.store.tracking, deps.store.datasets);
  registerMlflowRoutes(app, [
    ...experimentRoutes(tracking),
    ...runRoutes(tracking),
    ...loggingRoutes(tracking),
    ...metricRoutes(tracking),
  ]);
}
