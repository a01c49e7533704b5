import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(
  new URL(`./step-runner${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const KILL_GRACE_MS = 2000;
const JS_MODULE = /\.[cm]?js$/;

let tsxLoader: string | undefined;
/** The tsx loader, resolved on first use: a compiled install running JavaScript steps never needs it. */
function tsx(): string {
  try {
    tsxLoader ??= import.meta.resolve('tsx');
  } catch {
    throw new Error('this step needs TypeScript support in its process, but the tsx loader cannot be found');
  }
  return tsxLoader;
}

/**
 * The node flags of a step process. Loading tsx costs most of a step process's start-up (its loader thread and
 * hooks), so it is only loaded when the runner itself is TypeScript (running from source) or the function
 * step's module is not plain JavaScript. A command step (`module` null) never needs it from a compiled runner.
 */
export function stepNodeArgs(module: string | null): string[] {
  return [...nodeArgsFor(RUNNER, [module]), RUNNER];
}

/**
 * The `--import`s of a step process: the `osprey` alias (component modules anywhere may import from 'osprey'),
 * and tsx when the entry file or any of the modules it will import is TypeScript.
 */
export function nodeArgsFor(entry: string, modules: readonly (string | null)[]): string[] {
  const typescript = entry.endsWith('.ts') || modules.some((m) => m !== null && !JS_MODULE.test(m));
  return [...(typescript ? ['--import', tsx()] : []), '--import', OSPREY_ALIAS];
}

/** Registers the `osprey` import alias (see pipelines/loader). */
export const OSPREY_ALIAS = new URL('../loader/register.mjs', import.meta.url).href;

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
  /** The module a function step imports (TypeScript or JavaScript); null for a command step. */
  module: string | null;
  cwd: string;
  logPath: string;
  timeoutMs: number | null;
  /** Aborting it kills the step's process group (cancellation). */
  signal?: AbortSignal;
}): Promise<StepExit> {
  const args = [...stepNodeArgs(options.module), options.requestPath];
  const started = performance.now();
  const log = openSync(options.logPath, 'a');
  const child = spawn(process.execPath, args, {
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
  const cancel = () => {
    killGroup('SIGTERM');
    timers.push(setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS));
  };
  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null) => {
      options.signal?.removeEventListener('abort', cancel);
      for (const timer of timers) clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', () => finish(null, null));
    child.on('exit', (code, signal) => finish(code, signal));
  });
}
