// Worker-thread entry of the parallel column runner: analyses the numerical columns it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { guarded } from './column-outcome.js';
import { analyzeNumeric, type NumericTask } from './numeric-analysis.js';

if (!parentPort) throw new Error('column-worker.ts runs as a worker thread (see parallel-runner.ts)');
const port = parentPort;
port.on('message', (message: { id: number; task: NumericTask }) => {
  try {
    const task = message.task;
    port.postMessage({ id: message.id, outcome: guarded(task.type ?? 'numerical', () => analyzeNumeric(task)) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
