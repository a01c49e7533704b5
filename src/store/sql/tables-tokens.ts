/** Row types of the token table (migration 0004). */
export interface TokenTables {
  api_tokens: {
    id: string;
    name: string;
    role: 'reader' | 'editor' | 'admin';
    token_hash: string;
    created_at: number;
    revoked_at: number | null;
  };
}
