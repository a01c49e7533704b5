import { describe } from 'node:test';
import { deploymentRepositoryContract } from '../deployments.contract.js';
import { storeBackends } from './test-support/fresh-stores.js';

for (const backend of storeBackends())
  describe(`deployments on ${backend.name}`, { skip: backend.skip }, () => {
    deploymentRepositoryContract(backend.name, () => backend.fresh());
  });
