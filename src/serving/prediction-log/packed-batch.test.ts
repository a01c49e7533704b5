// Packing a batch of logged requests for the writer thread: what arrives is what was logged, for every datatype,
// for tensors that view part of a larger buffer, and across postMessage with the buffer transferred.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { ModelSignature } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { type LoggedRequest, logPlan, predictionRecords } from './log-plan.js';
import { type PackedBatch, packBatch, unpackBatch } from './packed-batch.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'features', datatype: 'FP32', shape: [-1, 3] },
    { name: 'city', datatype: 'BYTES', shape: [-1] },
  ],
  outputs: [
    { name: 'scores', datatype: 'FP64', shape: [-1, 2] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};
const named = logPlan('m', signature, { enabled: true, sampleRate: 1, featureNames: ['a', 'b', 'c'] }, true)!;
const plain = logPlan('m', signature, { enabled: true, sampleRate: 0.5, deployment: 'm-prod' }, true)!;

const utf8 = (s: string) => new TextEncoder().encode(s);

function request(plan: typeof named, requestId: string | undefined, rows: number, seed: number): LoggedRequest {
  // Outputs view rows of a larger batch output, as the batcher's split leaves them.
  const batchScores = Float64Array.from({ length: 2 * (rows + 2) }, (_, i) => seed + i / 3);
  const batchLabels = BigInt64Array.from({ length: rows + 2 }, (_, i) => BigInt(seed + i) * 10n ** 15n);
  return {
    plan,
    modelName: 'm',
    modelVersion: String(seed),
    requestId,
    at: 1_700_000_000_000 + seed,
    inputs: new Map<string, Tensor>([
      [
        'features',
        { datatype: 'FP32', shape: [rows, 3], data: Float32Array.from({ length: rows * 3 }, (_, i) => seed + i / 7) },
      ],
      [
        'city',
        { datatype: 'BYTES', shape: [rows], data: Array.from({ length: rows }, (_, i) => utf8(`Zürich ${seed}-${i}`)) },
      ],
    ]),
    outputs: new Map<string, Tensor>([
      ['scores', { datatype: 'FP64', shape: [rows, 2], data: batchScores.subarray(2, 2 + 2 * rows) }],
      ['label', { datatype: 'INT64', shape: [rows], data: batchLabels.subarray(1, 1 + rows) }],
    ]),
  };
}

const batch = [request(named, 'r-1', 1, 1), request(plain, undefined, 3, 2), request(named, 'r-3', 2, 3)];

/** The same records, with ids made alike for requests without one. */
function records(requests: readonly LoggedRequest[]) {
  let n = 0;
  return requests.flatMap((logged) => predictionRecords(logged, () => `generated-${n++}`));
}

describe('packed prediction log batches', () => {
  it('unpack to the requests that were packed, and to the same records', () => {
    const unpacked = unpackBatch(packBatch(batch));
    assert.equal(unpacked.length, 3);
    for (const [i, logged] of unpacked.entries()) {
      const original = batch[i]!;
      assert.deepEqual(logged.plan, original.plan);
      assert.equal(logged.requestId, original.requestId);
      assert.deepEqual(
        [logged.modelName, logged.modelVersion, logged.at],
        [original.modelName, original.modelVersion, original.at],
      );
      for (const side of ['inputs', 'outputs'] as const) {
        assert.deepEqual([...logged[side].keys()], [...original[side].keys()]);
        for (const [name, tensor] of original[side]) {
          const got = logged[side].get(name)!;
          assert.equal(got.datatype, tensor.datatype);
          assert.deepEqual(got.shape, tensor.shape);
          if (Array.isArray(tensor.data))
            assert.deepEqual(
              (got.data as Uint8Array[]).map((b) => [...b]),
              tensor.data.map((b) => [...b]),
            );
          else assert.deepEqual([...(got.data as Iterable<unknown>)], [...(tensor.data as Iterable<unknown>)]);
        }
      }
    }
    assert.deepEqual(records(unpacked), records(batch));
    assert.deepEqual(records(unpacked)[0]!.features, {
      a: Math.fround(1),
      b: Math.fround(1 + 1 / 7),
      c: Math.fround(1 + 2 / 7),
      city: 'Zürich 1-0',
    });
  });

  it('write each plan once, and only the tensors’ own elements (not the buffers they view)', () => {
    const packed = packBatch(batch);
    const header = JSON.parse(packed.header) as { plans: unknown[] };
    assert.equal(header.plans.length, 2);
    // 6 rows × (3 FP32 + 2 FP64 + 1 INT64) plus the BYTES strings and padding: far below the viewed buffers.
    assert.ok(packed.data.byteLength < 400, `${packed.data.byteLength} bytes`);
  });

  it('cross postMessage with the buffer transferred, not copied', () => {
    const packed = packBatch(batch);
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(packed, [packed.data]);
      assert.equal(packed.data.byteLength, 0, 'the sender no longer holds the buffer');
      const received = receiveMessageOnPort(port2)!.message as PackedBatch;
      assert.deepEqual(records(unpackBatch(received)), records(batch));
    } finally {
      port1.close();
    }
  });

  it('pack an empty batch', () => {
    assert.deepEqual(unpackBatch(packBatch([])), []);
  });
});
