import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { runDetector } from './evaluation.js';
import { PageHinkley } from './page-hinkley.js';
import { describeSummary, measureDelays } from './test-support/measure.js';
import { PythonRandom } from './test-support/python-random.js';
import { bernoulliStream, gaussianStream } from './test-support/synthetic-streams.js';

describe('PageHinkley reproduces river.drift.PageHinkley', () => {
  it("has river's defaults", () => {
    assert.deepEqual(
      { ...new PageHinkley().options },
      { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: 'both' },
    );
  });

  it("fires where river's docstring says: index 1006 on random.Random(12345) {0,1}×1000 then {4..7}×1000", () => {
    const rng = new PythonRandom(12345);
    const stream = [...rng.choices([0, 1], 1000), ...rng.choices([4, 5, 6, 7], 1000)];
    assert.deepEqual(runDetector(new PageHinkley(), stream).drifts, [1006]);
  });

  it('computes the two cumulative statistics exactly as defined', () => {
    const ph = new PageHinkley();
    ph.update(1); // mean 1, dev 0: U = −δ, U_min = −δ; D = +δ, D_max = max(−1, δ) = δ
    assert.deepEqual(ph.statistics, { increase: 0, decrease: 0 });
    ph.update(3); // mean 2, dev 1: U = α(−δ) + 1 − δ; D = αδ + 1 + δ
    const alpha = 1 - 0.0001;
    const U = alpha * -0.005 + 1 - 0.005;
    assert.equal(ph.statistics.increase, U - -0.005);
    const D = alpha * 0.005 + 1 + 0.005;
    assert.equal(ph.statistics.decrease, D - D); // D is the new maximum
    assert.equal(ph.n, 2);
  });

  it('signals nothing before minInstances observations, however large the change', () => {
    const ph = new PageHinkley();
    const stream = [...Array(10).fill(0), ...Array(18).fill(1e6)];
    assert.deepEqual(runDetector(ph, stream).drifts, []);
    assert.equal(ph.update(1e6).drift, false, 'n = 29');
    assert.equal(ph.update(1e6).drift, true, 'n = 30 = minInstances');
    ph.update(0);
    assert.equal(ph.n, 1, 'the update after a drift starts from a fresh state');
  });

  it('detects a mean shift of 10σ (σ = 0.1) up or down within 46–53 observations, no false alarm (50 seeds)', (t) => {
    for (const [label, after] of [
      ['up', 1],
      ['down', -1],
    ] as const) {
      const s = measureDelays(
        () => new PageHinkley(),
        (seed) => gaussianStream(seed, 2000, 1000, 0, after, 0.1),
        1000,
        50,
      );
      t.diagnostic(describeSummary(`PageHinkley N(0,0.1²)→N(${after},0.1²) at 1000`, s));
      assert.equal(s.falseAlarms, 0, label);
      assert.equal(s.missed, 0, label);
      assert.ok(s.minDelay >= 46 && s.maxDelay <= 53, `${label}: ${s.minDelay}..${s.maxDelay}`);
    }
  });

  it("watches one direction only in mode 'up' or 'down'", () => {
    const downward = gaussianStream(7, 2000, 1000, 0, -1, 0.1);
    assert.deepEqual(runDetector(new PageHinkley({ mode: 'up' }), downward).drifts, []);
    assert.equal(runDetector(new PageHinkley({ mode: 'down' }), downward).drifts.length > 0, true);
    const upward = gaussianStream(7, 2000, 1000, 0, 1, 0.1);
    assert.deepEqual(runDetector(new PageHinkley({ mode: 'down' }), upward).drifts, []);
  });

  it('detects an error-rate change 0.1 → 0.5 within 185 observations, no false alarm (50 seeds)', (t) => {
    const s = measureDelays(
      () => new PageHinkley(),
      (seed) => bernoulliStream(seed, 2000, 1000, 0.1, 0.5),
      1000,
      50,
    );
    t.diagnostic(describeSummary('PageHinkley Bernoulli 0.1→0.5 at 1000', s));
    assert.equal(s.falseAlarms, 0);
    assert.equal(s.missed, 0);
    assert.ok(s.maxDelay <= 185 && s.medianDelay <= 123, `${s.maxDelay}, ${s.medianDelay}`);
  });

  it('false-alarms on noisy streams: λ = 50 is in the unit of the stream (measured, N(0,1) prefix of 5,000)', (t) => {
    const s = measureDelays(
      () => new PageHinkley(),
      (seed) => gaussianStream(seed, 7000, 5000, 0, 1, 1),
      5000,
      50,
    );
    t.diagnostic(describeSummary('PageHinkley N(0,1)→N(1,1) at 5000', s));
    assert.equal(s.missed, 0);
    assert.equal(s.falseAlarms, 144);
    assert.equal(s.streamsWithFalseAlarms, 49);
  });

  it('refuses bad parameters and non-finite observations', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => new PageHinkley({ mode: 'sideways' as 'up' }), /mode must be 'up', 'down' or 'both'/);
    refuses(() => new PageHinkley({ alpha: 1.5 }), /alpha must be a number > 0 and ≤ 1/);
    refuses(() => new PageHinkley({ minInstances: 0 }), /minInstances must be an integer ≥ 1/);
    refuses(() => new PageHinkley().update(Number.POSITIVE_INFINITY), /observation is Infinity/);
  });
});
