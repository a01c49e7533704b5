import { describe } from 'node:test';
import { trackingRepositoryContract } from '../tracking.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

/** The tracking contract on SQLite always, and on PostgreSQL (a fresh schema per test) when its URL is set. */
for (const backend of storeBackends())
  describe(`tracking on ${backend.name}`, { skip: backend.skip }, () => {
    trackingRepositoryContract(backend.name, async () => {
      const db = await backend.fresh();
      return { store: await db.open(), reopen: () => db.open(), cleanup: () => db.cleanup() };
    });
  });
