import { describe } from 'node:test';
import { monitorRepositoryContract } from '../monitors.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

for (const backend of storeBackends())
  describe(`monitors on ${backend.name}`, { skip: backend.skip }, () => {
    monitorRepositoryContract(backend.name, () => backend.fresh());
  });
