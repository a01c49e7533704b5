import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StepExit } from './launch.js';
import { nodeArgsFor } from './launch.js';
import { KILL_GRACE_MS, killGroup, stopOnLimits } from './step-stopper.js';
import type { WorkerReply, WorkerTask } from './step-worker.js';

const WORKER = fileURLToPath(
  new URL(`./step-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  steps: number;
  /** Settles the step running in it when the process exits early (crash, kill). */
  onExit: ((exit: { code: number | null; signal: string | null }) => void) | undefined;
}

/**
 * Reused step processes for one run (`reuseProcesses`): a step is handed to an idle process, which runs it in the
 * step's own directory with its output going to the step's log, and reports its exit status. Starting Node costs
 * ~100 ms of CPU on a small machine, which dominates fine-grained pipelines; a reused process pays it once.
 * A process that fails a step, is killed (timeout, cancellation) or has run `maxSteps` steps is not reused.
 * The trade: steps of one run share a process's module cache and globals (each gets its environment and
 * working directory restored), so a component that leaves global state behind can affect a later step.
 */
export class StepWorkers {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  #closed = false;

  constructor(
    /** Whether the processes need TypeScript support (running from source, or TypeScript component modules). */
    private readonly modules: readonly (string | null)[],
    private readonly maxSteps = 200,
  ) {}

  /** Runs the step described by `requestPath` in a reused process; resolves like `launchStep`. */
  async run(options: {
    requestPath: string;
    cwd: string;
    logPath: string;
    timeoutMs: number | null;
    signal?: AbortSignal;
  }): Promise<StepExit> {
    const started = performance.now();
    const worker = this.#idle.pop() ?? this.#start();
    await worker.ready;
    const limits = stopOnLimits(options, (signal) => killGroup(worker.child, signal));
    const outcome = await new Promise<{ code: number | null; signal: string | null; alive: boolean }>((resolve) => {
      worker.onExit = (exit) => resolve({ ...exit, alive: false });
      worker.child.once('message', (reply: WorkerReply) =>
        resolve({ code: reply.exitCode, signal: null, alive: true }),
      );
      const task: WorkerTask = { requestPath: options.requestPath, logPath: options.logPath, cwd: options.cwd };
      worker.child.send(task);
    });
    limits.done();
    const timedOut = limits.timedOut();
    worker.onExit = undefined;
    worker.steps++;
    const reusable = outcome.alive && outcome.code === 0 && !timedOut && worker.steps < this.maxSteps;
    if (reusable && !this.#closed) this.#idle.push(worker);
    else this.#retire(worker);
    return {
      exitCode: outcome.code,
      signal: outcome.signal,
      timedOut,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Ends every process (idle ones at once; a busy one after its step). */
  close(): void {
    this.#closed = true;
    for (const worker of this.#idle.splice(0)) this.#retire(worker);
  }

  #start(): Worker {
    const child = spawn(process.execPath, [...nodeArgsFor(WORKER, this.modules), WORKER], {
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const worker: Worker = {
      child,
      steps: 0,
      onExit: undefined,
      ready: new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`the step process exited while starting (code ${code})`)));
      }),
    };
    child.on('exit', (code, signal) => {
      this.#all.delete(worker);
      const index = this.#idle.indexOf(worker);
      if (index >= 0) this.#idle.splice(index, 1);
      worker.onExit?.({ code, signal });
    });
    this.#all.add(worker);
    return worker;
  }

  #retire(worker: Worker): void {
    if (worker.child.connected) worker.child.disconnect();
    const timer = setTimeout(() => killGroup(worker.child, 'SIGKILL'), KILL_GRACE_MS);
    timer.unref();
    worker.child.once('exit', () => clearTimeout(timer));
  }
}
