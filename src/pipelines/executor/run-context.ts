import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { PipelineRunRecord, PipelineRunRepository } from '../../store/pipelines.js';
import type { JsonValue, PipelineSpec } from '../spec/types.js';
import type { ContainerEngine } from './container.js';
import type { RunTracking } from './run-tracking.js';
import type { Semaphore } from './semaphore.js';
import type { StepWorkers } from './step-workers.js';

/** What every part of one run's execution shares. */
export interface RunContext {
  readonly runId: string;
  /** The run as recorded when this execution started. */
  readonly run: PipelineRunRecord;
  readonly spec: PipelineSpec;
  readonly runs: PipelineRunRepository;
  readonly artifacts: ArtifactStore;
  /** Step directories live under `<workRoot>/<runId>/`. */
  readonly workRoot: string;
  /** Component modules are resolved from here. */
  readonly baseDir: string;
  /** Limits the step processes running at once. */
  readonly slots: Semaphore;
  /** Tracking runs of the pipeline run and its steps; model registrations. */
  readonly tracking: RunTracking;
  /** The engine steps run in with the container runner; null with the process runner. */
  readonly engine: ContainerEngine | null;
  /** Reused step processes, when the executor reuses them; null: a process per step. */
  readonly workers: StepWorkers | null;
  /** Aborted when the run is cancelled: no task starts any more and running steps are killed. */
  readonly cancelled: AbortSignal;
  /** False when reproducing a run: steps run, but models are not registered again. */
  readonly sideEffects: boolean;
}

/** A definition's failure state: once a task fails, no new task starts in it. */
export class FrameState {
  failed = false;
  readonly failedTasks: string[] = [];

  fail(path: string): void {
    this.failed = true;
    this.failedTasks.push(path);
  }
}

/** Outputs of the tasks visible from one place, and the loop items and parameters in force there. */
export class Scope {
  readonly #outputs = new Map<string, Record<string, JsonValue>>();
  readonly #items = new Map<string, JsonValue>();

  constructor(
    readonly params: Record<string, JsonValue>,
    /** Prefix of task paths in this scope: '' at the root, `grid[2]/`, `fast/`. */
    readonly prefix: string,
    readonly parent?: Scope,
    /** In an exit handler: how the main tasks ended. */
    readonly run?: { status: string; failedTasks: string[] },
  ) {}

  child(prefix = this.prefix): Scope {
    return new Scope(this.params, prefix, this, this.run);
  }

  withItem(loop: string, item: JsonValue, prefix: string): Scope {
    const scope = this.child(prefix);
    scope.#items.set(loop, item);
    return scope;
  }

  setOutputs(task: string, outputs: Record<string, JsonValue>): void {
    this.#outputs.set(task, outputs);
  }

  outputsOf(task: string): Record<string, JsonValue> | undefined {
    return this.#outputs.get(task) ?? this.parent?.outputsOf(task);
  }

  itemOf(loop: string): JsonValue | undefined {
    return this.#items.has(loop) ? this.#items.get(loop) : this.parent?.itemOf(loop);
  }
}
