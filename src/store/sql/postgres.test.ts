import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { isOspreyError } from '../../core/errors.js';
import { metadataStoreContract } from '../metadata-store.contract.js';
import type { MetadataStore } from '../metadata-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { openSqlStore } from './sql-metadata-store.js';
import { createTestSchema } from './test-support/postgres-schemas.js';

const baseUrl = process.env.OSPREY_TEST_POSTGRES_URL;

describe('PostgreSQL connection errors', () => {
  it('fails with UNAVAILABLE naming host:port/database, without the password, when the server is unreachable', async () => {
    await assert.rejects(
      openSqlStore({ kind: 'postgres', url: 'postgres://osprey:s3cret@127.0.0.1:1/metadata' }),
      (e) =>
        isOspreyError(e, 'UNAVAILABLE') &&
        e.message.startsWith('cannot connect to PostgreSQL at 127.0.0.1:1/metadata: ') &&
        e.message.includes('ECONNREFUSED') &&
        !e.message.includes('s3cret'),
    );
  });
});

describe('PostgreSQL', { skip: baseUrl ? false : 'OSPREY_TEST_POSTGRES_URL is not set' }, () => {
  const url = baseUrl ?? '';

  metadataStoreContract('postgres', async () => {
    const schema = await createTestSchema(url);
    const stores: MetadataStore[] = [];
    const reopen = async () => {
      const store = await openSqlStore({ kind: 'postgres', url: schema.url });
      stores.push(store);
      return store;
    };
    const store = await reopen();
    return {
      store,
      reopen,
      cleanup: async () => {
        for (const s of stores) await s.close();
        await schema.drop();
      },
    };
  });

  describe('PostgreSQL metadata store', () => {
    it('migrates once when four stores (pools) open a fresh schema at the same moment', async () => {
      const schema = await createTestSchema(url);
      const stores: MetadataStore[] = [];
      try {
        const opened = await Promise.allSettled(
          Array.from({ length: 4 }, () => openSqlStore({ kind: 'postgres', url: schema.url })),
        );
        for (const result of opened) if (result.status === 'fulfilled') stores.push(result.value);
        assert.deepEqual(
          opened.map((r) => r.status),
          ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
        );
        const rows = await schema.query<{ version: number; n: string }>(
          `select version, count(*) as n from ${schema.name}.schema_migrations group by version order by version`,
        );
        assert.deepEqual(
          rows,
          MIGRATIONS.map((m) => ({ version: m.version, n: '1' })),
        );
      } finally {
        for (const store of stores) await store.close();
        await schema.drop();
      }
    });

    it('refuses a schema migrated by a newer Osprey', async () => {
      const schema = await createTestSchema(url);
      try {
        await (await openSqlStore({ kind: 'postgres', url: schema.url })).close();
        await schema.query(
          `insert into ${schema.name}.schema_migrations (version, name, applied_at) values (999, 'future', 0)`,
        );
        await assert.rejects(
          openSqlStore({ kind: 'postgres', url: schema.url }),
          (e) => isOspreyError(e, 'CONFLICT') && /schema version 999.*upgrade Osprey/.test(e.message),
        );
      } finally {
        await schema.drop();
      }
    });

    it('reads bigint as numbers on its own pool, leaving pg global parsers alone', async () => {
      const schema = await createTestSchema(url);
      const store = await openSqlStore({ kind: 'postgres', url: schema.url });
      try {
        assert.equal(typeof (await store.schemaVersion()), 'number');
        const [row] = await schema.query<{ big: unknown }>('select 5000000000::int8 as big');
        assert.equal(row?.big, '5000000000');
        assert.equal(pg.types.getTypeParser(pg.types.builtins.INT8)('7'), '7');
      } finally {
        await store.close();
        await schema.drop();
      }
    });
  });
});
