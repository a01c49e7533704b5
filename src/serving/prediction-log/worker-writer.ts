/**
 * A PredictionWriter on a worker thread (writer-worker.ts): the worker opens its own connection to the metadata
 * store with a function the composition root names (a module URL and an export, e.g. `openSqlStore` and the
 * database configuration), builds the records of each batch and appends them. The main thread only packs the
 * batch (packed-batch.ts: one JSON text and one transferred buffer) and posts it.
 */
import type { Worker } from 'node:worker_threads';
import { OspreyError } from '../../core/errors.js';
import { startWorker } from '../threads/start-worker.js';
import type { LoggedRequest } from './log-plan.js';
import { type PackedBatch, packBatch } from './packed-batch.js';
import type { PredictionWriter } from './writers.js';

/** How the worker opens the store: `(await import(module))[exportName](...args)` resolving to a MetadataStore. */
export interface StoreOpener {
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

export type WriterRequest = { type: 'write'; id: number; batch: PackedBatch } | { type: 'close' };
export type WriterReply =
  | { type: 'opened' }
  | { type: 'written'; id: number }
  | { type: 'failed'; id: number | undefined; message: string }
  | { type: 'closed' };

export class WorkerWriter implements PredictionWriter {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WriterReply) => {
      if (reply.type !== 'written' && reply.type !== 'failed') return;
      const call = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (call === undefined) return;
      this.pending.delete(reply.id!);
      if (reply.type === 'written') call.resolve();
      else call.reject(new OspreyError('UNAVAILABLE', `the prediction log write failed: ${reply.message}`));
    });
    worker.on('exit', () => {
      for (const call of this.pending.values())
        call.reject(new OspreyError('UNAVAILABLE', "the prediction log's worker thread stopped"));
      this.pending.clear();
    });
    worker.unref();
  }

  /** Starts the worker and waits until it has opened the store (its error when it cannot). */
  static start(opener: StoreOpener): Promise<WorkerWriter> {
    const worker = startWorker(import.meta.url, './writer-worker', opener);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(new OspreyError('UNAVAILABLE', `the prediction log's worker thread failed: ${error.message}`));
      };
      const onMessage = (reply: WriterReply) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (reply.type === 'opened') resolve(new WorkerWriter(worker));
        else {
          void worker.terminate();
          reject(
            new OspreyError(
              'UNAVAILABLE',
              `the prediction log cannot open the metadata store: ${reply.type === 'failed' ? reply.message : reply.type}`,
            ),
          );
        }
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }

  write(batch: readonly LoggedRequest[]): Promise<void> {
    if (this.closing !== undefined)
      return Promise.reject(new OspreyError('UNAVAILABLE', 'the prediction log is closed'));
    const id = this.nextId++;
    const message: WriterRequest = { type: 'write', id, batch: packBatch(batch) };
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(message, [message.batch.data]);
    }).finally(() => {
      if (this.pending.size === 0 && this.closing === undefined) this.worker.unref();
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (reply: WriterReply) => {
        if (reply.type === 'closed') void this.worker.terminate();
      });
      this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    });
    return this.closing;
  }
}
