import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import {
  decodePageToken,
  encodePageToken,
  MODEL_SEARCH,
  maxResults,
  parseModelOrder,
  parseVersionOrder,
  VERSION_SEARCH,
} from './search-paging.js';

const invalid = (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT');

describe('registry search paging', () => {
  it('writes page tokens byte for byte as MLflow does, and reads them back', () => {
    // base64.b64encode(json.dumps({"offset": 100}).encode()) in MLflow's search_utils
    assert.equal(encodePageToken(100), 'eyJvZmZzZXQiOiAxMDB9');
    assert.equal(decodePageToken('eyJvZmZzZXQiOiAxMDB9'), 100);
    assert.equal(decodePageToken(encodePageToken(0)), 0);
    assert.equal(decodePageToken(undefined), 0);
    assert.equal(decodePageToken(''), 0);
    for (const token of [
      '%%%',
      'bm90IGpzb24=',
      Buffer.from('{"offset": -5}').toString('base64'),
      Buffer.from('{"offset": "3"}').toString('base64'),
      Buffer.from('null').toString('base64'),
    ])
      assert.throws(() => decodePageToken(token), invalid, token);
  });

  it('bounds max_results as MLflow: 100 (≤ 1000) for models, 10,000 (≤ 200,000) for versions', () => {
    assert.equal(maxResults(undefined, MODEL_SEARCH), 100);
    assert.equal(maxResults(1000, MODEL_SEARCH), 1000);
    assert.equal(maxResults(undefined, VERSION_SEARCH), 10_000);
    assert.equal(maxResults(200_000, VERSION_SEARCH), 200_000);
    for (const value of [0, -1, 1001, 1.5]) assert.throws(() => maxResults(value, MODEL_SEARCH), invalid);
    assert.throws(() => maxResults(200_001, VERSION_SEARCH), invalid);
  });

  it('parses order_by clauses, refusing unknown keys and duplicates', () => {
    assert.deepEqual(parseModelOrder(['name DESC', 'timestamp']), [
      { field: 'name', ascending: false },
      { field: 'updatedAt', ascending: true },
    ]);
    assert.deepEqual(parseModelOrder(['attribute.`creation_timestamp` asc']), [
      { field: 'createdAt', ascending: true },
    ]);
    assert.deepEqual(parseVersionOrder([]), [
      { field: 'updatedAt', ascending: false },
      { field: 'name', ascending: true },
      { field: 'version', ascending: false },
    ]);
    assert.deepEqual(parseVersionOrder(['version_number']), [{ field: 'version', ascending: true }]);
    for (const clause of [['size'], ['name', 'name desc'], ['timestamp', 'last_updated_timestamp'], ['name up'], ['']])
      assert.throws(() => parseModelOrder(clause), invalid, clause.join());
    assert.throws(() => parseVersionOrder(['current_stage']), invalid);
  });
});
