import type { Role } from '../core/roles.js';

/**
 * API tokens. Only the SHA-256 of a token is stored; the token itself is shown once, when created.
 * Contract: `create` fails with ALREADY_EXISTS on a duplicate name; `findByHash` ignores revoked tokens.
 */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  revokedAt: number | null;
}

export interface TokenRepository {
  create(input: { id: string; name: string; role: Role; tokenHash: string }): Promise<TokenRecord>;
  findByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  list(): Promise<TokenRecord[]>;
  /** Marks a token revoked; NOT_FOUND when no token has this id or name. Returns the revoked record. */
  revoke(idOrName: string): Promise<TokenRecord>;
}
