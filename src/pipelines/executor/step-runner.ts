// The entry of one step's process: `node [--import tsx] step-runner.ts REQUEST.json`. A function step imports
// its component's module, checks the code is what was compiled, and calls it; a command step runs its program.
// The process leads its own process group: when the orchestrator dies, the step notices and kills the group,
// so no orphan keeps running while a resumed run retries the step.
import { readFile, writeFile } from 'node:fs/promises';
import { runCommandStep } from './command-step.js';
import { loadFunctionComponent, runFunctionStep } from './function-step.js';
import type { StepRequest } from './step-protocol.js';

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(-process.pid, 'SIGKILL');
}, 200).unref();

const requestPath = process.argv[2];
try {
  if (!requestPath) throw new Error('usage: step-runner REQUEST.json');
  const request = JSON.parse(await readFile(requestPath, 'utf8')) as StepRequest;
  if (request.kind === 'function') {
    const definition = await loadFunctionComponent(request.module, request.export, request.sourceDigest);
    await writeFile(request.resultPath, JSON.stringify(await runFunctionStep(request, definition)));
  } else process.exitCode = await runCommandStep(request);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
process.exit();
