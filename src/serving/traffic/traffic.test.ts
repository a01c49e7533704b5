import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse, DEFAULT_ANALYSIS, nextMove, type VariantStats } from './canary-analysis.js';
import { quantile, shadowDiff } from './shadow-diff.js';
import { bucketOf, routesToChallenger } from './sticky-routing.js';

const stats = (over: Partial<VariantStats> = {}): VariantStats => ({
  requests: 1000,
  errors: 2,
  latencyP99Ms: 10,
  accuracy: null,
  labelled: 0,
  ...over,
});

describe('sticky routing', () => {
  it('sends about the configured share, always the same keys, and keeps them as the share grows', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    const at10 = keys.filter((k) => routesToChallenger(k, 10));
    assert.ok(Math.abs(at10.length / keys.length - 0.1) < 0.01, `${at10.length}`);
    assert.deepEqual(
      at10,
      keys.filter((k) => routesToChallenger(k, 10)),
      'deterministic',
    );
    assert.ok(
      at10.every((k) => routesToChallenger(k, 50)),
      'a key on the challenger at 10 % stays there at 50 %',
    );
    assert.equal(routesToChallenger('x', 0), false);
    assert.equal(routesToChallenger('x', 100), true);
    assert.ok(bucketOf('x') >= 0 && bucketOf('x') < 10_000);
  });
});

describe('shadow diff', () => {
  it('reports agreement, score differences, the disagreement table and both latencies', () => {
    const pair = (a: string, b: string, sa: number[], sb: number[], la: number, lb: number) => ({
      champion: { label: a, scores: sa, latencyMs: la },
      challenger: { label: b, scores: sb, latencyMs: lb },
    });
    const diff = shadowDiff([
      pair('rain', 'rain', [0.8, 0.2], [0.7, 0.3], 2, 3),
      pair('rain', 'sun', [0.6, 0.4], [0.4, 0.6], 4, 5),
      pair('sun', 'sun', [0.1, 0.9], [0.1, 0.9], 6, 7),
      pair('rain', 'sun', [0.5, 0.5], [0.5, 0.5], 8, 9),
    ]);
    assert.equal(diff.pairs, 4);
    assert.equal(diff.agreement, 0.5);
    assert.ok(Math.abs((diff.meanAbsScoreDiff ?? 0) - (0.1 + 0.2 + 0 + 0) / 4) < 1e-12);
    assert.deepEqual(diff.disagreements, { rain: { sun: 2 } });
    assert.deepEqual(diff.latencyP50Ms, { champion: 4, challenger: 5 });
    assert.deepEqual(diff.latencyP99Ms, { champion: 8, challenger: 9 });
    assert.equal(shadowDiff([]).agreement, 1);
    assert.equal(quantile([5, 1, 3], 0.5), 3);
  });
});

describe('canary analysis', () => {
  it('waits for enough requests, passes a healthy challenger, fails on errors, latency, agreement or accuracy', () => {
    assert.equal(analyse(stats(), stats({ requests: 50 })).verdict, 'wait');
    const healthy = analyse(stats(), stats({ errors: 5, latencyP99Ms: 12 }));
    assert.equal(healthy.verdict, 'pass');
    assert.deepEqual(
      healthy.checks.map((c) => [c.check, c.passed]),
      [
        ['error rate increase', true],
        ['p99 latency ratio', true],
        ['accuracy drop', null],
      ],
    );
    assert.equal(analyse(stats(), stats({ errors: 30 })).verdict, 'fail');
    assert.equal(analyse(stats(), stats({ latencyP99Ms: 25 })).verdict, 'fail');
    // Sub-millisecond latencies: 12× the champion's p99 but 4 ms more is within the slack; 11 ms more is not.
    assert.equal(analyse(stats({ latencyP99Ms: 0.36 }), stats({ latencyP99Ms: 4.4 })).verdict, 'pass');
    assert.equal(analyse(stats({ latencyP99Ms: 0.36 }), stats({ latencyP99Ms: 11.4 })).verdict, 'fail');
    // Latency does not decide in shadow (the mirrored call waits behind the champion's), nor on fewer than 100 answers.
    const slow = stats({ latencyP99Ms: 50 });
    const latency = (a: ReturnType<typeof analyse>) => a.checks.find((c) => c.check === 'p99 latency ratio')?.passed;
    assert.equal(latency(analyse(stats(), slow, DEFAULT_ANALYSIS, 0.95)), null);
    assert.equal(
      latency(analyse(stats({ requests: 99, errors: 0 }), slow, { ...DEFAULT_ANALYSIS, minRequests: 50 })),
      null,
    );
    assert.equal(latency(analyse(stats({ requests: 100, errors: 0 }), slow)), false);
    assert.equal(analyse(stats(), stats(), DEFAULT_ANALYSIS, 0.7).verdict, 'fail');
    const labelled = { labelled: 200 };
    assert.equal(
      analyse(stats({ accuracy: 0.9, ...labelled }), stats({ accuracy: 0.85, ...labelled })).verdict,
      'fail',
    );
    assert.equal(
      analyse(stats({ accuracy: 0.9, ...labelled }), stats({ accuracy: 0.89, ...labelled })).verdict,
      'pass',
    );
    assert.equal(
      analyse(stats({ accuracy: 0.9, labelled: 10 }), stats({ accuracy: 0.5, labelled: 10 })).verdict,
      'pass',
      'too few labels decide nothing',
    );
  });

  it('moves through the steps: advance, then promote after the last; roll back on failure', () => {
    const steps = [10, 50, 100];
    assert.deepEqual(nextMove(steps, 0, 'pass'), { action: 'advance', step: 1, percent: 50 });
    assert.deepEqual(nextMove(steps, 1, 'pass'), { action: 'advance', step: 2, percent: 100 });
    assert.deepEqual(nextMove(steps, 2, 'pass'), { action: 'promote' });
    assert.deepEqual(nextMove(steps, 1, 'fail'), { action: 'rollback' });
    assert.deepEqual(nextMove(steps, 1, 'wait'), { action: 'wait' });
  });
});
