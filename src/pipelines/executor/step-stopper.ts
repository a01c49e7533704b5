import type { ChildProcess } from 'node:child_process';

/** How long a stopped step has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

export interface StepLimits {
  /** null: no time limit. */
  timeoutMs: number | null;
  /** Aborted on cancellation. */
  signal?: AbortSignal | undefined;
}

/**
 * Stops a step when it exceeds its time limit or its run is cancelled: `stop('SIGTERM')` at once, then
 * `stop('SIGKILL')` after a grace period. `done()` disarms it; `timedOut()` says whether the limit was reached.
 */
export function stopOnLimits(
  limits: StepLimits,
  stop: (signal: NodeJS.Signals) => void,
): { timedOut: () => boolean; done: () => void } {
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  const halt = () => {
    stop('SIGTERM');
    timers.push(setTimeout(() => stop('SIGKILL'), KILL_GRACE_MS));
  };
  if (limits.timeoutMs !== null)
    timers.push(
      setTimeout(() => {
        timedOut = true;
        halt();
      }, limits.timeoutMs),
    );
  if (limits.signal?.aborted) halt();
  else limits.signal?.addEventListener('abort', halt, { once: true });
  return {
    timedOut: () => timedOut,
    done: () => {
      limits.signal?.removeEventListener('abort', halt);
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

/** Sends `signal` to the process group `child` leads (steps run detached, as group leaders). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
