import type { FastifyInstance } from 'fastify';
import type { TokenRecord } from '../../store/tokens.js';
import { requiredString } from '../mlflow/fields.js';
import { registerMlflowRoutes } from '../mlflow/route.js';
import type { ApiDeps } from '../server.js';
import { createToken } from './token-service.js';

/** Token management (admin only): Osprey's own API, in MLflow's request and error style. */
export function registerTokenRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tokens = deps.store.tokens;
  registerMlflowRoutes(
    app,
    [
      {
        method: 'POST',
        path: 'tokens/create',
        access: 'admin',
        handler: async (f) => {
          const created = await createToken(tokens, requiredString(f, 'name'), requiredString(f, 'role'));
          return { token: toJson(created.token), secret: created.secret };
        },
      },
      {
        method: 'GET',
        path: 'tokens/list',
        access: 'admin',
        handler: async () => ({ tokens: (await tokens.list()).map(toJson) }),
      },
      {
        method: 'POST',
        path: 'tokens/revoke',
        access: 'admin',
        handler: async (f) => ({ token: toJson(await tokens.revoke(requiredString(f, 'id'))) }),
      },
    ],
    ['/api/2.0/osprey/'],
  );
}

function toJson(t: TokenRecord) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    created_at: t.createdAt,
    ...(t.revokedAt ? { revoked_at: t.revokedAt } : {}),
  };
}
