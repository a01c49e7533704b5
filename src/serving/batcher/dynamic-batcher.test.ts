// The batcher's scheduling, with a stand-in instance that records the batches it is given (the batcher only
// needs `infer`); dynamic-batcher.onnx.test.ts runs it on a real ONNX model.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidArgument, isOspreyError } from '../../core/errors.js';
import type { Tensor } from '../tensor.js';
import { type BatchingConfig, DEFAULT_BATCHING } from './batching-config.js';
import { type BatchExecutor, DynamicBatcher } from './dynamic-batcher.js';

/** Doubles `x` into `y` (and `x + 1` into `z`); holds each batch until released when `gated`. */
class RecordingInstance implements BatchExecutor {
  readonly batches: number[][] = [];
  private gates: (() => void)[] = [];
  running = 0;
  maxRunning = 0;

  constructor(private readonly gated = false) {}

  async infer(inputs: ReadonlyMap<string, Tensor>, outputNames: readonly string[] = []) {
    const x = inputs.get('x')!;
    this.batches.push([...x.shape]);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    if (this.gated) await new Promise<void>((resolve) => this.gates.push(resolve));
    else await new Promise((resolve) => setImmediate(resolve));
    this.running--;
    const data = x.data as Float32Array;
    if (data.some((v) => v < 0)) throw invalidArgument('negative value');
    const outputs = new Map<string, Tensor>();
    const names = outputNames.length > 0 ? outputNames : ['y', 'z'];
    if (names.includes('y')) outputs.set('y', { datatype: 'FP32', shape: x.shape, data: data.map((v) => v * 2) });
    if (names.includes('z')) outputs.set('z', { datatype: 'FP32', shape: x.shape, data: data.map((v) => v + 1) });
    return outputs;
  }

  /** Lets the oldest held batch finish. */
  release(): void {
    this.gates.shift()?.();
  }
}

const config = (overrides: Partial<BatchingConfig> = {}): BatchingConfig => ({ ...DEFAULT_BATCHING, ...overrides });

/** A request of `rows` rows of `width` values starting at `start`. */
function rowsFrom(start: number, rows: number, width = 2): Map<string, Tensor> {
  const data = Float32Array.from({ length: rows * width }, (_, i) => start + i);
  return new Map([['x', { datatype: 'FP32', shape: [rows, width], data }]]);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DynamicBatcher', () => {
  it('joins requests that queue while the instance is busy, and gives each its own rows back in order', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config());
    const first = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const sizes = [3, 1, 2, 5];
    const starts = [100, 200, 300, 400];
    const queued = sizes.map((rows, i) => batcher.submit(rowsFrom(starts[i]!, rows), ['y']));
    assert.equal(batcher.queueLength, 4);
    instance.release();
    await first;
    await tick();
    instance.release();
    const results = await Promise.all(queued);
    assert.deepEqual(instance.batches, [
      [1, 2],
      [11, 2],
    ]);
    results.forEach((result, i) => {
      const rows = sizes[i]!;
      const y = result.outputs.get('y')!;
      assert.deepEqual(y.shape, [rows, 2]);
      assert.deepEqual(
        [...(y.data as Float32Array)],
        Array.from({ length: rows * 2 }, (_, k) => (starts[i]! + k) * 2),
      );
      assert.equal(result.batchRows, 11);
      assert.deepEqual([...result.outputs.keys()], ['y']);
    });
  });

  it('never puts more than max_batch_size rows in a batch, and refuses a larger request', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config({ maxBatchSize: 8 }));
    const all = [batcher.submit(rowsFrom(0, 1), [])];
    await tick();
    for (let i = 0; i < 6; i++) all.push(batcher.submit(rowsFrom(i * 10, 3), []));
    await assert.rejects(
      batcher.submit(rowsFrom(0, 9), []),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /9 rows .* at most max_batch_size 8/.test(e.message),
    );
    for (let i = 0; i < 5; i++) {
      instance.release();
      await tick();
    }
    await Promise.all(all);
    assert.deepEqual(
      instance.batches.map((shape) => shape[0]),
      [1, 6, 6, 6],
    );
  });

  it('batches requests with different non-batch dimensions or different requested outputs apart', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config());
    const first = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const narrowY = [batcher.submit(rowsFrom(0, 1, 2), ['y']), batcher.submit(rowsFrom(10, 2, 2), ['y'])];
    const wide = batcher.submit(rowsFrom(0, 1, 3), ['y']);
    const narrowZ = batcher.submit(rowsFrom(0, 1, 2), ['z']);
    const narrowY2 = batcher.submit(rowsFrom(20, 1, 2), ['y']);
    for (let i = 0; i < 4; i++) {
      instance.release();
      await tick();
    }
    await Promise.all([first, ...narrowY, wide, narrowZ, narrowY2]);
    assert.deepEqual(instance.batches, [
      [1, 2],
      [4, 2],
      [1, 3],
      [1, 2],
    ]);
    assert.deepEqual([...(await narrowY2).outputs.get('y')!.data], [40, 42]);
    assert.deepEqual([...(await narrowZ).outputs.get('z')!.data], [1, 2]);
  });

  it('refuses a request at once when max_queue_size requests wait (RESOURCE_EXHAUSTED with a retry hint)', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config({ maxQueueSize: 2 }));
    const running = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const waiting = [batcher.submit(rowsFrom(0, 1), []), batcher.submit(rowsFrom(0, 1), [])];
    await assert.rejects(
      batcher.submit(rowsFrom(0, 1), []),
      (e: unknown) =>
        isOspreyError(e, 'RESOURCE_EXHAUSTED') &&
        e.details.reason === 'queue-full' &&
        e.details.retryAfterSeconds === 1,
    );
    instance.release();
    await tick();
    instance.release();
    await Promise.all([running, ...waiting]);
  });

  it('takes a request out of the queue when it waits longer than its timeout', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config({ defaultTimeoutUs: 1_000_000 }));
    const running = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const expiring = batcher.submit(rowsFrom(0, 1), [], { timeoutUs: 5000 });
    await assert.rejects(
      expiring,
      (e: unknown) => isOspreyError(e, 'UNAVAILABLE') && e.details.reason === 'queue-timeout',
    );
    assert.equal(batcher.queueLength, 0);
    instance.release();
    await running;
  });

  it('takes a timeout longer than a timer can wait as none (not as a timer that fires at once)', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config());
    const running = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const patient = batcher.submit(rowsFrom(0, 1), [], { timeoutUs: 3e12 }); // about 35 days
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(batcher.queueLength, 1);
    instance.release();
    await running;
    await tick();
    instance.release();
    await patient;
  });

  it('dispatches a full batch at once while another queue waits out its delay', async () => {
    const instance = new RecordingInstance();
    const batcher = new DynamicBatcher([instance], config({ maxBatchSize: 4, maxQueueDelayUs: 300_000 }));
    const started = performance.now();
    const waiting = batcher.submit(rowsFrom(0, 1, 2), []);
    const full = await batcher.submit(rowsFrom(0, 4, 3), []);
    assert.ok(performance.now() - started < 150, `the full batch waited ${performance.now() - started} ms`);
    assert.deepEqual(full.outputs.get('y')!.shape, [4, 3]);
    assert.ok((await waiting).queueMs >= 250);
    assert.deepEqual(instance.batches, [
      [4, 3],
      [1, 2],
    ]);
  });

  it('waits up to max_queue_delay_us for a batch to fill when the instance is free', async () => {
    const instance = new RecordingInstance();
    const batcher = new DynamicBatcher([instance], config({ maxQueueDelayUs: 30_000 }));
    const a = batcher.submit(rowsFrom(0, 1), []);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = batcher.submit(rowsFrom(0, 2), []);
    const [ra, rb] = await Promise.all([a, b]);
    assert.deepEqual(instance.batches, [[3, 2]]);
    assert.ok(ra.queueMs >= 25, `the first request waited ${ra.queueMs} ms`);
    assert.ok(rb.queueMs < ra.queueMs);
  });

  it('dispatches a preferred batch size without waiting for the delay', async () => {
    const instance = new RecordingInstance();
    const batcher = new DynamicBatcher([instance], config({ maxQueueDelayUs: 10_000_000, preferredBatchSizes: [4] }));
    const started = performance.now();
    await Promise.all([batcher.submit(rowsFrom(0, 1), []), batcher.submit(rowsFrom(0, 3), [])]);
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(instance.batches, [[4, 2]]);
  });

  it('runs one batch per instance at once', async () => {
    const instances = [new RecordingInstance(), new RecordingInstance()];
    const batcher = new DynamicBatcher(instances, config({ maxBatchSize: 2 }));
    await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit(rowsFrom(i, 1), [])));
    assert.ok(instances.every((instance) => instance.batches.length > 0));
    assert.ok(instances.every((instance) => instance.maxRunning === 1));
  });

  it('fails only the bad request of a batch the runtime refuses; only successful executions are observed', async () => {
    const instance = new RecordingInstance(true);
    const executions: { rows: number; requests: number }[] = [];
    const batcher = new DynamicBatcher([instance], config(), ({ rows, requests }) =>
      executions.push({ rows, requests }),
    );
    const first = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const good = batcher.submit(rowsFrom(5, 1), []);
    const bad = assert.rejects(batcher.submit(rowsFrom(-5, 1), []), (e: unknown) =>
      isOspreyError(e, 'INVALID_ARGUMENT'),
    );
    instance.release();
    await first;
    await tick();
    for (let i = 0; i < 3; i++) {
      instance.release();
      await tick();
    }
    await bad;
    assert.deepEqual(instance.batches.length, 4);
    assert.deepEqual([...(await good).outputs.get('y')!.data], [10, 12]);
    // The first request's batch, then the refused batch's good request re-run alone (not the refused batch itself,
    // nor the bad request's re-run): Triton's inference and execution counts are of successful ones.
    assert.deepEqual(executions, [
      { rows: 1, requests: 1 },
      { rows: 1, requests: 1 },
    ]);
  });

  it('with max_batch_size 0 runs each request alone, as sent', async () => {
    const instance = new RecordingInstance();
    const batcher = new DynamicBatcher([instance], config({ maxBatchSize: 0 }));
    await Promise.all([batcher.submit(rowsFrom(0, 100), []), batcher.submit(rowsFrom(0, 3), [])]);
    assert.deepEqual(instance.batches, [
      [100, 2],
      [3, 2],
    ]);
  });

  it('drain waits for queued and running requests; close refuses what still waits', async () => {
    const instance = new RecordingInstance(true);
    const batcher = new DynamicBatcher([instance], config());
    const running = batcher.submit(rowsFrom(0, 1), []);
    await tick();
    const waiting = batcher.submit(rowsFrom(0, 1), []);
    let drained = false;
    const drain = batcher.drain().then(() => {
      drained = true;
    });
    await tick();
    assert.equal(drained, false);
    instance.release();
    await running;
    await tick();
    instance.release();
    await waiting;
    await drain;
    assert.equal(batcher.inFlight, 0);

    const blocked = new DynamicBatcher([new RecordingInstance(true)], config());
    void blocked.submit(rowsFrom(0, 1), []);
    await tick();
    const queued = blocked.submit(rowsFrom(0, 1), []);
    blocked.close();
    await assert.rejects(queued, (e: unknown) => isOspreyError(e, 'UNAVAILABLE'));
    await assert.rejects(blocked.submit(rowsFrom(0, 1), []), (e: unknown) => isOspreyError(e, 'UNAVAILABLE'));
  });
});
