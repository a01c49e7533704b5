import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { applyConfigFile, DEFAULT_MODEL_CONFIG } from '../model-config.js';
import type { ModelSignature } from '../runtime.js';
import { logPlan, predictionRecords } from './log-plan.js';

const classifier: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [
    { name: 'proba', datatype: 'FP32', shape: [-1, 2] },
    { name: 'cls', datatype: 'BYTES', shape: [-1] },
  ],
};
const logging = (raw: unknown) => applyConfigFile(DEFAULT_MODEL_CONFIG, { logging: raw }, 'm/config.json').logging;

describe('prediction log plan', () => {
  it('reads the logging config, refusing unknown keys and repeated names', () => {
    assert.deepEqual(logging({ sample_rate: 0.5, label_output: 'cls' }), {
      enabled: true,
      sampleRate: 0.5,
      labelOutput: 'cls',
    });
    assert.equal(logging(false).enabled, false);
    for (const bad of [{ sample_rate: 2 }, { feature_names: ['a', 'a'] }, { features: ['a'] }])
      assert.throws(
        () => logging(bad),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /m\/config\.json: logging/.test(e.message),
      );
  });

  it('takes the first non-float output as label and the first float output as scores; BYTES as text', () => {
    const plan = logPlan('m', classifier, logging({ feature_names: ['age', 'income'] }), true)!;
    const records = predictionRecords(
      {
        plan,
        modelName: 'm',
        modelVersion: '2',
        requestId: undefined,
        at: 5,
        inputs: new Map([['x', { datatype: 'FP32', shape: [2, 2], data: Float32Array.of(1, 2, 3, Number.NaN) }]]),
        outputs: new Map([
          ['proba', { datatype: 'FP32', shape: [2, 2], data: Float32Array.of(0.25, 0.75, 1, 0) }],
          ['cls', { datatype: 'BYTES', shape: [2], data: [Buffer.from('yes'), Buffer.from('no')] }],
        ]),
      },
      (() => {
        let n = 0;
        return () => `id${n++}`;
      })(),
    );
    assert.deepEqual(
      records.map((r) => [r.requestId, r.features, r.prediction, r.scores]),
      [
        ['id0', { age: 1, income: 2 }, 'yes', [0.25, 0.75]],
        ['id1', { age: 3, income: null }, 'no', [1, 0]],
      ],
    );
  });

  it('refuses a configuration that does not fit the model, naming it', () => {
    const refused = (raw: unknown, pattern: RegExp) =>
      assert.throws(
        () => logPlan('m', classifier, logging(raw), true),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message),
      );
    refused({ label_output: 'nope' }, /label_output 'nope' is not an output of the model \(outputs: proba, cls\)/);
    refused({ feature_names: ['a', 'b', 'c'] }, /feature_names has 3 names but input 'x' has 2 columns/);
    assert.equal(logPlan('m', classifier, logging({ sample_rate: 0 }), true), undefined);
  });
});
