// Worker-thread entry of the parallel column runner: takes the numerical columns of a batch one at a time, through
// the batch's shared counter, until none are left, and answers once with the outcomes of those it analysed.
import { parentPort } from 'node:worker_threads';
import { guarded } from './column-outcome.js';
import { analyzeNumeric } from './numeric-analysis.js';
import type { BatchMessage, BatchReply } from './parallel-runner.js';

if (!parentPort) throw new Error('column-worker.ts runs as a worker thread (see parallel-runner.ts)');
const port = parentPort;
port.on('message', (message: BatchMessage) => {
  let reply: BatchReply;
  try {
    const ids: number[] = [];
    const outcomes = [];
    for (let id = Atomics.add(message.next, 0, 1); id < message.tasks.length; id = Atomics.add(message.next, 0, 1)) {
      const task = message.tasks[id]!;
      ids.push(id);
      outcomes.push(guarded(task.type ?? 'numerical', () => analyzeNumeric(task)));
    }
    reply = { batch: message.batch, ids, outcomes };
  } catch (error) {
    reply = { batch: message.batch, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
