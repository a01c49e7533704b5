import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { MetadataStore } from '../metadata-store.js';
import { pipelinesContract } from '../pipelines.contract.js';
import { openSqlStore } from './sql-metadata-store.js';
import { createTestSchema } from './test-support/postgres-schemas.js';

const postgresUrl = process.env.OSPREY_TEST_POSTGRES_URL;

/** Runs the pipelines contract over stores opened by `openOne`; every handle is closed by cleanup. */
function openedFrom(openOne: () => Promise<MetadataStore>, dispose: () => Promise<void>) {
  return async () => {
    const stores: MetadataStore[] = [];
    const reopen = async () => {
      const store = await openOne();
      stores.push(store);
      return store.pipelines;
    };
    const pipelines = await reopen();
    const cleanup = async () => {
      for (const store of stores) await store.close();
      await dispose();
    };
    return { pipelines, reopen, cleanup };
  };
}

pipelinesContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-pipelines-'));
  const path = join(dir, 'osprey.db');
  return openedFrom(
    () => openSqlStore({ kind: 'sqlite', path }),
    () => rm(dir, { recursive: true, force: true }),
  )();
});

describe('pipeline runs on PostgreSQL', { skip: postgresUrl ? false : 'OSPREY_TEST_POSTGRES_URL is not set' }, () => {
  pipelinesContract('postgres', async () => {
    const schema = await createTestSchema(postgresUrl ?? '');
    return openedFrom(
      () => openSqlStore({ kind: 'postgres', url: schema.url }),
      () => schema.drop(),
    )();
  });
});
