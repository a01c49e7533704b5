// The lower layers together, as the servers will chain them: a REST or gRPC request decoded, validated
// against a real model's signature, run by ONNX Runtime and encoded back, compared with PyTorch's outputs.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { decodeBinaryData, encodeBinaryData } from './protocol/binary-data.js';
import { decodeModelInferRequest, decodeModelInferResponse, encodeModelInferResponse } from './protocol/grpc/codec.js';
import { decodeRestInferRequest } from './protocol/rest-request.js';
import { encodeRestInferResponse } from './protocol/rest-response.js';
import type { InferenceRequest, InferenceResponse } from './protocol/types.js';
import { validateInferenceRequest } from './protocol/validation.js';
import type { LoadedModel } from './runtime.js';
import { OnnxRuntime } from './runtimes/onnx/onnx-runtime.js';
import { expected, fixtureModelPath } from './test-support/fixtures.js';

const { inputs, outputs } = expected.tabular_classifier;
const features = inputs.features!;

async function serve(model: LoadedModel, request: InferenceRequest): Promise<InferenceResponse> {
  const { inputs: validated, outputNames } = validateInferenceRequest(request, model.signature);
  const results = await model.infer(validated, outputNames);
  return {
    modelName: 'tabular',
    ...(request.id === undefined ? {} : { id: request.id }),
    outputs: [...results].map(([name, tensor]) => ({ name, ...tensor })),
  };
}

function assertClose(actual: ArrayLike<number>, wanted: readonly number[]) {
  assert.equal(actual.length, wanted.length);
  for (let i = 0; i < wanted.length; i++) assert.ok(Math.abs(actual[i]! - wanted[i]!) <= 1e-6, `element ${i}`);
}

describe('request → validation → ONNX Runtime → response', () => {
  let model: LoadedModel;
  before(async () => {
    model = await new OnnxRuntime().load({ path: fixtureModelPath('tabular_classifier') });
  });
  after(() => model.close());

  it('REST JSON: nested features in, PyTorch probabilities and labels out', async () => {
    const nested = Array.from({ length: 5 }, (_, row) => features.data.slice(row * 10, row * 10 + 10));
    const body = Buffer.from(
      JSON.stringify({ id: 'a1', inputs: [{ name: 'features', shape: [5, 10], datatype: 'FP32', data: nested }] }),
    );
    const request = decodeRestInferRequest(body);
    const encoded = encodeRestInferResponse(await serve(model, request), request);
    const response = JSON.parse(encoded.body.toString());
    assert.equal(response.id, 'a1');
    assert.deepEqual(
      response.outputs.map((o: { name: string; datatype: string; shape: number[] }) => [o.name, o.datatype, o.shape]),
      [
        ['probabilities', 'FP32', [5, 3]],
        ['label', 'INT64', [5]],
      ],
    );
    assertClose(response.outputs[0].data, outputs.probabilities!.data as number[]);
    assert.deepEqual(response.outputs[1].data, outputs.label!.data);
  });

  it('REST binary: features as bytes, the label only, returned as bytes', async () => {
    const bytes = encodeBinaryData('FP32', Float32Array.from(features.data as number[]));
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'features', shape: [5, 10], datatype: 'FP32', parameters: { binary_data_size: bytes.byteLength } },
        ],
        outputs: [{ name: 'label', parameters: { binary_data: true } }],
      }),
    );
    const request = decodeRestInferRequest(Buffer.concat([header, bytes]), {
      inferenceHeaderContentLength: String(header.byteLength),
    });
    const encoded = encodeRestInferResponse(await serve(model, request), request);
    const headerLength = encoded.inferenceHeaderContentLength!;
    const response = JSON.parse(encoded.body.subarray(0, headerLength).toString());
    assert.deepEqual(response.outputs, [
      { name: 'label', datatype: 'INT64', shape: [5], parameters: { binary_data_size: 40 } },
    ]);
    const labels = decodeBinaryData('INT64', encoded.body.subarray(headerLength), 5, 'label');
    assert.deepEqual([...labels], (outputs.label!.data as number[]).map(BigInt));
  });

  it('gRPC: typed contents in, raw contents out', async () => {
    const { request } = decodeModelInferRequest({
      model_name: 'tabular',
      inputs: [
        {
          name: 'features',
          datatype: 'FP32',
          shape: ['5', '10'],
          contents: { fp32_contents: features.data as number[] },
        },
      ],
    });
    const response = decodeModelInferResponse(encodeModelInferResponse(await serve(model, request)));
    assertClose(response.outputs[0]!.data as Float32Array, outputs.probabilities!.data as number[]);
  });

  it('a request the model cannot take never reaches the runtime', async () => {
    const body = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'features', shape: [1, 9], datatype: 'FP32', data: Array(9).fill(0) }] }),
    );
    await assert.rejects(
      serve(model, decodeRestInferRequest(body)),
      (e: unknown) =>
        isOspreyError(e, 'INVALID_ARGUMENT') && /dimension 1 is 9, but the model expects \[-1,10\]/.test(e.message),
    );
  });
});
