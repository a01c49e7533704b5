import { describe } from 'node:test';
import { registryContract } from '../registry.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

for (const backend of storeBackends())
  describe(`registry on ${backend.name}`, { skip: backend.skip }, () => {
    registryContract(backend.name, async () => {
      const db = await backend.fresh();
      const reopen = async () => (await db.open()).registry;
      return { registry: await reopen(), reopen, cleanup: () => db.cleanup() };
    });
  });
