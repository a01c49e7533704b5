import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth.js';
import type { Fields } from './fields.js';

/** What a route needs: read-only routes need the `reader` role, all others `editor`, token routes `admin`. */
export type Access = 'read' | 'write' | 'admin';

export interface MlflowRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the API root, e.g. `experiments/create`. */
  path: string;
  access: Access;
  handler(fields: Fields, context: RouteContext): Promise<object>;
}

export interface RouteContext {
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The roots MLflow serves its REST API under (the second is what MLflow's own UI calls). */
export const MLFLOW_API_ROOTS = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];

/**
 * Registers routes under both MLflow API roots. GET requests take their fields from the query string; the others
 * from the JSON body (an empty body is `{}`). The handler's result is sent as JSON with status 200.
 */
export function registerMlflowRoutes(
  app: FastifyInstance,
  routes: readonly MlflowRoute[],
  roots = MLFLOW_API_ROOTS,
): void {
  for (const root of roots)
    for (const route of routes)
      app.route({
        method: route.method,
        url: `${root}${route.path}`,
        config: { access: route.access },
        handler: async (request, reply) => {
          const fields = (route.method === 'GET' ? request.query : (request.body ?? {})) as Fields;
          if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
            return reply
              .code(400)
              .send({ error_code: 'BAD_REQUEST', message: 'The request body must be a JSON object' });
          }
          return route.handler(fields, { principal: request.principal, request, reply });
        },
      });
}
