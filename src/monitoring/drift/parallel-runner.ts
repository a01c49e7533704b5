import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ColumnOutcome, guarded } from './column-outcome.js';
import { analyzeNumeric, type NumericTask } from './numeric-analysis.js';

/**
 * Runs the numerical column analyses, in this thread or on a pool of worker threads (one per core). Workers take
 * columns one at a time as they get free, so a slow column does not hold the others up. Samples backed by a
 * SharedArrayBuffer reach the workers without a copy (the readers allocate them that way); others are copied once.
 */
export interface ColumnRunner {
  readonly workers: number;
  run(tasks: readonly NumericTask[]): Promise<ColumnOutcome[]>;
  close(): Promise<void>;
}

/** Below this many values in all numerical columns together, starting workers costs more than it saves. */
export const PARALLEL_MIN_VALUES = 2_000_000;

/** The runner `computeDrift` uses by default: workers for large inputs, this thread otherwise. */
export function defaultWorkerCount(tasks: readonly NumericTask[], requested?: number): number {
  if (requested !== undefined) return requested;
  const values = tasks.reduce((sum, t) => sum + t.reference.length + t.current.length, 0);
  return tasks.length > 1 && values >= PARALLEL_MIN_VALUES ? availableParallelism() : 0;
}

/** Runs every task in the calling thread. */
export const inlineRunner: ColumnRunner = {
  workers: 0,
  async run(tasks) {
    return tasks.map((task) => guarded(task.type ?? 'numerical', () => analyzeNumeric(task)));
  },
  async close() {},
};

/** One run sent to a worker: every task, and the shared counter the workers take task indexes from. */
export interface BatchMessage {
  batch: number;
  tasks: readonly NumericTask[];
  /** Int32Array over a SharedArrayBuffer: [next task index]. */
  next: Int32Array;
}
/** A worker's answer to a batch: the outcomes of the tasks it took, by index. */
export type BatchReply = { batch: number; ids: number[]; outcomes: ColumnOutcome[] } | { batch: number; error: string };

/**
 * Starts `size` worker threads (default: the machine's cores) and resolves once they are ready. A run posts every
 * task to every worker in one message (samples on SharedArrayBuffers travel without a copy; others are copied once
 * into shared memory first); each worker takes the next task index from a shared atomic counter until none are left,
 * so a slow column does not hold the others up, and answers once with all its outcomes. Two messages per worker and
 * run, instead of a round trip per column: on a busy machine each wake-up of an idle thread costs milliseconds.
 */
export async function startWorkerPool(size = availableParallelism()): Promise<ColumnRunner> {
  const workers = await Promise.all(Array.from({ length: Math.max(1, size) }, startWorker));
  let closed = false;
  let batches = 0;
  return {
    workers: workers.length,
    async run(tasks) {
      if (closed) throw new Error('the worker pool is closed');
      if (tasks.length === 0) return [];
      const message: BatchMessage = {
        batch: batches++,
        tasks: tasks.map(shareSamples),
        next: new Int32Array(new SharedArrayBuffer(4)),
      };
      const replies = await Promise.all(workers.map((worker) => runBatch(worker, message)));
      const outcomes = new Array<ColumnOutcome>(tasks.length);
      for (const reply of replies) {
        reply.ids.forEach((id, i) => {
          outcomes[id] = reply.outcomes[i]!;
        });
      }
      return outcomes;
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The task with its samples on SharedArrayBuffers (copied once when they are not), so no worker copies them. */
function shareSamples(task: NumericTask): NumericTask {
  const shared = (a: Float64Array): Float64Array => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const copy = new Float64Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  return { ...task, reference: shared(task.reference), current: shared(task.current) };
}

function runBatch(worker: Worker, message: BatchMessage): Promise<{ ids: number[]; outcomes: ColumnOutcome[] }> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: BatchReply) => {
      if (reply.batch !== message.batch) return;
      cleanup();
      if ('error' in reply) reject(new Error(reply.error));
      else resolve(reply);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(message);
  });
}

/**
 * A worker running column-worker. From the built package it is column-worker.js; when Osprey runs from its
 * TypeScript sources (tsx), a worker does not inherit tsx's loader, so it registers tsx before importing the .ts file.
 */
async function startWorker(): Promise<Worker> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./column-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const worker = fromSource
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
          `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })` +
          `.then(() => require('node:worker_threads').parentPort.postMessage('ready'));`,
        { eval: true },
      )
    : new Worker(entry);
  if (!fromSource) return worker;
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return worker;
}
