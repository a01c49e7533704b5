// The prediction logger's bounds with a writer that stalls: what it holds — queued, and in the write under way —
// never passes its row and byte limits; what does not fit is dropped and counted, and the rest is written.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelSignature } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { type LoggedRequest, logPlan } from './log-plan.js';
import { PredictionLogger } from './prediction-logger.js';
import type { PredictionWriter } from './writers.js';

const signature: ModelSignature = {
  inputs: [{ name: 'image', datatype: 'FP32', shape: [1000] }],
  outputs: [{ name: 'label', datatype: 'INT64', shape: [1] }],
};
const plan = logPlan('m', signature, { enabled: true, sampleRate: 1 }, false)!;

/** A one-row request holding 4,008 bytes of tensors. */
const request = (id: string): LoggedRequest => ({
  plan,
  modelName: 'm',
  modelVersion: '1',
  requestId: id,
  at: 0,
  inputs: new Map<string, Tensor>([['image', { datatype: 'FP32', shape: [1000], data: new Float32Array(1000) }]]),
  outputs: new Map<string, Tensor>([['label', { datatype: 'INT64', shape: [1], data: new BigInt64Array(1) }]]),
});

/** A writer whose writes wait until released. */
function stallingWriter() {
  const written: string[] = [];
  const waiting: (() => void)[] = [];
  const writer: PredictionWriter = {
    write: (batch) =>
      new Promise<void>((resolve) =>
        waiting.push(() => {
          written.push(...batch.map((logged) => logged.requestId!));
          resolve();
        }),
      ),
    close: async () => {},
  };
  const releaseAll = () => {
    for (const release of waiting.splice(0)) release();
  };
  return { writer, written, releaseAll };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PredictionLogger bounds', () => {
  it('count the tensor bytes held, the write under way included, and drop what does not fit', async () => {
    const { writer, written, releaseAll } = stallingWriter();
    const logger = new PredictionLogger(writer, { maxQueuedBytes: 10_000, flushRows: 1, flushIntervalMs: 60_000 });
    logger.offer(request('a'));
    await tick(); // 'a' is handed to a write, which stalls: its 4 KB still count
    logger.offer(request('b'));
    logger.offer(request('c')); // 12 KB with 'a' and 'b': dropped
    assert.deepEqual(logger.totals, { written: 0, dropped: 1 });
    releaseAll();
    await tick();
    logger.offer(request('d'));
    const flushed = logger.flush();
    for (let i = 0; i < 5; i++) {
      await tick();
      releaseAll();
    }
    await flushed;
    assert.deepEqual(written, ['a', 'b', 'd']);
    assert.deepEqual(logger.totals, { written: 3, dropped: 1 });
  });

  it('count rows in the write under way against the row limit too', async () => {
    const { writer, releaseAll } = stallingWriter();
    const logger = new PredictionLogger(writer, { maxQueuedRows: 2, flushRows: 1, flushIntervalMs: 60_000 });
    logger.offer(request('a'));
    await tick();
    logger.offer(request('b'));
    logger.offer(request('c'));
    assert.deepEqual(logger.totals, { written: 0, dropped: 1 });
    const flushed = logger.flush();
    for (let i = 0; i < 5; i++) {
      releaseAll();
      await tick();
    }
    await flushed;
    assert.deepEqual(logger.totals, { written: 2, dropped: 1 });
  });
});
