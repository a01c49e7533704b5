import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { Comparison, loadOracle, type StoredSample, sample } from './test-support/oracles.js';
import { wassersteinDistance, wassersteinDrift } from './wasserstein.js';

interface WCase {
  label: string;
  u: StoredSample;
  v: StoredSample;
  uWeights?: number[];
  vWeights?: number[];
  distance: number;
  uStd: number;
}

const oracle = loadOracle<WCase>('wasserstein');

describe(`wasserstein_distance against SciPy ${oracle.scipy}`, () => {
  it('matches the distance, weighted and unweighted, and numpy.std (ddof=0) of the reference', (t) => {
    const cmp = new Comparison();
    for (const c of oracle.cases) {
      const u = sample(c.u);
      const v = sample(c.v);
      cmp.check(`${c.label} distance`, wassersteinDistance(u, v, c.uWeights, c.vWeights), c.distance);
      const options = {
        ...(c.uWeights ? { referenceWeights: c.uWeights } : {}),
        ...(c.vWeights ? { currentWeights: c.vWeights } : {}),
      };
      const drift = wassersteinDrift(u, v, options);
      cmp.check(`${c.label} std`, drift.referenceStd, c.uStd);
      if (drift.referenceStd > 0) cmp.check(`${c.label} effect`, drift.effectSize, drift.distance / drift.referenceStd);
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(2 * 200);
    assert.ok(oracle.cases.filter((c) => c.uWeights).length >= 50);
  });

  it('measures a pure shift as the shift, and scales the effect size by the reference spread', () => {
    const ref = [0, 1, 2, 3];
    const r = wassersteinDrift(ref, [10, 11, 12, 13]);
    assert.equal(r.distance, 10);
    assert.equal(r.referenceStd, Math.sqrt(1.25));
    assert.equal(r.effectSize, 10 / Math.sqrt(1.25));
    assert.deepEqual(wassersteinDrift([5, 5], [5]), { distance: 0, referenceStd: 0, effectSize: 0 });
    assert.equal(wassersteinDrift([5, 5], [6]).effectSize, Number.POSITIVE_INFINITY);
  });

  it('refuses empty samples, NaN and bad weights', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => wassersteinDistance([], [1]), /u is empty/);
    refuses(() => wassersteinDistance([1], [Number.NaN]), /v\[0\] is NaN/);
    refuses(() => wassersteinDistance([1, 2], [1], [1]), /one weight per value/);
    refuses(() => wassersteinDistance([1, 2], [1], [1, -1]), /weights must be ≥ 0/);
    refuses(() => wassersteinDistance([1, 2], [1], [0, 0]), /positive, finite sum/);
  });
});
