// ONNX Runtime on worker threads (SessionOptions.ownThread): the same outputs as in the event loop's thread for
// every datatype, errors with their codes, inputs left readable (the prediction log reads them after the answer),
// and close waiting for inferences in flight.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../../../core/errors.js';
import type { LoadedModel } from '../../runtime.js';
import { DATATYPES, type Tensor } from '../../tensor.js';
import { expected, fixtureModelPath } from '../../test-support/fixtures.js';
import { plainData, sampleTensor } from '../../test-support/samples.js';
import { OnnxRuntime } from '../onnx/onnx-runtime.js';

const runtime = new OnnxRuntime();
const onThread = { ownThread: true } as const;

describe('ONNX Runtime on a worker thread', () => {
  let model: LoadedModel;
  before(async () => {
    model = await runtime.load({ path: fixtureModelPath('tabular_classifier') }, onThread);
  });
  after(() => model.close());

  it("reads the signature and computes PyTorch's outputs, leaving the caller's inputs intact", async () => {
    assert.deepEqual(
      model.signature.outputs.map((o) => o.name),
      ['probabilities', 'label'],
    );
    const { inputs, outputs } = expected.tabular_classifier;
    const features: Tensor = {
      datatype: 'FP32',
      shape: [5, 10],
      data: Float32Array.from(inputs.features!.data as number[]),
    };
    const result = await model.infer(new Map([['features', features]]));
    const probabilities = result.get('probabilities')!.data as Float32Array;
    const wanted = outputs.probabilities!.data as number[];
    for (let i = 0; i < wanted.length; i++) assert.ok(Math.abs(probabilities[i]! - wanted[i]!) <= 1e-6, `element ${i}`);
    assert.deepEqual([...(result.get('label')!.data as BigInt64Array)].map(Number), outputs.label!.data);
    assert.equal(features.data.length, 50, 'the input is copied to the worker, not transferred away');
    assert.deepEqual([...(await model.infer(new Map([['features', features]]), ['label'])).keys()], ['label']);
  });

  it('keeps concurrent inferences apart', async () => {
    const rows = [1, 7, 64, 3];
    const results = await Promise.all(
      rows.map((n) =>
        model.infer(
          new Map([
            ['features', { datatype: 'FP32', shape: [n, 10], data: new Float32Array(n * 10).fill(n / 64) } as Tensor],
          ]),
        ),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.get('label')!.shape),
      rows.map((n) => [n]),
    );
  });

  it('passes every datatype through unchanged and keeps error codes', async () => {
    const identity = await runtime.load({ bytes: readFileSync(fixtureModelPath('all_types_identity')) }, onThread);
    try {
      const inputs = new Map(DATATYPES.map((d) => [`${d}_in`, { ...sampleTensor(d), shape: [4] } as Tensor]));
      const outputs = await identity.infer(inputs);
      for (const datatype of DATATYPES)
        assert.deepEqual(
          plainData(outputs.get(`${datatype}_out`)!),
          plainData(inputs.get(`${datatype}_in`)!),
          datatype,
        );
      inputs.set('BYTES_in', {
        datatype: 'BYTES',
        shape: [4],
        data: [Uint8Array.of(0xff), Uint8Array.of(), Uint8Array.of(), Uint8Array.of()],
      });
      await assert.rejects(
        identity.infer(inputs),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /not valid UTF-8/.test(e.message),
      );
    } finally {
      await identity.close();
    }
    await assert.rejects(runtime.load({ path: '/nonexistent/model.onnx' }, onThread), (e: unknown) =>
      isOspreyError(e, 'NOT_FOUND'),
    );
    await assert.rejects(
      runtime.load({ bytes: new TextEncoder().encode('not an onnx model') }, onThread),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /cannot load ONNX model/.test(e.message),
    );
  });

  it('close waits for an inference in flight, then refuses new ones', async () => {
    const local = await runtime.load({ path: fixtureModelPath('tabular_classifier') }, { ...onThread, warmUp: false });
    const features: Tensor = { datatype: 'FP32', shape: [256, 10], data: new Float32Array(2560).fill(1) };
    const running = local.infer(new Map([['features', features]]));
    await local.close();
    assert.deepEqual((await running).get('probabilities')?.shape, [256, 3]);
    await assert.rejects(local.infer(new Map([['features', features]])), (e: unknown) =>
      isOspreyError(e, 'UNAVAILABLE'),
    );
    await local.close();
  });
});
