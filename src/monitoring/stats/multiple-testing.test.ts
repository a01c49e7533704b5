import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { benjaminiHochberg, bonferroni } from './multiple-testing.js';
import { Comparison, loadOracle } from './test-support/oracles.js';

interface MCase {
  pvalues: number[];
  bh: number[];
  bonferroni: number[];
}

const oracle = loadOracle<MCase>('multiple-testing');

describe(`false_discovery_control(method='bh') and Bonferroni against SciPy ${oracle.scipy}`, () => {
  it('matches every adjusted p-value, in input order', (t) => {
    const cmp = new Comparison();
    for (const [n, c] of oracle.cases.entries()) {
      const bh = benjaminiHochberg(c.pvalues);
      const bonf = bonferroni(c.pvalues);
      cmp.equal(`case ${n} length`, bh.length, c.bh.length);
      for (let i = 0; i < c.pvalues.length; i++) {
        cmp.check(`case ${n} bh[${i}]`, bh[i]!, c.bh[i]!);
        cmp.check(`case ${n} bonferroni[${i}]`, bonf[i]!, c.bonferroni[i]!);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(5000);
  });

  it('handles the trivial lists and refuses values outside [0, 1]', () => {
    assert.deepEqual([...benjaminiHochberg([])], []);
    assert.deepEqual([...benjaminiHochberg([0.3])], [0.3]);
    assert.deepEqual([...bonferroni([0.3, 0.6])], [0.6, 1]);
    for (const bad of [Number.NaN, -0.1, 1.5]) {
      assert.throws(
        () => benjaminiHochberg([0.1, bad]),
        (e) => isOspreyError(e, 'INVALID_ARGUMENT') && /pvalues\[1\]/.test(e.message),
      );
    }
  });
});
