import { randomBytes } from 'node:crypto';
import { invalidArgument } from '../../core/errors.js';
import { sha256Hex } from '../../core/hashing.js';
import { newId } from '../../core/ids.js';
import { validateName } from '../../core/names.js';
import { isRole, ROLES, type Role } from '../../core/roles.js';
import type { TokenRecord, TokenRepository } from '../../store/tokens.js';
import type { Principal, TokenResolver } from '../auth.js';

/** Tokens look like `osp_<43 base64url chars>`: 256 random bits, recognisable in logs and secret scanners. */
const PREFIX = 'osp_';

export interface CreatedToken {
  token: TokenRecord;
  /** The bearer secret: shown once, never stored. */
  secret: string;
}

export async function createToken(tokens: TokenRepository, name: string, role: string): Promise<CreatedToken> {
  if (!isRole(role)) throw invalidArgument(`unknown role ${JSON.stringify(role)}: use one of ${ROLES.join(', ')}`);
  const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const token = await tokens.create({
    id: newId(),
    name: validateName('token', name),
    role,
    tokenHash: sha256Hex(secret),
  });
  return { token, secret };
}

/**
 * Resolves bearer secrets through the store, caching answers for `ttlMs` so a hot endpoint does not pay a database
 * read per request; a revoked token stops working within that time.
 */
export function storeTokenResolver(tokens: TokenRepository, ttlMs = 5_000): TokenResolver {
  const cache = new Map<string, { principal: Principal | undefined; until: number }>();
  return async (secret) => {
    if (!secret.startsWith(PREFIX)) return undefined;
    const hash = sha256Hex(secret);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const record = await tokens.findByHash(hash);
    const principal = record && { name: record.name, role: record.role as Role };
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, until: now + ttlMs });
    return principal;
  };
}
