import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../server.js';

/** MLflow tracking: experiments, runs, metrics, params, tags, inputs. */
export function registerTrackingRoutes(_app: FastifyInstance, _deps: ApiDeps): void {}
