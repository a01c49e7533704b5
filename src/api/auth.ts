import type { FastifyInstance } from 'fastify';
import { OspreyError } from '../core/errors.js';
import { type Role, roleRank } from '../core/roles.js';
import type { Access } from './mlflow/route.js';

/** Who is calling. With authentication off, everyone is the anonymous admin (the server binds to loopback only). */
export interface Principal {
  name: string;
  role: Role;
}

const NEEDED: Record<Access, Role> = { read: 'reader', write: 'editor', admin: 'admin' };

/** Resolves a bearer token to a principal, or undefined when the token is unknown or revoked. */
export type TokenResolver = (token: string) => Promise<Principal | undefined>;

export const ANONYMOUS_ADMIN: Principal = { name: 'anonymous', role: 'admin' };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/**
 * Authenticates every request (when a resolver is given) and checks the role each route's `access` needs.
 * Routes without `access` (health, version) are open.
 */
export function registerAuth(app: FastifyInstance, resolve: TokenResolver | undefined): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    request.principal = ANONYMOUS_ADMIN;
    const access = request.routeOptions.config.access;
    if (!resolve || !access) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new OspreyError('UNAUTHENTICATED', 'This server requires a bearer token (Authorization: Bearer <token>)');
    const principal = await resolve(match[1]!);
    if (!principal) throw new OspreyError('UNAUTHENTICATED', 'The bearer token is unknown or revoked');
    if (roleRank(principal.role) < roleRank(NEEDED[access]))
      throw new OspreyError(
        'PERMISSION_DENIED',
        `${principal.name} (${principal.role}) may not do this: it needs the ${NEEDED[access]} role`,
      );
    request.principal = principal;
  });
}
