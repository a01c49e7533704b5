import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import {
  evaluateGate,
  GATE_TAG_LENGTH,
  GATE_TAGS,
  type GateCheck,
  gateTags,
  metricDirection,
  parseGatePolicy,
  parseGateReport,
  parseMetrics,
} from './gate-policy.js';

const POLICY = parseGatePolicy({
  thresholds: { accuracy: { min: 0.85 }, log_loss: { max: 0.5 } },
  noWorseThanChampion: { metrics: ['accuracy', 'log_loss'], tolerance: 0 },
});

const byId = (checks: GateCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

function rejects(policy: unknown, message: RegExp): void {
  assert.throws(
    () => parseGatePolicy(policy),
    (error) => isOspreyError(error, 'INVALID_ARGUMENT') && message.test(error.message),
  );
}

describe('gate policy: thresholds', () => {
  it('passes values inside inclusive bounds and names the bound a failing value breaks', () => {
    const report = evaluateGate(POLICY, { accuracy: 0.85, log_loss: 0.5 }, null);
    assert.equal(report.passed, true);
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status, c.candidate]),
      [
        ['threshold:accuracy', 'passed', 0.85],
        ['threshold:log_loss', 'passed', 0.5],
        ['champion:accuracy', 'skipped', 0.85],
        ['champion:log_loss', 'skipped', 0.5],
      ],
    );
    assert.match(report.summary, /^passed: 2 of 4 checks passed, 2 skipped$/);

    const failing = evaluateGate(POLICY, { accuracy: 0.84, log_loss: 0.51 }, null);
    assert.equal(failing.passed, false);
    const checks = byId(failing.checks);
    assert.deepEqual(checks['threshold:accuracy']?.threshold, { min: 0.85 });
    assert.equal(checks['threshold:accuracy']?.reason, 'accuracy 0.84 is below the minimum 0.85');
    assert.equal(checks['threshold:log_loss']?.reason, 'log_loss 0.51 is above the maximum 0.5');
    assert.match(failing.summary, /^failed 2 of 4 checks: accuracy 0\.84 is below the minimum 0\.85; log_loss/);
  });

  it('checks both bounds of a range', () => {
    const policy = parseGatePolicy({ thresholds: { rows: { min: 100, max: 200 } } });
    assert.equal(evaluateGate(policy, { rows: 150 }, null).checks[0]?.reason, 'rows 150 ≥ 100 and ≤ 200');
    assert.equal(evaluateGate(policy, { rows: 201 }, null).checks[0]?.reason, 'rows 201 is above the maximum 200');
  });

  it('a missing or non-numeric metric fails its check, naming the metric and what the metrics hold', () => {
    const report = evaluateGate(POLICY, { log_loss: 'low', f1: 0.9 }, null);
    const checks = byId(report.checks);
    assert.equal(report.passed, false);
    assert.equal(checks['threshold:accuracy']?.status, 'failed');
    assert.equal(checks['threshold:accuracy']?.candidate, null);
    assert.equal(
      checks['threshold:accuracy']?.reason,
      "accuracy: the candidate metrics have no 'accuracy' (it has 'f1', 'log_loss')",
    );
    assert.equal(
      checks['threshold:log_loss']?.reason,
      `log_loss: the candidate's 'log_loss' is not a finite number ("low")`,
    );
    assert.match(report.summary, /no 'accuracy'/);
  });

  it('never reads inherited properties as metrics', () => {
    const policy = parseGatePolicy({ thresholds: { constructor: { min: 0 } } });
    const report = evaluateGate(policy, parseMetrics('{"accuracy": 1}', 'the candidate'), null);
    assert.match(report.checks[0]?.reason ?? '', /have no 'constructor'/);
  });
});

describe('gate policy: no worse than the champion', () => {
  it('compares each metric in its direction: higher accuracy, lower loss is better', () => {
    const report = evaluateGate(POLICY, { accuracy: 0.9, log_loss: 0.3 }, { accuracy: 0.9, log_loss: 0.31 });
    assert.equal(report.passed, true);
    const checks = byId(report.checks);
    assert.deepEqual(
      [checks['champion:accuracy']?.direction, checks['champion:log_loss']?.direction],
      ['higher', 'lower'],
    );
    assert.equal(checks['champion:accuracy']?.champion, 0.9);
    assert.equal(
      checks['champion:log_loss']?.reason,
      "log_loss 0.3 is no worse than the champion's 0.31 (lower is better, tolerance 0)",
    );
    assert.deepEqual(report.champion, { given: true, holdout: null });
  });

  it('fails a regression beyond the tolerance and passes one within it', () => {
    const worse = evaluateGate(POLICY, { accuracy: 0.88, log_loss: 0.35 }, { accuracy: 0.9, log_loss: 0.3 });
    assert.equal(worse.passed, false);
    const checks = byId(worse.checks);
    assert.equal(
      checks['champion:accuracy']?.reason,
      "accuracy 0.88 is worse than the champion's 0.9 by 0.02 (higher is better, tolerance 0)",
    );
    assert.match(
      checks['champion:log_loss']?.reason ?? '',
      /log_loss 0\.35 is worse than the champion's 0\.3 by 0\.05/,
    );
    const tolerant = parseGatePolicy({
      noWorseThanChampion: { metrics: ['accuracy', 'log_loss'], tolerance: { accuracy: 0.025, log_loss: 0.01 } },
    });
    const judged = byId(
      evaluateGate(tolerant, { accuracy: 0.88, log_loss: 0.35 }, { accuracy: 0.9, log_loss: 0.3 }).checks,
    );
    assert.deepEqual(
      [
        judged['champion:accuracy']?.status,
        judged['champion:accuracy']?.tolerance,
        judged['champion:log_loss']?.status,
      ],
      ['passed', 0.025, 'failed'],
    );
  });

  it('a metric the champion lacks fails the comparison, naming it', () => {
    const report = evaluateGate(POLICY, { accuracy: 0.9, log_loss: 0.3 }, { accuracy: 0.8 });
    assert.equal(report.passed, false);
    assert.equal(
      byId(report.checks)['champion:log_loss']?.reason,
      "log_loss: the champion metrics have no 'log_loss' (it has 'accuracy')",
    );
  });

  it('refuses to compare metrics computed on different holdouts', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const report = evaluateGate(
      POLICY,
      { accuracy: 0.9, log_loss: 0.3 },
      { accuracy: 0.8, log_loss: 0.4 },
      {
        candidate: a,
        champion: b,
      },
    );
    assert.equal(report.passed, false);
    assert.match(
      byId(report.checks)['champion:accuracy']?.reason ?? '',
      /evaluated on different holdouts \(sha256:aaaaaaaaaaaa vs sha256:bbbbbbbbbbbb\)/,
    );
    const same = evaluateGate(
      POLICY,
      { accuracy: 0.9, log_loss: 0.3 },
      { accuracy: 0.8, log_loss: 0.4 },
      {
        candidate: a,
        champion: a,
      },
    );
    assert.equal(same.passed, true);
    assert.deepEqual([same.candidate.holdout, same.champion.holdout], [a, a]);
  });

  it('without a champion the comparison is skipped, unless the policy requires one', () => {
    const required = parseGatePolicy({ ...POLICY, requireChampion: true });
    const report = evaluateGate(required, { accuracy: 0.9, log_loss: 0.3 }, null);
    assert.equal(report.passed, false);
    assert.match(byId(report.checks)['champion:accuracy']?.reason ?? '', /the policy requires a champion/);
    const only = evaluateGate(parseGatePolicy({ requireChampion: true }), { accuracy: 0.9 }, null);
    assert.deepEqual(
      only.checks.map((c) => [c.id, c.status]),
      [['champion', 'failed']],
    );
  });

  it('infers lower-is-better from loss and error names; the policy can say otherwise', () => {
    for (const name of ['loss', 'log_loss', 'logLoss', 'val-error', 'rmse', 'MAE', 'train.mse', 'mape'])
      assert.equal(metricDirection(name), 'lower', name);
    for (const name of ['accuracy', 'f1', 'auc', 'r2', 'glossary', 'errorless_days'])
      assert.equal(metricDirection(name), 'higher', name);
    assert.equal(metricDirection('log_loss', { log_loss: 'higher' }), 'higher');
    assert.equal(metricDirection('latency_p99', { latency_p99: 'lower' }), 'lower');
  });
});

describe('gate policy: validation', () => {
  it('refuses an invalid policy with an error naming the field', () => {
    rejects({ thresholds: { accuracy: { min: '0.85' } } }, /gate policy: thresholds\.accuracy\.min: /);
    rejects({ thresholds: { accuracy: { min: 0.9, max: 0.8 } } }, /thresholds\.accuracy: min is greater than max/);
    rejects({ thresholds: { accuracy: {} } }, /thresholds\.accuracy: give min, max or both/);
    rejects({ thresholds: { accuracy: { minimum: 0.8 } } }, /thresholds\.accuracy: .*minimum/);
    rejects({ treshold: {} }, /gate policy: \(root\): .*treshold/);
    rejects({ noWorseThanChampion: { metrics: [] } }, /noWorseThanChampion\.metrics: list at least one metric/);
    rejects({ noWorseThanChampion: { metrics: ['accuracy'], tolerance: -1 } }, /noWorseThanChampion\.tolerance/);
    rejects(
      { noWorseThanChampion: { metrics: ['accuracy'], tolerance: { f1: 0.1 } } },
      /tolerance\.f1: 'f1' is not in noWorseThanChampion\.metrics/,
    );
    rejects({ thresholds: { accuracy: { min: 0.8 } }, directions: { accuracy: 'up' } }, /directions\.accuracy/);
    rejects({}, /no checks/);
    rejects({ thresholds: {} }, /no checks/);
    rejects([{ accuracy: 0.8 }], /gate policy: \(root\)/);
    rejects('accuracy > 0.85', /gate policy: \(root\)/);
  });

  it('refuses metrics that are not a JSON object', () => {
    assert.throws(() => parseMetrics('[1]', 'the candidate'), /the candidate metrics must be a JSON object/);
    assert.throws(() => parseMetrics('{', "the champion's"), /the champion's metrics are not JSON/);
  });
});

describe('gate tags', () => {
  it('record the decision and a short report on a model version', () => {
    const report = evaluateGate(POLICY, { accuracy: 0.9, log_loss: 0.3 }, { accuracy: 0.89, log_loss: 0.3 });
    const tags = gateTags(report, 'c'.repeat(64));
    assert.equal(tags[GATE_TAGS.passed], 'true');
    assert.equal(tags[GATE_TAGS.reportDigest], `sha256:${'c'.repeat(64)}`);
    assert.deepEqual(JSON.parse(tags[GATE_TAGS.report]!), {
      passed: true,
      checks: [
        { check: 'threshold:accuracy', status: 'passed', candidate: 0.9, min: 0.85 },
        { check: 'threshold:log_loss', status: 'passed', candidate: 0.3, max: 0.5 },
        { check: 'champion:accuracy', status: 'passed', candidate: 0.9, champion: 0.89, tolerance: 0 },
        { check: 'champion:log_loss', status: 'passed', candidate: 0.3, champion: 0.3, tolerance: 0 },
      ],
    });
    assert.deepEqual(parseGateReport(JSON.stringify(report)), report);
    assert.throws(() => parseGateReport('{"kind":"other"}'), /not a gate report/);
  });

  it('stay short: failed checks first, the rest counted', () => {
    const thresholds = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`metric_${i}`, { min: 0.5 }]));
    const metrics = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`metric_${i}`, i === 59 ? 0.1 : 0.9]));
    const tags = gateTags(evaluateGate(parseGatePolicy({ thresholds }), metrics, null));
    const short = JSON.parse(tags[GATE_TAGS.report]!) as { passed: boolean; checks: { check: string }[]; more: number };
    assert.ok(tags[GATE_TAGS.report]!.length <= GATE_TAG_LENGTH);
    assert.equal(short.passed, false);
    assert.equal(short.checks[0]?.check, 'threshold:metric_59');
    assert.equal(short.checks.length + short.more, 60);
    assert.equal(tags[GATE_TAGS.passed], 'false');
  });
});
