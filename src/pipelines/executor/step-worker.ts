// The entry of a reused step process: `node [--import tsx] step-worker.ts`, started by the orchestrator's
// StepWorkers with an IPC channel. It runs one step at a time, each as the step runner would: in the step's
// work directory, its output appended to the step's log, with the environment restored afterwards. After a step
// that fails it exits (a failure may leave broken state behind), so the next step gets a fresh process. It kills
// itself when its orchestrator dies.
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { runCommandStep } from './command-step.js';
import { loadFunctionComponent, runFunctionStep } from './function-step.js';
import type { StepRequest } from './step-protocol.js';

export interface WorkerTask {
  requestPath: string;
  logPath: string;
  cwd: string;
}
export interface WorkerReply {
  exitCode: number;
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(-process.pid, 'SIGKILL');
}, 200).unref();

const baseEnv = { ...process.env };
const baseCwd = process.cwd();

/** Sends what the step writes to stdout and stderr (console included) to its log, until the returned undo. */
function captureOutput(logFd: number): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      if (typeof chunk === 'string') writeSync(logFd, chunk);
      else writeSync(logFd, chunk);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
  return () => {
    streams.forEach((s, i) => {
      s.write = originals[i]!;
    });
  };
}

function restoreEnvironment(): void {
  for (const key of Object.keys(process.env)) if (!(key in baseEnv)) delete process.env[key];
  Object.assign(process.env, baseEnv);
  process.chdir(baseCwd);
}

async function runTask(task: WorkerTask): Promise<number> {
  const logFd = openSync(task.logPath, 'a');
  const release = captureOutput(logFd);
  try {
    process.chdir(task.cwd);
    const request = JSON.parse(await readFile(task.requestPath, 'utf8')) as StepRequest;
    if (request.kind === 'command') return await runCommandStep(request, ['ignore', logFd, logFd]);
    const definition = await loadFunctionComponent(request.module, request.export, request.sourceDigest);
    await writeFile(request.resultPath, JSON.stringify(await runFunctionStep(request, definition)));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  } finally {
    release();
    closeSync(logFd);
    restoreEnvironment();
  }
}

process.on('message', (task: WorkerTask) => {
  runTask(task).then((exitCode) => {
    const reply: WorkerReply = { exitCode };
    process.send?.(reply, () => {
      if (exitCode !== 0) process.exit(exitCode);
    });
  });
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
