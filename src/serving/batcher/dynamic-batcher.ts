/**
 * A dynamic batcher for one model version, after Triton's: requests queue, and whenever an instance is free the
 * oldest compatible requests are joined into one batch (concatenated along dimension 0), run, and the outputs
 * split back, each request receiving its own rows in its own order.
 *
 * - Compatible means: same requested outputs, and for every input the same datatype and the same non-batch
 *   dimensions (the batch key). Incompatible requests wait in their own queues and form their own batches.
 * - A batch is dispatched when it reaches max_batch_size or a preferred size, or when its oldest request has
 *   waited max_queue_delay_us (0: at once). While every instance is busy, requests accumulate and the next free
 *   instance takes them together. A free instance takes the batch that is due whose oldest request has waited
 *   longest: a queue still inside its delay holds back no other queue's full batch.
 * - Beyond max_queue_size waiting requests a request is refused at once (RESOURCE_EXHAUSTED, details
 *   `{ reason: 'queue-full', retryAfterSeconds }`); one that waits longer than its timeout leaves the queue with
 *   UNAVAILABLE (`reason: 'queue-timeout'`); a timeout beyond what a timer can wait (about 24.8 days) is none.
 *   A request with more rows than max_batch_size is INVALID_ARGUMENT.
 * - A batch that the runtime refuses (bad values in one request) is re-run request by request, so one bad
 *   request does not fail its neighbours.
 */
import { invalidArgument, isOspreyError, OspreyError } from '../../core/errors.js';
import { MAX_TIMER_MS } from '../../core/time.js';
import type { LoadedModel } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { type BatchingConfig, checkBatchingConfig } from './batching-config.js';
import { concatAlongBatch, rowsOf, splitAlongBatch } from './tensor-batching.js';

/** What runs a batch: a model instance (one session). */
export type BatchExecutor = Pick<LoadedModel, 'infer'>;

export interface BatchResult {
  readonly outputs: Map<string, Tensor>;
  /** Milliseconds between submission and dispatch. */
  readonly queueMs: number;
  /** Milliseconds the batch holding this request took to run (concatenation and split included). */
  readonly computeMs: number;
  /** Rows in the batch that held this request. */
  readonly batchRows: number;
}

export interface SubmitOptions {
  /** Queue timeout for this request in microseconds (the request's `timeout` parameter); 0: none. */
  readonly timeoutUs?: number | undefined;
}

/**
 * Called once per successful execution (statistics and metrics count these, as Triton's inference and execution
 * counts do): a batch, or one request re-run alone after its batch was refused.
 */
export type BatchObserver = (execution: { rows: number; requests: number; computeMs: number }) => void;

interface Pending {
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly outputNames: readonly string[];
  readonly rows: number;
  readonly key: string;
  readonly enqueuedAt: number;
  readonly resolve: (result: BatchResult) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Seconds a refused client is told to wait (Retry-After). */
const RETRY_AFTER_SECONDS = 1;

export class DynamicBatcher {
  private readonly queues = new Map<string, Pending[]>();
  private readonly free: BatchExecutor[];
  private queued = 0;
  private running = 0;
  private inFlightRequests = 0;
  private delayTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly preferred: ReadonlySet<number>;

  constructor(
    instances: readonly BatchExecutor[],
    readonly config: BatchingConfig,
    private readonly observe: BatchObserver = () => {},
  ) {
    if (instances.length === 0) throw new OspreyError('INTERNAL', 'a batcher needs at least one model instance');
    checkBatchingConfig(config, 'batching');
    this.free = [...instances];
    this.preferred = new Set(config.preferredBatchSizes);
  }

  /** Requests waiting for an instance. */
  get queueLength(): number {
    return this.queued;
  }

  /** Batches running on an instance now. */
  get runningBatches(): number {
    return this.running;
  }

  /** Requests submitted and not yet answered (queued or running). */
  get inFlight(): number {
    return this.inFlightRequests;
  }

  /**
   * Queues one request and resolves with its outputs. `inputs` must already be validated against the model's
   * signature; with batching on, every input's first dimension is the request's row count.
   */
  submit(
    inputs: ReadonlyMap<string, Tensor>,
    outputNames: readonly string[],
    options: SubmitOptions = {},
  ): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new OspreyError('UNAVAILABLE', 'the model version is unloading'));
    const batching = this.config.maxBatchSize > 0;
    let rows = 1;
    let key = '';
    if (batching) {
      try {
        rows = requestRows(inputs);
      } catch (error) {
        return Promise.reject(error);
      }
      if (rows > this.config.maxBatchSize)
        return Promise.reject(
          invalidArgument(
            `the request has ${rows} rows (dimension 0) but this model takes at most max_batch_size ${this.config.maxBatchSize} rows per request: split it`,
            { rows, maxBatchSize: this.config.maxBatchSize },
          ),
        );
      key = batchKey(inputs, outputNames);
    }
    if (this.queued >= this.config.maxQueueSize)
      return Promise.reject(
        new OspreyError(
          'RESOURCE_EXHAUSTED',
          `the model's queue is full (${this.config.maxQueueSize} requests waiting): retry in ${RETRY_AFTER_SECONDS} s`,
          { details: { reason: 'queue-full', retryAfterSeconds: RETRY_AFTER_SECONDS } },
        ),
      );
    const timeoutUs = options.timeoutUs ?? this.config.defaultTimeoutUs;
    return new Promise<BatchResult>((resolve, reject) => {
      const pending: Pending = {
        inputs,
        outputNames,
        rows,
        key,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        timer: undefined,
      };
      const timeoutMs = Math.ceil(timeoutUs / 1000);
      if (timeoutUs > 0 && timeoutMs <= MAX_TIMER_MS)
        pending.timer = setTimeout(() => this.expire(pending, timeoutUs), timeoutMs);
      let queue = this.queues.get(key);
      if (queue === undefined) {
        queue = [];
        this.queues.set(key, queue);
      }
      queue.push(pending);
      this.queued++;
      this.inFlightRequests++;
      this.schedule(false);
    });
  }

  /** Resolves once nothing is queued or running (new requests may still arrive while waiting). */
  drain(): Promise<void> {
    if (this.inFlightRequests === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses queued requests (UNAVAILABLE) and every later one; running batches finish. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    for (const queue of this.queues.values())
      for (const pending of queue) this.fail(pending, new OspreyError('UNAVAILABLE', 'the model version was unloaded'));
    this.queues.clear();
    this.queued = 0;
  }

  /**
   * Dispatches every batch that is due to the free instances; arms a timer for the first one that is not.
   * A batch that is neither full nor at a preferred size waits at least until the end of the current turn of the
   * event loop (`flush` is false when called from submit): every request read in the same I/O phase joins it,
   * even with max_queue_delay_us 0.
   */
  private schedule(flush: boolean): void {
    dispatching: while (this.free.length > 0 && this.queued > 0) {
      for (const queue of this.oldestFirst()) {
        const take = this.batchToDispatch(queue, flush);
        if (take === 0) continue;
        const batch = queue.splice(0, take);
        if (queue.length === 0) this.queues.delete(batch[0]!.key);
        this.queued -= batch.length;
        void this.run(this.free.pop()!, batch);
        continue dispatching;
      }
      return;
    }
  }

  /** The queues, the one whose head has waited longest first. */
  private oldestFirst(): Iterable<Pending[]> {
    if (this.queues.size === 1) return this.queues.values();
    return [...this.queues.values()].sort((a, b) => a[0]!.enqueuedAt - b[0]!.enqueuedAt);
  }

  /** How many requests from the head of `queue` to dispatch now; 0 to wait (a timer is armed). */
  private batchToDispatch(queue: Pending[], flush: boolean): number {
    const { maxBatchSize, maxQueueDelayUs } = this.config;
    if (maxBatchSize === 0) return 1;
    let rows = 0;
    let take = 0;
    let preferredTake = 0;
    for (const pending of queue) {
      if (rows + pending.rows > maxBatchSize) break;
      rows += pending.rows;
      take++;
      if (this.preferred.has(rows)) preferredTake = take;
    }
    if (rows === maxBatchSize || this.preferred.has(rows)) return take;
    if (preferredTake > 0) return preferredTake;
    const waitedUs = (performance.now() - queue[0]!.enqueuedAt) * 1000;
    if (take < queue.length || (flush && waitedUs >= maxQueueDelayUs)) return take;
    this.armDelayTimer(maxQueueDelayUs - waitedUs);
    return 0;
  }

  /** Re-runs the scheduler when the oldest request's delay is over (sub-millisecond delays: next loop turn). */
  private armDelayTimer(remainingUs: number): void {
    if (this.delayTimer !== undefined || this.immediate !== undefined) return;
    if (remainingUs < 1000)
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.schedule(true);
      });
    else
      this.delayTimer = setTimeout(
        () => {
          this.delayTimer = undefined;
          this.schedule(true);
        },
        Math.ceil(remainingUs / 1000),
      );
  }

  private async run(instance: BatchExecutor, batch: Pending[]): Promise<void> {
    this.running++;
    const started = performance.now();
    for (const pending of batch) if (pending.timer !== undefined) clearTimeout(pending.timer);
    let rows = 0;
    for (const pending of batch) rows += pending.rows;
    try {
      const outputs = await this.execute(instance, batch);
      const computeMs = performance.now() - started;
      this.observe({ rows, requests: batch.length, computeMs });
      for (let i = 0; i < batch.length; i++) {
        const pending = batch[i]!;
        this.answer(pending, {
          outputs: outputs[i]!,
          queueMs: started - pending.enqueuedAt,
          computeMs,
          batchRows: rows,
        });
      }
    } catch (error) {
      if (batch.length > 1 && isOspreyError(error, 'INVALID_ARGUMENT')) {
        await this.runAlone(instance, batch, started);
      } else for (const pending of batch) this.fail(pending, error);
    } finally {
      this.running--;
      this.free.push(instance);
      this.schedule(true);
      this.notifyIfIdle();
    }
  }

  /** After a refused batch: each request on its own, so only the bad one fails. */
  private async runAlone(instance: BatchExecutor, batch: Pending[], started: number): Promise<void> {
    for (const pending of batch) {
      try {
        const alone = performance.now();
        const [outputs] = await this.execute(instance, [pending]);
        this.observe({ rows: pending.rows, requests: 1, computeMs: performance.now() - alone });
        const computeMs = performance.now() - started;
        this.answer(pending, {
          outputs: outputs!,
          queueMs: started - pending.enqueuedAt,
          computeMs,
          batchRows: pending.rows,
        });
      } catch (error) {
        this.fail(pending, error);
      }
    }
  }

  /** Runs requests as one batch and returns each request's outputs. */
  private async execute(instance: BatchExecutor, batch: Pending[]): Promise<Map<string, Tensor>[]> {
    const first = batch[0]!;
    if (batch.length === 1) return [await instance.infer(first.inputs, first.outputNames)];
    const joined = new Map<string, Tensor>();
    for (const name of first.inputs.keys())
      joined.set(name, concatAlongBatch(batch.map((pending) => pending.inputs.get(name)!)));
    const outputs = await instance.infer(joined, first.outputNames);
    const rows = batch.map((pending) => pending.rows);
    const perRequest = batch.map(() => new Map<string, Tensor>());
    for (const [name, tensor] of outputs)
      for (const [i, piece] of splitAlongBatch(name, tensor, rows).entries()) perRequest[i]!.set(name, piece);
    return perRequest;
  }

  private expire(pending: Pending, timeoutUs: number): void {
    const queue = this.queues.get(pending.key);
    const index = queue?.indexOf(pending) ?? -1;
    if (queue === undefined || index < 0) return; // already dispatched
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(pending.key);
    this.queued--;
    this.fail(
      pending,
      new OspreyError(
        'UNAVAILABLE',
        `the request waited in the queue longer than its timeout of ${timeoutUs} µs: the model is overloaded`,
        { details: { reason: 'queue-timeout', retryAfterSeconds: RETRY_AFTER_SECONDS } },
      ),
    );
    this.notifyIfIdle();
  }

  private answer(pending: Pending, result: BatchResult): void {
    this.inFlightRequests--;
    pending.resolve(result);
  }

  private fail(pending: Pending, error: unknown): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    this.inFlightRequests--;
    pending.reject(error);
  }

  private notifyIfIdle(): void {
    if (this.inFlightRequests > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private clearTimers(): void {
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.delayTimer = undefined;
    this.immediate = undefined;
  }
}

/** The request's row count: the first dimension, which every input must share. */
function requestRows(inputs: ReadonlyMap<string, Tensor>): number {
  let rows: number | undefined;
  for (const [name, tensor] of inputs) {
    if (tensor.shape.length === 0)
      throw invalidArgument(`input '${name}' is a scalar, but batching needs a batch dimension (dimension 0)`, {
        tensor: name,
      });
    const r = rowsOf(tensor);
    if (rows !== undefined && r !== rows)
      throw invalidArgument(
        `input '${name}' has ${r} rows (dimension 0) but the other inputs have ${rows}: all inputs of a request must have the same batch size`,
        { tensor: name },
      );
    rows = r;
  }
  return rows ?? 1;
}

/** Requests batch together only when this key is equal: requested outputs, input datatypes and non-batch dims. */
function batchKey(inputs: ReadonlyMap<string, Tensor>, outputNames: readonly string[]): string {
  let key = outputNames.join(',');
  for (const [name, tensor] of inputs) {
    key += `|${name}:${tensor.datatype}`;
    for (let axis = 1; axis < tensor.shape.length; axis++) key += `:${tensor.shape[axis]}`;
  }
  return key;
}
