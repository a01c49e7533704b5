import { type StdioOptions, spawn } from 'node:child_process';
import type { CommandStepRequest } from './step-protocol.js';

/** Runs a command step's program in its work directory (output inherited by default); resolves to its exit code. */
export function runCommandStep(request: CommandStepRequest, stdio: StdioOptions = 'inherit'): Promise<number> {
  const [program, ...args] = request.argv;
  if (program === undefined) throw new Error('the command is empty');
  const child = spawn(program, args, {
    cwd: request.workDir,
    stdio,
    env: { ...process.env, ...request.env },
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`cannot start ${program}: ${error.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
