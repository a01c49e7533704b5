import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { type KsAlternative, type KsMethod, ksTwoSample } from './ks-two-sample.js';
import { Comparison, loadOracle, type StoredSample, sample } from './test-support/oracles.js';

interface KsCase {
  label: string;
  x: StoredSample;
  y: StoredSample;
  results: {
    alternative: KsAlternative;
    method: KsMethod;
    statistic: number;
    pvalue: number | null;
    location: number;
    sign: 1 | -1;
    fallback: boolean;
  }[];
}

const oracle = loadOracle<KsCase>('ks-two-sample');

describe(`ks_2samp against SciPy ${oracle.scipy}`, () => {
  it('matches statistic, p-value, location, sign and fallback for every alternative and method', (t) => {
    const cmp = new Comparison();
    for (const c of oracle.cases) {
      const x = sample(c.x);
      const y = sample(c.y);
      for (const r of c.results) {
        const label = `${c.label} ${r.alternative}/${r.method}`;
        const got = ksTwoSample(x, y, { alternative: r.alternative, method: r.method });
        cmp.check(`${label} statistic`, got.statistic, r.statistic);
        if (r.pvalue === null) {
          // SciPy's NaN for n1 = n2 = 1 (kstwo with n = round(0.5) = 0): Osprey documents the exact value, 1.
          assert.equal(x.length + y.length, 2, `${label}: SciPy NaN outside the documented n1 = n2 = 1 case`);
          cmp.check(`${label} pvalue (documented deviation)`, got.pvalue, 1);
        } else {
          cmp.check(`${label} pvalue`, got.pvalue, r.pvalue);
        }
        cmp.equal(`${label} location`, got.statisticLocation, r.location);
        cmp.equal(`${label} sign`, got.statisticSign, r.sign);
        cmp.equal(`${label} fallback`, got.fallback !== null, r.fallback);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(5 * 9 * 150);
  });

  it('covers the cases the issue asks for', () => {
    const results = oracle.cases.flatMap((c) => c.results);
    assert.ok(results.some((r) => r.pvalue !== null && r.pvalue < 1e-12 && r.method === 'exact'));
    assert.ok(results.some((r) => r.pvalue !== null && r.pvalue < 1e-12 && r.method === 'asymp'));
    assert.ok(
      results.some((r) => r.fallback),
      'some exact computation falls back to asymp',
    );
    const sizes = oracle.cases.map((c) => [sample(c.x).length, sample(c.y).length] as const);
    assert.ok(sizes.some(([a, b]) => Math.max(a, b) === 10000) && sizes.some(([a, b]) => Math.max(a, b) === 10001));
    assert.ok(sizes.some(([a, b]) => a === 1 && b === 1));
  });

  it('switches auto at max(n1, n2) = 10000', () => {
    const big = oracle.cases.find((c) => c.label === 'auto boundary 10000x10000')!;
    const bigger = oracle.cases.find((c) => c.label === 'auto boundary 10000x10001')!;
    assert.equal(ksTwoSample(sample(big.x), sample(big.y)).method, 'exact');
    assert.equal(ksTwoSample(sample(bigger.x), sample(bigger.y)).method, 'asymp');
  });

  it('refuses empty samples, NaN, infinities and unknown options', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => ksTwoSample([], [1]), /sample1 is empty/);
    refuses(() => ksTwoSample([1], new Float64Array()), /sample2 is empty/);
    refuses(() => ksTwoSample([1, Number.NaN], [1]), /sample1\[1\] is NaN/);
    refuses(() => ksTwoSample([1], [Number.POSITIVE_INFINITY]), /sample2\[0\] is Infinity/);
    refuses(() => ksTwoSample([1], [2], { method: 'fast' as KsMethod }), /method must be/);
    refuses(() => ksTwoSample([1], [2], { alternative: 'both' as KsAlternative }), /alternative must be/);
  });
});
