import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { ADWIN_DEFAULTS, Adwin } from './adwin.js';
import { runDetector } from './evaluation.js';
import { describeSummary, measureDelays } from './test-support/measure.js';
import { PythonRandom } from './test-support/python-random.js';
import { bernoulliStream, gaussianStream, SeededRandom } from './test-support/synthetic-streams.js';

describe('ADWIN reproduces river.drift.ADWIN', () => {
  it("has river's defaults", () => {
    assert.deepEqual(
      { ...new Adwin().options },
      { delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 },
    );
    assert.deepEqual({ ...ADWIN_DEFAULTS }, { ...new Adwin().options });
  });

  it("fires where river's docstring says: index 1023 on random.Random(12345) {0,1}×1000 then {4..7}×1000", () => {
    const rng = new PythonRandom(12345);
    const stream = [...rng.choices([0, 1], 1000), ...rng.choices([4, 5, 6, 7], 1000)];
    assert.deepEqual(runDetector(new Adwin(), stream).drifts, [1023]);
  });

  it("fires where river's regression test says: [1023, 2015, 3007] on four alternating segments (seed 42)", () => {
    const rng = new PythonRandom(42);
    const low = () => rng.choices([0, 1], 1000);
    const high = () => rng.choices([4, 5, 6, 7], 1000);
    const stream = [...low(), ...high(), ...low(), ...high()];
    assert.deepEqual(runDetector(new Adwin(), stream).drifts, [1023, 2015, 3007]);
  });

  it('keeps the exact window statistics while no cut holds (width, total, sum of squared deviations)', () => {
    const adwin = new Adwin();
    const rng = new SeededRandom(999);
    const values = Array.from({ length: 500 }, () => rng.gaussian(5, 2));
    values.forEach((v, i) => {
      adwin.update(v);
      assert.equal(adwin.width, i + 1);
    });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
    assert.ok(Math.abs(adwin.variance - ss) <= 1e-9 * ss, `${adwin.variance} vs ${ss}`);
    assert.ok(Math.abs(adwin.total - mean * 500) <= 1e-9 * Math.abs(mean * 500));
    assert.ok(Math.abs(adwin.estimation - mean) <= 1e-12 * Math.abs(mean));
    assert.equal(new Adwin().estimation, 0);
  });

  it('never fires on a constant stream, and not within the grace period', () => {
    const constant = new Adwin();
    assert.deepEqual(runDetector(constant, Array(5000).fill(1)).drifts, []);
    assert.equal(constant.width, 5000);
    const grace = new Adwin({ gracePeriod: 100, clock: 1 });
    assert.deepEqual(runDetector(grace, [...Array(50).fill(0), ...Array(50).fill(1000)]).drifts, []);
  });

  it('drops the old concept from the window on a drift, then starts from an empty window (river ≥ 0.22)', () => {
    const adwin = new Adwin({ clock: 1 });
    runDetector(adwin, Array(500).fill(0));
    let at = -1;
    for (let i = 0; at < 0 && i < 500; i++) if (adwin.update(100).drift) at = i;
    assert.ok(at >= 0 && at < 32, `large shift detected after ${at} observations`);
    assert.ok(adwin.width < 500 + at + 1, 'buckets of the old concept were dropped');
    assert.ok(adwin.estimation > 100 * ((at + 1) / (500 + at + 1)), 'the window mean moved towards the new concept');
    adwin.update(50);
    assert.equal(adwin.width, 1);
    assert.equal(adwin.estimation, 50);
    assert.equal(adwin.detections, 1);
    adwin.reset();
    assert.equal(adwin.width, 0);
    assert.equal(adwin.detections, 0);
  });

  it('detects an abrupt error-rate change 0.1 → 0.5 within 87 observations, with no false alarm (50 seeds)', (t) => {
    const s = measureDelays(
      () => new Adwin(),
      (seed) => bernoulliStream(seed, 2000, 1000, 0.1, 0.5),
      1000,
      50,
    );
    t.diagnostic(describeSummary('ADWIN Bernoulli 0.1→0.5 at 1000', s));
    assert.equal(s.falseAlarms, 0);
    assert.equal(s.missed, 0);
    assert.ok(s.maxDelay <= 87 && s.medianDelay <= 55, `${s.maxDelay}, ${s.medianDelay}`);
    // The clock: checks happen on every 32nd observation, so delays are 23 + 32k after a change at 1000.
    assert.equal(s.minDelay % 32, 23);
  });

  it('detects a Gaussian mean shift of half a standard deviation within 247 observations (50 seeds)', (t) => {
    const s = measureDelays(
      () => new Adwin(),
      (seed) => gaussianStream(seed, 3000, 1000, 0, 0.5, 1),
      1000,
      50,
    );
    t.diagnostic(describeSummary('ADWIN N(0,1)→N(0.5,1) at 1000', s));
    assert.equal(s.falseAlarms, 0);
    assert.equal(s.missed, 0);
    assert.ok(s.maxDelay <= 247 && s.medianDelay <= 119, `${s.maxDelay}, ${s.medianDelay}`);
  });

  it('raises no false alarm on 20 stationary streams of 50,000 error bits (p = 0.1)', (t) => {
    let alarms = 0;
    for (let seed = 1; seed <= 20; seed++) {
      alarms += runDetector(new Adwin(), bernoulliStream(seed, 50_000, 50_000, 0.1, 0.1)).drifts.length;
    }
    t.diagnostic(`ADWIN: ${alarms} false alarms over 1,000,000 stationary observations`);
    assert.equal(alarms, 0);
  });

  it('refuses bad parameters and non-finite observations', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => new Adwin({ delta: 0 }), /delta must be a number > 0 and < 1/);
    refuses(() => new Adwin({ clock: 1.5 }), /clock must be an integer/);
    refuses(() => new Adwin({ maxBuckets: 1 }), /maxBuckets/);
    refuses(() => new Adwin().update(Number.NaN), /observation is NaN/);
  });
});
