import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleSteps } from './metric-history.js';

describe('sampling steps for get-history-bulk-interval', () => {
  const steps = Array.from({ length: 100 }, (_, i) => i * 2);

  it('keeps every step in range when they fit', () => {
    assert.deepEqual(sampleSteps(steps, 10, 20, 10), [10, 12, 14, 16, 18, 20]);
    assert.deepEqual(sampleSteps(steps, 500, 600, 10), []);
  });

  it('spaces the sample evenly and keeps the last step', () => {
    const sample = sampleSteps(steps, 0, 198, 10);
    assert.deepEqual(sample, [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 198]);
    assert.deepEqual(sampleSteps(steps, 0, 198, 1), [0, 198]);
  });
});
