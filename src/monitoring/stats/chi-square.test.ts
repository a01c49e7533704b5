import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { chiSquareHomogeneity, countCategories } from './chi-square.js';
import { Comparison, loadOracle } from './test-support/oracles.js';

interface ChiCase {
  label: string;
  reference: Record<string, number>;
  current: Record<string, number>;
  statistic: number;
  pvalue: number;
  dof: number;
  unseen: string[];
}

const oracle = loadOracle<ChiCase>('chi-square');

describe(`chi2_contingency on the 2×k table against SciPy ${oracle.scipy}`, () => {
  it('matches statistic, p-value and dof, and lists categories unseen in the reference', (t) => {
    const cmp = new Comparison();
    for (const c of oracle.cases) {
      const got = chiSquareHomogeneity(c.reference, c.current);
      cmp.check(`${c.label} statistic`, got.statistic, c.statistic);
      cmp.check(`${c.label} pvalue`, got.pvalue, c.pvalue);
      cmp.equal(`${c.label} dof`, got.dof, c.dof);
      cmp.equal(`${c.label} unseen`, JSON.stringify(got.unseenInReference), JSON.stringify(c.unseen));
      cmp.equal(`${c.label} yates`, got.yatesCorrection, c.dof === 1);
      assert.ok(Number.isFinite(got.statistic), `${c.label}: finite statistic`);
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(5 * 150);
    assert.ok(
      oracle.cases.some((c) => c.pvalue < 1e-12 && c.pvalue > 0),
      'an extreme but representable p-value',
    );
    assert.ok(oracle.cases.some((c) => c.unseen.length > 0));
  });

  it('reports a category new in production instead of an infinite statistic', () => {
    const r = chiSquareHomogeneity(new Map([['a', 100]]), { a: 90, brandNew: 10 });
    assert.deepEqual(r.unseenInReference, ['brandNew']);
    assert.deepEqual(r.categories, ['a', 'brandNew']);
    assert.ok(Number.isFinite(r.statistic) && r.statistic > 0);
    assert.ok(r.pvalue < 0.01);
  });

  it('counts raw values into categories', () => {
    assert.deepEqual(
      [...countCategories(['x', 'y', 'x', null, 3, '3'])],
      [
        ['x', 2],
        ['y', 1],
        ['null', 1],
        ['3', 2],
      ],
    );
  });

  it('refuses empty samples and bad counts', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => chiSquareHomogeneity({}, { a: 1 }), /reference is empty/);
    refuses(() => chiSquareHomogeneity({ a: 1 }, { a: 0 }), /current is empty/);
    refuses(() => chiSquareHomogeneity({ a: Number.NaN }, { a: 1 }), /reference\["a"\] is NaN/);
    refuses(() => chiSquareHomogeneity({ a: 1 }, { a: -2 }), /current\["a"\] is -2/);
  });
});
