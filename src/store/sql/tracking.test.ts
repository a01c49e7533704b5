import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { MetadataStore } from '../metadata-store.js';
import { trackingRepositoryContract } from '../tracking.contract.js';
import { openSqlStore } from './sql-metadata-store.js';
import { createTestSchema } from './test-support/postgres-schemas.js';

/** The tracking contract on SQLite always, and on PostgreSQL (a fresh schema per test) when its URL is set. */

trackingRepositoryContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-tracking-'));
  const path = join(dir, 'osprey.db');
  const stores: MetadataStore[] = [];
  const reopen = async () => {
    const store = await openSqlStore({ kind: 'sqlite', path });
    stores.push(store);
    return store;
  };
  const store = await reopen();
  return {
    store,
    reopen,
    cleanup: async () => {
      for (const s of stores) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const postgresUrl = process.env.OSPREY_TEST_POSTGRES_URL;
describe('tracking on PostgreSQL', { skip: postgresUrl ? false : 'OSPREY_TEST_POSTGRES_URL is not set' }, () => {
  trackingRepositoryContract('postgres', async () => {
    const schema = await createTestSchema(postgresUrl ?? '');
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
});
