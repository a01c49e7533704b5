import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { killGroup, stopOnLimits } from './step-stopper.js';

const RUNNER = fileURLToPath(
  new URL(`./step-runner${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
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
  const limits = stopOnLimits(options, (signal) => killGroup(child, signal));
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null) => {
      limits.done();
      resolve({ exitCode, signal, timedOut: limits.timedOut(), durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', () => finish(null, null));
    child.on('exit', (code, signal) => finish(code, signal));
  });
}
