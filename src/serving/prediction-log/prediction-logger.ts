/**
 * The model server's side of the prediction log: every successful inference (sampled per request at the model's
 * rate) is queued in memory and handed in batches to a PredictionWriter (writers.ts: on this thread, or on a
 * worker thread with its own store connection), off the request's path.
 *
 * - `offer` never blocks, throws or waits: it keeps references to the request's tensors (only read later) and
 *   returns. Records are built when a batch is written.
 * - The queue is bounded in rows (`maxQueuedRows`) and in the bytes of the tensors it holds (`maxQueuedBytes`),
 *   the batch being written included: a request that does not fit is dropped and counted
 *   (`osprey_prediction_log_dropped_total{reason="queue_full"}`); inference goes on as if nothing happened.
 * - A batch is written every `flushIntervalMs` after the first queued row, or as soon as `flushRows` rows wait;
 *   one write at a time, at most `maxWriteRows` rows each. A write that fails is dropped and counted
 *   (`reason="write_failed"`) and reported through `onWriteError`; the next batch is tried as usual.
 * - `close` stops taking requests, writes everything queued (a clean shutdown loses nothing accepted), then
 *   closes the writer.
 */
import { Counter, type Registry } from 'prom-client';
import { type LoggedRequest, loggedRows } from './log-plan.js';
import type { PredictionWriter } from './writers.js';

export interface PredictionLoggerOptions {
  /** Rows waiting to be written (or being written) beyond which requests are dropped. Default 10,000. */
  readonly maxQueuedRows?: number;
  /** Bytes of tensors held the same way beyond which requests are dropped. Default 64 MiB. */
  readonly maxQueuedBytes?: number;
  /** Longest wait of a queued row before a write starts. Default 200 ms. */
  readonly flushIntervalMs?: number;
  /** Rows that start a write at once. Default 500. */
  readonly flushRows?: number;
  /** Most rows in one write (one transaction). Default 2,000. */
  readonly maxWriteRows?: number;
  /** Where the counters are registered (the server's /metrics). */
  readonly registry?: Registry;
  /** Told about a failed write (the rows are dropped and counted). */
  readonly onWriteError?: (error: unknown, rows: number) => void;
}

type DropReason = 'queue_full' | 'write_failed' | 'closed';

export class PredictionLogger {
  private queue: LoggedRequest[] = [];
  private queuedRows = 0;
  private queuedBytes = 0;
  /** What the write in progress holds (still counted against the bounds). */
  private writingRows = 0;
  private writingBytes = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly maxQueuedRows: number;
  private readonly maxQueuedBytes: number;
  private readonly flushIntervalMs: number;
  private readonly flushRows: number;
  private readonly maxWriteRows: number;
  private readonly droppedCounter: Counter<'reason'>;
  private readonly writtenCounter: Counter;
  /** Rows written, and rows dropped (any reason), since start. */
  readonly totals = { written: 0, dropped: 0 };

  constructor(
    private readonly writer: PredictionWriter,
    private readonly options: PredictionLoggerOptions = {},
  ) {
    this.maxQueuedRows = options.maxQueuedRows ?? 10_000;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 << 20;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.flushRows = options.flushRows ?? 500;
    this.maxWriteRows = options.maxWriteRows ?? 2_000;
    const registers = options.registry ? [options.registry] : [];
    this.droppedCounter = new Counter({
      name: 'osprey_prediction_log_dropped_total',
      help: 'Prediction log rows dropped: queue full (overload), write failed, or offered after close',
      labelNames: ['reason'],
      registers,
    });
    this.writtenCounter = new Counter({
      name: 'osprey_prediction_log_written_total',
      help: 'Prediction log rows written to the metadata store',
      registers,
    });
  }

  /** Rows queued and not yet handed to a write. */
  get pendingRows(): number {
    return this.queuedRows;
  }

  /** Queues a request's predictions (sampled by its plan). Never throws. */
  offer(logged: LoggedRequest): void {
    try {
      if (logged.plan.sampleRate < 1 && Math.random() >= logged.plan.sampleRate) return;
      const rows = loggedRows(logged.plan, logged.inputs);
      if (rows === 0) return;
      const bytes = tensorBytes(logged);
      const full =
        this.queuedRows + this.writingRows + rows > this.maxQueuedRows ||
        this.queuedBytes + this.writingBytes + bytes > this.maxQueuedBytes;
      if (this.closed || full) {
        this.drop(this.closed ? 'closed' : 'queue_full', rows);
        return;
      }
      this.queue.push(logged);
      this.queuedRows += rows;
      this.queuedBytes += bytes;
      if (this.queuedRows >= this.flushRows) this.flushSoon();
      else if (this.timer === undefined)
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flushSoon();
        }, this.flushIntervalMs).unref();
    } catch {
      // Logging must never affect inference: a request that cannot be logged is simply not logged.
    }
  }

  /** Writes everything queued now; resolves when it is written (or dropped after a failed write). */
  async flush(): Promise<void> {
    while (this.writing !== undefined || this.queue.length > 0) {
      if (this.writing !== undefined) await this.writing;
      else this.startWrite();
    }
  }

  /** Refuses later requests (counted as dropped) and writes everything already queued. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimers();
    await this.flush();
    await this.writer.close();
  }

  private flushSoon(): void {
    if (this.immediate !== undefined || this.writing !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.startWrite();
    });
  }

  /** Takes up to maxWriteRows queued rows and writes them; re-arms itself while rows remain. */
  private startWrite(): void {
    if (this.writing !== undefined || this.queue.length === 0) return;
    this.clearTimers();
    let take = 0;
    let rows = 0;
    let bytes = 0;
    while (take < this.queue.length && (take === 0 || rows < this.maxWriteRows)) {
      rows += loggedRows(this.queue[take]!.plan, this.queue[take]!.inputs);
      bytes += tensorBytes(this.queue[take]!);
      take++;
    }
    const batch = this.queue.splice(0, take);
    this.queuedRows -= rows;
    this.queuedBytes -= bytes;
    this.writingRows = rows;
    this.writingBytes = bytes;
    this.writing = this.write(batch, rows).finally(() => {
      this.writing = undefined;
      this.writingRows = 0;
      this.writingBytes = 0;
      if (this.queuedRows >= this.flushRows) this.flushSoon();
      else if (this.queue.length > 0 && this.timer === undefined && !this.closed)
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flushSoon();
        }, this.flushIntervalMs).unref();
    });
  }

  private async write(batch: readonly LoggedRequest[], rows: number): Promise<void> {
    try {
      await this.writer.write(batch);
      this.totals.written += rows;
      this.writtenCounter.inc(rows);
    } catch (error) {
      this.drop('write_failed', rows);
      try {
        this.options.onWriteError?.(error, rows);
      } catch {
        // a reporting hook that throws changes nothing
      }
    }
  }

  private drop(reason: DropReason, rows: number): void {
    this.totals.dropped += rows;
    this.droppedCounter.inc({ reason }, rows);
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

/** The bytes of a logged request's tensors (what queuing it keeps alive). */
function tensorBytes(logged: LoggedRequest): number {
  let bytes = 0;
  for (const tensors of [logged.inputs, logged.outputs])
    for (const tensor of tensors.values())
      if (Array.isArray(tensor.data)) for (const element of tensor.data) bytes += element.byteLength;
      else bytes += (tensor.data as ArrayBufferView).byteLength;
  return bytes;
}
