import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import type { Metric, Tag } from '../store/tracking.js';
import * as check from './validation.js';

const refuses = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
const metric = (key: string, over: Partial<Metric> = {}): Metric => ({ key, value: 1, timestamp: 1, step: 0, ...over });
const tag = (key: string, value = 'v'): Tag => ({ key, value });

describe('MLflow validation rules', () => {
  it('accepts the key syntax MLflow accepts, any script included', () => {
    for (const key of ['loss', 'val/loss', 'a.b-c d_e', 'Genauigkeit_ä', '精度', 'x..y'])
      assert.doesNotThrow(() => check.validateMetric(metric(key)), key);
  });

  it('refuses keys with other characters or that resolve to another path', () => {
    refuses(() => check.validateMetric(metric('a:b')), /Invalid metric name: 'a:b'. Names may only contain/);
    refuses(() => check.validateParam(tag('a\\b')), /Invalid parameter name/);
    for (const key of ['', '.', '..', '../x', 'a/../b', '/abs', 'a/', 'a//b', './a', '..hidden'])
      refuses(() => check.validateRunTag(tag(key)), /Invalid tag name: .* would resolve to/);
  });

  it('normalizes paths as posixpath.normpath does', () => {
    assert.equal(check.normPath('a//b/./c/'), 'a/b/c');
    assert.equal(check.normPath('../a/../../b'), '../../b');
    assert.equal(check.normPath('/../a'), '/a');
    assert.equal(check.normPath('//a'), '//a');
    assert.equal(check.normPath(''), '.');
  });

  it('limits lengths in characters, as Python counts them', () => {
    assert.doesNotThrow(() => check.validateParam(tag('p', '😀'.repeat(6000))));
    refuses(
      () => check.validateParam(tag('p', 'x'.repeat(6001))),
      /Param value 'x+' had length 6001, which exceeded length limit of 6000/,
    );
    refuses(() => check.validateMetric(metric('k'.repeat(251))), /Metric name .* exceeded length limit of 250/);
    refuses(() => check.validateRunTag(tag('t', 'v'.repeat(8001))), /Tag value .* limit of 8000/);
    refuses(() => check.validateExperimentTag(tag('t', 'v'.repeat(5001))), /Tag value .* limit of 5000/);
    refuses(() => check.validateExperimentName('e'.repeat(501)), /Experiment name exceeds the maximum length of 500/);
    refuses(() => check.validateExperimentName(''), /Invalid experiment name: ''/);
  });

  it('checks metric timestamps and steps', () => {
    refuses(() => check.validateMetric(metric('m', { timestamp: -1 })), /Got invalid timestamp -1 for metric 'm'/);
    refuses(() => check.validateMetric(metric('m', { step: 1.5 })), /Got invalid step 1.5/);
  });

  it('limits batches: 1000 metrics, 100 params, 100 tags, 1000 in all; params unique', () => {
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => metric(`m${i % 10}`, { step: i }));
    const tags = (n: number) => Array.from({ length: n }, (_, i) => tag(`k${i}`));
    assert.doesNotThrow(() => check.validateBatch(metrics(900), tags(50), tags(50)));
    refuses(() => check.validateBatch(metrics(1001), [], []), /at most 1000 metrics. Got 1001 metrics/);
    refuses(() => check.validateBatch([], tags(101), []), /at most 100 params. Got 101 params/);
    refuses(() => check.validateBatch([], [], tags(101)), /at most 100 tags/);
    refuses(
      () => check.validateBatch(metrics(900), tags(50), tags(51)),
      /at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags/,
    );
    refuses(
      () => check.validateBatch([], [tag('a'), tag('a', 'w')], []),
      /Duplicate parameter keys have been submitted: \["a"\]/,
    );
  });

  it('checks run ids and dataset inputs', () => {
    refuses(() => check.validateRunId('../etc'), /Invalid run ID: '..\/etc'/);
    assert.doesNotThrow(() => check.validateRunId('a'.repeat(32)));
    const dataset = {
      name: 'd',
      digest: 'a'.repeat(64),
      sourceType: 'local',
      source: 's',
      schema: null,
      profile: null,
    };
    assert.doesNotThrow(() => check.validateDataset(dataset));
    refuses(
      () => check.validateDataset({ ...dataset, digest: 'a'.repeat(65) }),
      /Dataset digest exceeds the maximum length of 64/,
    );
    refuses(() => check.validateDataset({ ...dataset, name: 'n'.repeat(501) }), /Dataset name exceeds/);
    refuses(
      () => check.validateInputTag(tag('k', 'v'.repeat(501))),
      /InputTag value exceeds the maximum length of 500/,
    );
  });
});
