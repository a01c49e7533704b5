import type { Selectable } from 'kysely';
import { notFound, OspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import type { TokenRecord, TokenRepository } from '../tokens.js';
import type { TokenTables } from './tables-tokens.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type Row = Selectable<TokenTables['api_tokens']>;

export class SqlTokenRepository implements TokenRepository {
  constructor(private readonly ctx: SqlContext) {}

  async create(input: {
    id: string;
    name: string;
    role: TokenRecord['role'];
    tokenHash: string;
  }): Promise<TokenRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const taken = await trx.selectFrom('api_tokens').select('id').where('name', '=', input.name).executeTakeFirst();
      if (taken) throw new OspreyError('ALREADY_EXISTS', `a token named ${JSON.stringify(input.name)} already exists`);
      const row: Row = {
        id: input.id,
        name: input.name,
        role: input.role,
        token_hash: input.tokenHash,
        created_at: nowMillis(),
        revoked_at: null,
      };
      await trx.insertInto('api_tokens').values(row).execute();
      return toRecord(row);
    });
  }

  async findByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    );
    return row && toRecord(row);
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await read(this.ctx, (db) =>
      db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('name').execute(),
    );
    return rows.map(toRecord);
  }

  async revoke(idOrName: string): Promise<TokenRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const row = await trx
        .selectFrom('api_tokens')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
        .executeTakeFirst();
      if (!row) throw notFound(`no token with id or name ${JSON.stringify(idOrName)}`);
      const revokedAt = row.revoked_at ?? nowMillis();
      await trx.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', row.id).execute();
      return toRecord({ ...row, revoked_at: revokedAt });
    });
  }
}

function toRecord(row: Row): TokenRecord {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, revokedAt: row.revoked_at };
}
