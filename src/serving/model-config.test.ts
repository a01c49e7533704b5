import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { applyConfigFile, DEFAULT_MODEL_CONFIG, selectVersions } from './model-config.js';

describe('model configuration files', () => {
  it('applies the keys given over the server defaults', () => {
    const config = applyConfigFile(
      DEFAULT_MODEL_CONFIG,
      { max_batch_size: 8, preferred_batch_sizes: [4, 8], instance_count: 2, version_policy: { all: true } },
      'm/config.yaml',
    );
    assert.equal(config.batching.maxBatchSize, 8);
    assert.deepEqual(config.batching.preferredBatchSizes, [4, 8]);
    assert.equal(config.batching.maxQueueSize, DEFAULT_MODEL_CONFIG.batching.maxQueueSize);
    assert.equal(config.instanceCount, 2);
    assert.deepEqual(config.versionPolicy, { kind: 'all' });
    assert.equal(config.warmUp, true);
    assert.equal(applyConfigFile(DEFAULT_MODEL_CONFIG, { warm_up: false }, 'm/config.yaml').warmUp, false);
  });

  it('refuses unknown keys, wrong types and inconsistent sizes, naming the file and key', () => {
    const refused = (raw: unknown, pattern: RegExp) =>
      assert.throws(
        () => applyConfigFile(DEFAULT_MODEL_CONFIG, raw, 'm/config.json'),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message),
      );
    refused({ max_batch: 3 }, /m\/config\.json: .*max_batch/);
    refused({ instance_count: 'two' }, /m\/config\.json: instance_count/);
    refused({ max_batch_size: 4, preferred_batch_sizes: [8] }, /preferred batch size 8 exceeds max_batch_size 4/);
    refused({ version_policy: { latest: 0 } }, /version_policy/);
    refused({ warm_up: 'no' }, /m\/config\.json: warm_up/);
  });

  it('selects versions by policy, highest first', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 2 }, [1, 3, 2]), [3, 2]);
    assert.deepEqual(selectVersions({ kind: 'all' }, [1, 3, 2]), [3, 2, 1]);
    assert.deepEqual(selectVersions({ kind: 'specific', versions: [1, 5] }, [1, 3, 2]), [1]);
  });
});
