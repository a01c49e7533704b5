import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ddm } from './ddm.js';
import { runDetector, scoreDetections } from './evaluation.js';

describe('detector evaluation', () => {
  it('scores false alarms before the change point and the delay of the first detection after it', () => {
    assert.deepEqual(scoreDetections([10, 400, 1023, 1500], 1000), { falseAlarms: 2, firstDetection: 1023, delay: 23 });
    assert.deepEqual(scoreDetections([1000], 1000), { falseAlarms: 0, firstDetection: 1000, delay: 0 });
    assert.deepEqual(scoreDetections([5], 1000), { falseAlarms: 1, firstDetection: null, delay: null });
  });

  it('records drift indices and the entries into the warning zone', () => {
    const stream = [...Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0)), ...Array(60).fill(1)] as (
      | 0
      | 1
    )[];
    const run = runDetector(new Ddm(), stream);
    assert.equal(run.drifts.length, 1);
    assert.equal(run.warningStarts.length, 1);
    assert.ok(run.warningStarts[0]! > 100 && run.warningStarts[0]! < run.drifts[0]!);
  });
});
