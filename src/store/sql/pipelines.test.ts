import { describe } from 'node:test';
import { pipelinesContract } from '../pipelines.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

for (const backend of storeBackends())
  describe(`pipeline runs on ${backend.name}`, { skip: backend.skip }, () => {
    pipelinesContract(backend.name, async () => {
      const db = await backend.fresh();
      const reopen = async () => (await db.open()).pipelines;
      return { pipelines: await reopen(), reopen, cleanup: () => db.cleanup() };
    });
  });
