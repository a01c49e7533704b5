import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError, type OspreyError } from '../../core/errors.js';
import { toFloat16Bits } from '../float16.js';
import type { ModelSignature } from '../runtime.js';
import type { InferenceRequest, InferInput } from './types.js';
import { type ValidationProblem, validateInferenceRequest } from './validation.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'features', datatype: 'FP32', shape: [-1, 3] },
    { name: 'weights', datatype: 'FP16', shape: [2] },
    { name: 'anything', datatype: 'INT64', shape: null },
  ],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

const features = (shape: number[], values?: number[]): InferInput => ({
  name: 'features',
  datatype: 'FP32',
  shape,
  data: Float32Array.from(values ?? Array(shape.reduce((a, b) => a * b, 1)).fill(1)),
  parameters: {},
});
const weights: InferInput = {
  name: 'weights',
  datatype: 'FP16',
  shape: [2],
  data: Uint16Array.of(0x3c00, 0x3c00),
  parameters: {},
};
const anything: InferInput = {
  name: 'anything',
  datatype: 'INT64',
  shape: [2, 1, 1],
  data: BigInt64Array.of(1n, 2n),
  parameters: {},
};

const request = (inputs: InferInput[], outputs: string[] = []): InferenceRequest => ({
  parameters: {},
  inputs,
  outputs: outputs.map((name) => ({ name, parameters: {} })),
});

/** Asserts an INVALID_ARGUMENT naming `tensor`, of kind `problem`, with a message matching `message`. */
function rejects(
  r: InferenceRequest,
  tensor: string,
  problem: ValidationProblem,
  message: RegExp,
  allowNonFinite = false,
) {
  assert.throws(
    () => validateInferenceRequest(r, signature, { allowNonFinite }),
    (e: unknown) => {
      assert.ok(isOspreyError(e, 'INVALID_ARGUMENT'), String(e));
      assert.match((e as OspreyError).message, message);
      assert.deepEqual((e as OspreyError).details, { tensor, problem });
      return true;
    },
  );
}

describe('validation of a request against the model signature', () => {
  it('accepts a matching request: any batch size for -1, any shape where the rank is undeclared', () => {
    for (const batch of [0, 1, 64]) {
      const validated = validateInferenceRequest(
        request([features([batch, 3]), weights, anything], ['label']),
        signature,
      );
      assert.deepEqual([...validated.inputs.keys()], ['features', 'weights', 'anything']);
      assert.equal(validated.inputs.get('features')?.shape[0], batch);
      assert.deepEqual(validated.outputNames, ['label']);
    }
  });

  it('unknown, repeated and missing inputs', () => {
    const stray: InferInput = { ...weights, name: 'weight' };
    rejects(
      request([features([1, 3]), stray]),
      'weight',
      'unknown-input',
      /unknown input 'weight': the model's inputs are 'features', 'weights', 'anything'/,
    );
    rejects(
      request([features([1, 3]), features([1, 3])]),
      'features',
      'duplicate-input',
      /input 'features' is given twice/,
    );
    rejects(
      request([features([1, 3])]),
      'weights',
      'missing-input',
      /missing inputs 'weights' \(FP16 \[2\]\), 'anything' \(INT64 \(any shape\)\)/,
    );
    rejects(request([features([1, 3]), weights]), 'anything', 'missing-input', /missing input 'anything'/);
  });

  it('datatype, rank and fixed dimensions', () => {
    const fp64: InferInput = {
      name: 'features',
      datatype: 'FP64',
      shape: [1, 3],
      data: new Float64Array(3),
      parameters: {},
    };
    rejects(
      request([fp64, weights, anything]),
      'features',
      'datatype',
      /input 'features' has datatype FP64 but the model expects FP32/,
    );
    rejects(
      request([features([3]), weights, anything]),
      'features',
      'rank',
      /input 'features' has shape \[3\] of rank 1, but the model expects \[-1,3\]/,
    );
    rejects(
      request([features([1, 4]), weights, anything]),
      'features',
      'dimension',
      /input 'features' has shape \[1,4\]: dimension 1 is 4, but the model expects \[-1,3\]/,
    );
    const threeWeights: InferInput = { ...weights, shape: [3], data: new Uint16Array(3) };
    rejects(request([features([1, 3]), threeWeights, anything]), 'weights', 'dimension', /dimension 0 is 3/);
  });

  it('NaN and infinities in float inputs, unless the policy allows them', () => {
    rejects(
      request([features([1, 3], [1, Number.NaN, 2]), weights, anything]),
      'features',
      'non-finite',
      /input 'features' element 1 is NaN; NaN and infinite values are not accepted/,
    );
    rejects(
      request([features([1, 3], [1, 2, -Infinity]), weights, anything]),
      'features',
      'non-finite',
      /element 2 is -Infinity/,
    );
    const infWeights: InferInput = { ...weights, data: Uint16Array.of(0x3c00, toFloat16Bits(Infinity)) };
    rejects(
      request([features([1, 3]), infWeights, anything]),
      'weights',
      'non-finite',
      /input 'weights' element 1 is Infinity/,
    );
    const allowed = validateInferenceRequest(
      request([features([1, 3], [Number.NaN, 1, 1]), infWeights, anything]),
      signature,
      {
        allowNonFinite: true,
      },
    );
    assert.ok(Number.isNaN(allowed.inputs.get('features')?.data[0]));
  });

  it('unknown and repeated requested outputs', () => {
    const inputs = [features([1, 3]), weights, anything];
    rejects(
      request(inputs, ['scores']),
      'scores',
      'unknown-output',
      /unknown output 'scores' requested: the model's outputs are 'probabilities', 'label'/,
    );
    rejects(request(inputs, ['label', 'label']), 'label', 'duplicate-output', /output 'label' is requested twice/);
  });
});
