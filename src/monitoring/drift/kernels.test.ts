import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countInBins,
  jensenShannonDistance,
  ksTwoSample,
  numericBinnedDrift,
  populationStabilityIndex,
  wassersteinDistance,
} from '../stats/index.js';
import { ksExtremeDiffs, ksExtremes, ksTwoSided } from './ks-counting.js';
import { referenceQuantileEdges } from './numeric-analysis.js';
import { sortFloat64, wassersteinSorted } from './sorted-sample.js';
import { seededRandom } from './test-support/random.js';

const rng = seededRandom(20240601);

/** Samples that stress the kernels: continuous, heavily tied, negative zero, outliers, tiny. */
function cases(): [string, Float64Array, Float64Array][] {
  const ties = (n: number, levels: number, offset: number) =>
    Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * levels) - offset);
  return [
    ['continuous 20000 × 3000', rng.normals(20_000), rng.normals(3000, 0.05)],
    ['continuous, current larger', rng.normals(1500), rng.normals(12_000, 0.1, 1.2)],
    ['heavy ties', ties(15_000, 12, 4), ties(11_000, 13, 4)],
    ['ties, current larger', ties(900, 5, 2), ties(14_000, 5, 2)],
    ['signed zeros', Float64Array.from([0, -0, 1, -1, 0, 2, -0]), Float64Array.from([-0, 0, 0, 3])],
    [
      'outliers',
      Float64Array.from([...rng.normals(12_000), 1e12, -1e15]),
      Float64Array.from([...rng.normals(11_000), 5e300]),
    ],
    ['one value each', Float64Array.of(1), Float64Array.of(2)],
    ['equal samples', Float64Array.of(1, 2, 3, 3), Float64Array.of(3, 1, 3, 2)],
  ];
}

describe('drift kernels equal monitoring/stats on the same data', () => {
  it('sortFloat64 sorts like Float64Array.prototype.sort, large and small, negatives, outliers and ±0', () => {
    for (const [name, a, b] of cases()) {
      for (const sample of [a, b]) {
        const expected = Float64Array.from(sample).sort();
        const sorted = sortFloat64(sample);
        assert.ok(sorted.length === expected.length && sorted.every((v, i) => v === expected[i]), name);
      }
    }
    const big = Float64Array.from(
      { length: 50_000 },
      () => (rng.uniform() - 0.5) * 10 ** Math.floor(rng.uniform() * 40 - 20),
    );
    const expected = Float64Array.from(big).sort();
    assert.ok(sortFloat64(big).every((v, i) => v === expected[i]));
    const clustered = Float64Array.from({ length: 60_000 }, (_, i) =>
      i % 100 === 0 ? 1e9 : Math.floor(rng.uniform() * 7),
    );
    const expectedClustered = Float64Array.from(clustered).sort();
    assert.ok(sortFloat64(clustered).every((v, i) => v === expectedClustered[i]));
  });

  it('ksTwoSided (counting kernel, asymp) gives ksTwoSample bit for bit: statistic, p-value, location, sign', () => {
    for (const [name, a, b] of cases()) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        assert.deepEqual(ksTwoSided(x, y, 'asymp'), ksTwoSample(x, y, { method: 'asymp' }), name);
        assert.deepEqual(ksTwoSided(x, y, 'auto'), ksTwoSample(x, y, { method: 'auto' }), name);
      }
    }
  });

  it('ksExtremes agrees with ksTwoSample on hundreds of small tied samples', () => {
    for (let k = 0; k < 300; k++) {
      const levels = 1 + Math.floor(rng.uniform() * 15);
      const x = Float64Array.from({ length: 1 + Math.floor(rng.uniform() * 60) }, () =>
        Math.floor(rng.uniform() * levels),
      );
      const y = Float64Array.from({ length: 1 + Math.floor(rng.uniform() * 60) }, () =>
        Math.floor(rng.uniform() * levels),
      );
      const ours = ksTwoSided(x, y, 'asymp');
      const theirs = ksTwoSample(x, y, { method: 'asymp' });
      assert.deepEqual(ours, theirs, `case ${k}`);
    }
    const e = ksExtremes(Float64Array.of(1, 2), Float64Array.of(1.5));
    assert.equal(e.maxDiff, 0.5);
  });

  it('ksExtremeDiffs (bucket counts, no sorting) gives the extremes of ksExtremes bit for bit', () => {
    const draw = (n: number, kind: number, shift: number) =>
      Float64Array.from({ length: n }, () => {
        if (kind === 0) return rng.normal() + shift;
        if (kind === 1) return Math.floor(rng.uniform() * 12 + shift);
        if (kind === 2) return Math.floor(rng.normal() * 3 + shift * 10) / 2; // ties on halves
        if (kind === 3) return rng.uniform() < 0.01 ? 1e12 * rng.normal() : rng.normal() + shift; // outliers
        if (kind === 4) return Math.exp(rng.normal() * 3) + shift; // skewed, clustered near the minimum
        return rng.uniform() < 0.5 ? (rng.uniform() < 0.5 ? 0 : -0) : rng.normal() * 1e-300 + shift;
      });
    const samples: [string, Float64Array, Float64Array][] = cases().map(([name, a, b]) => [name, a, b]);
    for (let k = 0; k < 600; k++) {
      const kind = k % 6;
      const large = k % 10 === 0;
      const n1 = 1 + Math.floor(rng.uniform() * (large ? 30_000 : 300));
      const n2 = 1 + Math.floor(rng.uniform() * (large ? 3000 : 300));
      const shift = k % 2 === 0 ? 0 : rng.normal() * (k % 4 === 1 ? 0.3 : 30); // overlapping, or beyond the range
      samples.push([`case ${k}`, draw(n1, kind, 0), draw(n2, rng.uniform() < 0.8 ? kind : (kind + 1) % 6, shift)]);
    }
    samples.push(
      ['constant smaller sample', rng.normals(500), Float64Array.of(0.25, 0.25, 0.25)],
      ['range overflowing doubles', Float64Array.of(-1e308, 1e308, 0, 1), Float64Array.of(1e308, -1e308, 0.5)],
      ['smaller sample above the larger', rng.normals(20_000), rng.normals(2000, 50)],
      ['smaller sample below the larger', rng.normals(20_000), rng.normals(2000, -50)],
    );
    for (const [name, a, b] of samples) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const expected = ksExtremes(x, y);
        const ours = ksExtremeDiffs(x, y);
        assert.ok(Object.is(ours.maxDiff, expected.maxDiff) && Object.is(ours.minDiff, expected.minDiff), name);
      }
    }
  });

  it('ksTwoSided without the location gives the statistic, p-value and sign of ksTwoSample', () => {
    for (const [name, a, b] of cases()) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const ours = ksTwoSided(x, y, 'asymp', { location: false });
        const theirs = ksTwoSample(x, y, { method: 'asymp' });
        assert.deepEqual(ours, { ...theirs, statisticLocation: Number.NaN }, name);
      }
    }
  });

  it('wassersteinSorted equals wassersteinDistance exactly', () => {
    for (const [name, a, b] of cases()) {
      assert.equal(wassersteinSorted(sortFloat64(a), sortFloat64(b)), wassersteinDistance(a, b), name);
    }
  });

  it('numeric PSI and Jensen–Shannon over pre-sorted data equal numericBinnedDrift', () => {
    for (const [name, a, b] of cases()) {
      const sorted = sortFloat64(a);
      const edges = referenceQuantileEdges(sorted, 10);
      const ref = countInBins(edges, sorted);
      const cur = countInBins(edges, b);
      const expected = numericBinnedDrift(a, b);
      assert.deepEqual([...edges], [...expected.edges], name);
      assert.equal(populationStabilityIndex(ref, cur), expected.psi, name);
      assert.equal(jensenShannonDistance(ref, cur, { base: 2 }), expected.jensenShannon, name);
    }
  });
});
