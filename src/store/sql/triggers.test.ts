import { describe } from 'node:test';
import { triggerRepositoryContract } from '../triggers.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

for (const backend of storeBackends())
  describe(`triggers on ${backend.name}`, { skip: backend.skip }, () => {
    triggerRepositoryContract(backend.name, () => backend.fresh());
  });
