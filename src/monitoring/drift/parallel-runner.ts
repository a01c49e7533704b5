import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ColumnOutcome, guarded } from './column-outcome.js';
import { analyzeNumeric, type NumericTask } from './numeric-analysis.js';

/**
 * Runs the numerical column analyses, in this thread or on a pool of worker threads (one per core). Columns are
 * handed out one at a time to whichever worker is free, so a slow column does not hold the others up. Samples backed
 * by a SharedArrayBuffer reach the workers without a copy (the readers allocate them that way); others are copied.
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

type Reply = { id: number; outcome: ColumnOutcome } | { id: number; error: string };

/** Starts `size` worker threads (default: the machine's cores) and resolves once they are ready. */
export async function startWorkerPool(size = availableParallelism()): Promise<ColumnRunner> {
  const workers = await Promise.all(Array.from({ length: Math.max(1, size) }, startWorker));
  let closed = false;
  return {
    workers: workers.length,
    async run(tasks) {
      if (closed) throw new Error('the worker pool is closed');
      const outcomes = new Array<ColumnOutcome>(tasks.length);
      let next = 0;
      const drain = async (worker: Worker) => {
        while (next < tasks.length) {
          const id = next++;
          outcomes[id] = await ask(worker, id, tasks[id]!);
        }
      };
      await Promise.all(workers.map(drain));
      return outcomes;
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function ask(worker: Worker, id: number, task: NumericTask): Promise<ColumnOutcome> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      cleanup();
      if ('error' in reply) reject(new Error(reply.error));
      else resolve(reply.outcome);
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
    worker.postMessage({ id, task });
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
