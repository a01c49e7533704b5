import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, sha256Hex } from '../../core/hashing.js';
import { cacheKey, componentDigest, formatSpec, specDigest } from './digest.js';
import { parseParamText, resolveParamAssignments, resolveParams } from './params.js';
import { sampleSpec } from './test-support/sample-spec.js';
import type { ValueType } from './types.js';
import { formatType, isAssignable, valueProblem } from './value-types.js';

describe('value types', () => {
  it('wiring accepts the same type, any parameter into json, any artifact into Artifact, lists element-wise', () => {
    const cases: [ValueType, ValueType, boolean][] = [
      ['number', 'number', true],
      ['number', 'string', false],
      ['number', 'json', true],
      [{ list: { list: 'string' } }, 'json', true],
      ['Dataset', 'json', false],
      ['Dataset', 'Artifact', true],
      ['Metrics', 'Artifact', true],
      ['Artifact', 'Dataset', false],
      ['Model', 'Dataset', false],
      [{ list: 'Dataset' }, { list: 'Artifact' }, true],
      [{ list: 'number' }, { list: 'string' }, false],
      [{ list: 'number' }, 'number', false],
    ];
    for (const [from, to, ok] of cases)
      assert.equal(isAssignable(from, to), ok, `${formatType(from)} → ${formatType(to)}`);
  });

  it('checks constants against types, refusing non-JSON values and artifacts', () => {
    assert.equal(valueProblem('number', 3), null);
    assert.equal(valueProblem('number', Number.NaN), 'expects number, got NaN');
    assert.equal(valueProblem('json', { a: [1, 'x', null] }), null);
    assert.equal(valueProblem('json', { when: new Date(0) }), 'expects json, got {"when":"1970-01-01T00:00:00.000Z"}');
    assert.equal(valueProblem({ list: 'number' }, [1, 'two']), '[1] expects number, got "two"');
    assert.match(valueProblem('Model', 'model.onnx') ?? '', /cannot be given as a constant/);
  });
});

describe('run parameters', () => {
  const definition = sampleSpec();

  it('are checked against the pipeline and completed with defaults', () => {
    assert.deepEqual(resolveParams(definition, { data: 'weather@3' }), {
      data: 'weather@3',
      threshold: 0.5,
      rates: [0.1, 0.2],
    });
  });

  it('report every unknown, missing and ill-typed parameter at once', () => {
    assert.throws(
      () => resolveParams(definition, { threshold: 'high', rates: [1, 'x'], seed: 1 }),
      (error: Error) => {
        assert.match(error.message, /invalid parameters for pipeline 'sample'/);
        assert.match(error.message, /seed: no such parameter/);
        assert.match(error.message, /data: required \(Dataset\)/);
        assert.match(error.message, /threshold: expects number, got "high"/);
        assert.match(error.message, /rates: \[1\] expects number, got "x"/);
        return true;
      },
    );
  });

  it('parse --param text by type', () => {
    assert.equal(parseParamText('number', '0.9'), 0.9);
    assert.equal(parseParamText('boolean', 'false'), false);
    assert.equal(parseParamText('string', ' spaced '), ' spaced ');
    assert.equal(parseParamText('Dataset', 'weather@3'), 'weather@3');
    assert.deepEqual(parseParamText({ list: 'number' }, '[1,2]'), [1, 2]);
    assert.throws(() => parseParamText('number', ''), /expects a number, got ""/);
    assert.throws(() => parseParamText('boolean', 'yes'), /expects true or false/);
    assert.deepEqual(resolveParamAssignments(definition, ['data=s3://bucket/weather.csv', 'rates=[0.5]']), {
      data: 's3://bucket/weather.csv',
      threshold: 0.5,
      rates: [0.5],
    });
    assert.throws(() => resolveParamAssignments(definition, ['speed=1']), /no parameter 'speed' \(parameters: data/);
    assert.throws(() => resolveParamAssignments(definition, ['threshold']), /expects name=value/);
  });
});

describe('digests', () => {
  it('the spec digest is SHA-256 of its canonical JSON, whatever the key order', () => {
    const spec = sampleSpec();
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : value;
    const reordered = reverseKeys(spec) as typeof spec;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(spec));
    assert.equal(specDigest(spec), sha256Hex(canonicalJson(spec)));
    assert.equal(specDigest(reordered), specDigest(spec));
    assert.equal(formatSpec(JSON.parse(formatSpec(spec))), formatSpec(spec));
    assert.ok(formatSpec(spec).endsWith('}\n'));
  });

  it('a component digest covers its code: a different source digest is a different component', () => {
    const train = sampleSpec().components.train!;
    const changed = { ...train, implementation: { ...train.implementation, sourceDigest: 'b'.repeat(64) } };
    assert.equal(componentDigest(train), train.digest);
    assert.notEqual(componentDigest(changed), train.digest);
  });

  it('a cache key changes with the component digest and the inputs, not with key order', () => {
    const train = sampleSpec().components.train!;
    const key = cacheKey(train, { data: 'c'.repeat(64), lr: 0.1 });
    assert.equal(cacheKey(train, { lr: 0.1, data: 'c'.repeat(64) }), key);
    assert.notEqual(cacheKey(train, { data: 'c'.repeat(64), lr: 0.2 }), key);
    assert.notEqual(cacheKey(train, { data: 'd'.repeat(64), lr: 0.1 }), key);
    assert.notEqual(cacheKey({ ...train, digest: 'e'.repeat(64) }, { data: 'c'.repeat(64), lr: 0.1 }), key);
  });
});
