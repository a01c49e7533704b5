import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../store/metadata-store.js';
import type { PredictionRecord } from '../../store/monitors.js';
import { binaryLogLoss, meanAbsoluteError, multiclassLogLoss, rocAuc } from '../performance/index.js';
import { checkPerformance } from './performance-check.js';
import { type PerformanceConfig, performanceSchema } from './performance-config.js';

const config = (value: object) => performanceSchema.parse(value) as PerformanceConfig;

function logged(rows: { prediction: JsonValue; label: JsonValue | null; scores?: JsonValue; version?: string }[]) {
  return rows.map(
    (r, i): PredictionRecord => ({
      deployment: 'd',
      requestId: `q${i}`,
      modelName: 'm',
      modelVersion: r.version ?? '1',
      at: i,
      features: {},
      prediction: r.prediction,
      scores: r.scores ?? null,
      label: r.label,
      labeledAt: r.label === null ? null : i,
    }),
  );
}

describe('performance verdict of a prediction-log window', () => {
  const classes = ['rain', 'sun'];
  const pSun = [0.9, 0.2, 0.6, 0.4, 0.8, 0.3];
  const labels = ['sun', 'rain', 'rain', 'sun', 'sun', 'rain'];
  const rows = logged(
    pSun.map((p, i) => ({ prediction: p >= 0.5 ? 'sun' : 'rain', label: labels[i]!, scores: [1 - p, p] })),
  );

  it('reads binary class probabilities in the order of "classes" (the second class positive by default)', () => {
    const loss = checkPerformance(config({ metric: 'log_loss', max: 0.1, minLabelled: 1, classes }), rows, null);
    assert.equal(loss.value, binaryLogLoss(labels, pSun, 'sun'));
    assert.equal(loss.breached, true);
    assert.match(loss.message ?? '', /^log_loss \S+ > 0\.1 on 6 labelled predictions$/);
    const auc = checkPerformance(config({ metric: 'roc_auc', min: 0.5, minLabelled: 1, classes }), rows, null);
    assert.deepEqual([auc.value, auc.breached], [rocAuc(labels, pSun, 'sun'), false]);
    const rain = checkPerformance(
      config({ metric: 'roc_auc', min: 0.5, minLabelled: 1, classes, positive: 'rain' }),
      rows,
      null,
    );
    assert.equal(
      rain.value,
      rocAuc(
        labels,
        pSun.map((p) => 1 - p),
        'rain',
      ),
    );
  });

  it('computes multiclass log-loss, MAE, and gives no verdict with a note when the log cannot be used', () => {
    const three = ['a', 'b', 'c'];
    const proba = [
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.3, 0.3, 0.4],
    ];
    const multi = logged(proba.map((p, i) => ({ prediction: three[i]!, label: three[(i + 1) % 3]!, scores: p })));
    const loss = checkPerformance(config({ metric: 'log_loss', max: 5, minLabelled: 3, classes: three }), multi, null);
    assert.equal(loss.value, multiclassLogLoss(['b', 'c', 'a'], proba, three));
    const numbers = logged([
      { prediction: 2, label: 3 },
      { prediction: [5], label: 1 },
      { prediction: 9, label: null },
    ]);
    const mae = checkPerformance(config({ metric: 'mae', max: 1, minLabelled: 2 }), numbers, null);
    assert.deepEqual([mae.value, mae.labelled, mae.predictions], [meanAbsoluteError([3, 1], [2, 5]), 2, 3]);
    assert.equal(mae.message, `mae 2.5 > 1 on 2 labelled predictions`);
    const mixed = checkPerformance(
      config({ metric: 'accuracy', min: 0.5, minLabelled: 1 }),
      logged([
        { prediction: 1, label: '1' },
        { prediction: 0, label: '0' },
      ]),
      null,
    );
    assert.equal(mixed.breached, null);
    assert.match(mixed.note ?? '', /^cannot compute accuracy: labels mix number and string values/);
    const scoreless = checkPerformance(
      config({ metric: 'log_loss', max: 1, minLabelled: 1, classes }),
      logged([{ prediction: 'sun', label: 'sun' }]),
      null,
    );
    assert.match(scoreless.note ?? '', /the scores of request "q0" are null: expected one probability per class/);
  });

  it('counts only the champion version', () => {
    const window = logged([
      { prediction: 'a', label: 'a' },
      { prediction: 'a', label: 'b', version: '2' },
    ]);
    const verdict = checkPerformance(config({ metric: 'accuracy', min: 0.9, minLabelled: 1 }), window, '1');
    assert.deepEqual([verdict.value, verdict.predictions, verdict.breached], [1, 1, false]);
  });
});
