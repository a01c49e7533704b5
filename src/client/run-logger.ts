import type { MlflowClient } from './mlflow-client.js';
import type { KeyValue, Metric } from './types.js';

/** MLflow's log-batch limits: 1000 metrics, 100 params, 100 tags, 1000 items in all. */
const MAX_METRICS = 1000;
const MAX_PARAMS = 100;
const MAX_TAGS = 100;
const MAX_ITEMS = 1000;

export interface RunLoggerOptions {
  /** Send a batch after this long even if it is not full (default 1 s). */
  flushIntervalMs?: number;
  /** Above this many buffered items, `log*` returns a promise that waits for the buffer to drain (default 100,000). */
  maxBuffered?: number;
}

/**
 * Buffers a run's metrics, params and tags and sends them with log-batch, in order, so a training loop never waits on
 * the network per point. `log*` return at once (await them to get backpressure when the buffer is full); `flush()`
 * sends everything buffered; a failed send is reported by the next `log*` or `flush()`.
 */
export class RunLogger {
  private metrics: Metric[] = [];
  private params: KeyValue[] = [];
  private tags: KeyValue[] = [];
  private sending: Promise<void> = Promise.resolve();
  private failure: unknown;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly client: MlflowClient,
    readonly runId: string,
    options: RunLoggerOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBuffered = options.maxBuffered ?? 100_000;
  }

  logMetric(key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    this.metrics.push({ key, value: Number.isFinite(value) ? value : String(value), timestamp, step });
    return this.afterAdd(this.metrics.length >= MAX_METRICS);
  }

  logParam(key: string, value: string): Promise<void> {
    this.params.push({ key, value });
    return this.afterAdd(this.params.length >= MAX_PARAMS);
  }

  setTag(key: string, value: string): Promise<void> {
    this.tags.push({ key, value });
    return this.afterAdd(this.tags.length >= MAX_TAGS);
  }

  /** Sends everything buffered so far; resolves when the server has acknowledged it. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    this.startSending();
    await this.sending;
    this.throwIfFailed();
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private buffered(): number {
    return this.metrics.length + this.params.length + this.tags.length;
  }

  private afterAdd(full: boolean): Promise<void> {
    this.throwIfFailed();
    if (full) this.startSending();
    else this.timer ??= setTimeout(() => this.startSending(), this.flushIntervalMs);
    return this.buffered() > this.maxBuffered ? this.sending.then(() => this.throwIfFailed()) : Promise.resolve();
  }

  /** Chains the sending of everything buffered now after what is already being sent (order is kept). */
  private startSending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.takeBatches();
    if (batches.length === 0) return;
    this.sending = this.sending.then(async () => {
      for (const batch of batches) {
        if (this.failure) return;
        try {
          await this.client.logBatch(this.runId, batch);
        } catch (error) {
          this.failure = error;
        }
      }
    });
  }

  private takeBatches(): { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }[] {
    const batches = [];
    while (this.buffered() > 0) {
      const params = this.params.splice(0, MAX_PARAMS);
      const tags = this.tags.splice(0, MAX_TAGS);
      const metrics = this.metrics.splice(0, Math.min(MAX_METRICS, MAX_ITEMS - params.length - tags.length));
      batches.push({ metrics, params, tags });
    }
    return batches;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
