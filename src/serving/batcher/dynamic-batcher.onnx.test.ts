// The batcher on a real ONNX model: requests of different batch sizes, batched together on two sessions, get
// exactly the outputs that running each request alone in ONNX Runtime gives.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedModel } from '../runtime.js';
import { OnnxRuntime } from '../runtimes/onnx/onnx-runtime.js';
import type { Tensor } from '../tensor.js';
import { fixtureModelPath } from '../test-support/fixtures.js';
import { DEFAULT_BATCHING } from './batching-config.js';
import { DynamicBatcher } from './dynamic-batcher.js';

function features(rows: number, seed: number): Map<string, Tensor> {
  const data = Float32Array.from({ length: rows * 10 }, (_, i) => Math.sin(seed * 31 + i));
  return new Map([['features', { datatype: 'FP32', shape: [rows, 10], data }]]);
}

describe('DynamicBatcher on ONNX Runtime (tabular_classifier)', () => {
  let instances: LoadedModel[];
  before(async () => {
    const runtime = new OnnxRuntime();
    instances = await Promise.all([1, 2].map(() => runtime.load({ path: fixtureModelPath('tabular_classifier') })));
  });
  after(() => Promise.all(instances.map((m) => m.close())));

  it('concatenates requests of 1–7 rows, splits the outputs back, and matches unbatched inference', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(
      instances,
      { ...DEFAULT_BATCHING, maxBatchSize: 16, maxQueueDelayUs: 2000 },
      (b) => batches.push(b.rows),
    );
    const requests = Array.from({ length: 40 }, (_, i) => features(1 + (i % 7), i));
    const outputNames = (i: number) => (i % 3 === 0 ? ['label'] : []);
    const batched = await Promise.all(requests.map((inputs, i) => batcher.submit(inputs, outputNames(i))));
    assert.ok(
      batches.some((rows) => rows > 7),
      `some batches joined requests: ${batches.join(',')}`,
    );
    for (const [i, inputs] of requests.entries()) {
      const alone = await instances[0]!.infer(inputs, outputNames(i));
      const got = batched[i]!.outputs;
      assert.deepEqual([...got.keys()], [...alone.keys()]);
      for (const [name, tensor] of alone) {
        assert.deepEqual(got.get(name)!.shape, tensor.shape, `${name} of request ${i}`);
        const actual = got.get(name)!.data as Float32Array | BigInt64Array;
        const wanted = tensor.data as Float32Array | BigInt64Array;
        for (let k = 0; k < wanted.length; k++)
          if (typeof wanted[k] === 'bigint') assert.equal(actual[k], wanted[k]);
          else assert.ok(Math.abs(Number(actual[k]) - Number(wanted[k])) <= 1e-6, `${name}[${k}] of request ${i}`);
      }
    }
  });
});
