import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(
  new URL(`./step-runner${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const TSX = import.meta.resolve('tsx');
const KILL_GRACE_MS = 2000;

export interface StepExit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
}

/**
 * Runs the step runner on `requestPath` in its own process group with `cwd`, stdout and stderr appended to
 * `logPath`. After `timeoutMs` (null: never) the group gets SIGTERM, then SIGKILL.
 */
export function launchStep(options: {
  requestPath: string;
  cwd: string;
  logPath: string;
  timeoutMs: number | null;
}): Promise<StepExit> {
  const started = performance.now();
  const log = openSync(options.logPath, 'a');
  const child = spawn(process.execPath, ['--import', TSX, RUNNER, options.requestPath], {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  closeSync(log);
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const timers: NodeJS.Timeout[] = [];
  if (options.timeoutMs !== null) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        timers.push(setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS));
      }, options.timeoutMs),
    );
  }
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null) => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', () => finish(null, null));
    child.on('exit', (code, signal) => finish(code, signal));
  });
}
