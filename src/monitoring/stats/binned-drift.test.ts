import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { categoricalBinnedDrift, numericBinnedDrift } from './binned-drift.js';
import { quantileSorted } from './binning.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { populationStabilityIndex } from './psi.js';
import { Comparison, loadOracle, type StoredSample, sample } from './test-support/oracles.js';

interface BinnedResult {
  referenceCounts: number[];
  currentCounts: number[];
  psi: number;
  js: number;
}

type PsiCase =
  | {
      kind: 'numeric';
      label: string;
      reference: StoredSample;
      current: StoredSample;
      results: (BinnedResult & { bins: number; edges: number[] })[];
    }
  | (BinnedResult & {
      kind: 'categorical';
      label: string;
      reference: string[];
      current: string[];
      categories: string[];
    });

const oracle = loadOracle<PsiCase>('psi-jensen-shannon');

describe(`PSI and Jensen–Shannon (scipy.spatial.distance.jensenshannon, base 2) against SciPy ${oracle.scipy}`, () => {
  it('bins exactly like numpy (quantile edges, searchsorted) and matches PSI and JS', (t) => {
    const cmp = new Comparison();
    const compare = (
      label: string,
      got: { referenceCounts: Float64Array; currentCounts: Float64Array; psi: number; jensenShannon: number },
      want: BinnedResult,
    ) => {
      cmp.equal(
        `${label} reference counts`,
        JSON.stringify([...got.referenceCounts]),
        JSON.stringify(want.referenceCounts),
      );
      cmp.equal(`${label} current counts`, JSON.stringify([...got.currentCounts]), JSON.stringify(want.currentCounts));
      cmp.check(`${label} psi`, got.psi, want.psi);
      cmp.check(`${label} js`, got.jensenShannon, want.js);
      assert.ok(got.jensenShannon >= 0 && got.jensenShannon <= 1);
    };
    for (const c of oracle.cases) {
      if (c.kind === 'numeric') {
        const reference = sample(c.reference);
        const current = sample(c.current);
        for (const r of c.results) {
          const got = numericBinnedDrift(reference, current, { bins: r.bins });
          cmp.equal(`${c.label} bins=${r.bins} edges`, JSON.stringify([...got.edges]), JSON.stringify(r.edges));
          compare(`${c.label} bins=${r.bins}`, got, r);
        }
      } else {
        const got = categoricalBinnedDrift(c.reference, c.current);
        cmp.equal(`${c.label} categories`, JSON.stringify(got.categories), JSON.stringify(c.categories));
        compare(c.label, got, c);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(4 * 500);
  });

  it('computes quantiles as numpy (linear interpolation)', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantileSorted([7], 0.9), 7);
    assert.equal(quantileSorted([0, 10], 0.7), 7);
  });

  it('floors empty bins for PSI, needs no floor for JS, and stays within [0, 1]', () => {
    assert.equal(jensenShannonDistance([1, 0], [0, 1]), 1);
    assert.equal(jensenShannonDistance([3, 1], [3, 1]), 0);
    const psi = populationStabilityIndex([10, 0], [5, 5]);
    assert.ok(Math.abs(psi - ((0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4))) < 1e-15);
    assert.ok(populationStabilityIndex([10, 0], [5, 5], { floor: 1e-6 }) > psi);
  });

  it('refuses empty samples, NaN and mismatched bins', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => numericBinnedDrift([], [1]), /reference is empty/);
    refuses(() => numericBinnedDrift([1], [Number.NaN]), /current\[0\] is NaN/);
    refuses(() => populationStabilityIndex([1, 2], [1]), /2 bins/);
    refuses(() => populationStabilityIndex([0, 0], [1, 1]), /referenceCounts is empty/);
    refuses(() => jensenShannonDistance([1, -1], [1, 1]), /p\[1\] is -1/);
    refuses(() => categoricalBinnedDrift(['a'], []), /currentCounts is empty/);
    refuses(() => numericBinnedDrift([1, 2], [1], { bins: 0 }), /bins must be a positive integer/);
  });
});
