import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../../core/errors.js';
import { fixtureModelPath } from '../../test-support/fixtures.js';
import { readDeclaredShapes } from './model-file-shapes.js';

describe('declared shapes read from the ONNX file', () => {
  it('tells a declared scalar ([]) from an undeclared shape (null)', () => {
    const { inputs, outputs } = readDeclaredShapes(readFileSync(fixtureModelPath('shape_edge_cases')));
    assert.deepEqual(
      [...inputs],
      [
        ['scalar', []],
        ['any_rank', null],
      ],
    );
    assert.deepEqual(
      [...outputs],
      [
        ['scalar_out', []],
        ['any_rank_out', null],
      ],
    );
  });

  it('reads fixed and symbolic dimensions of a PyTorch export (symbolic → -1), skipping initializers and nodes', () => {
    const { inputs, outputs } = readDeclaredShapes(readFileSync(fixtureModelPath('tabular_classifier')));
    assert.deepEqual([...inputs], [['features', [-1, 10]]]);
    assert.deepEqual(
      [...outputs],
      [
        ['probabilities', [-1, 3]],
        ['label', [-1]],
      ],
    );
  });

  it('leaves out values that are not tensors', () => {
    const { outputs } = readDeclaredShapes(readFileSync(fixtureModelPath('sequence_output')));
    assert.deepEqual([...outputs], []);
  });

  it('refuses bytes that are not a protobuf message', () => {
    const model = readFileSync(fixtureModelPath('tabular_classifier'));
    for (const bytes of [
      model.subarray(0, model.byteLength - 7),
      Uint8Array.of(0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f),
      Uint8Array.of(0x3b),
    ])
      assert.throws(
        () => readDeclaredShapes(bytes),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /cannot read the ONNX model's graph/.test(e.message),
      );
  });
});
