import type { AnalysisPolicy } from '../../serving/traffic/canary-analysis.js';
import type { DeploymentStrategy } from '../../store/deployments.js';
import type { ArtifactType, JsonValue } from '../spec/types.js';
import type { ArtifactClass, OutputDecls, TypeOf, ValueOf } from './types.js';

// What a function component sees when it runs. The executor implements these interfaces in the step's process;
// the DSL only declares them, so defining a pipeline does no I/O.

/** An artifact handed to a step, read-only. */
export interface InputArtifact<K extends ArtifactType = ArtifactType> {
  readonly type: K;
  /** A local path (file or directory) holding the content. */
  readonly path: string;
  /** Where the artifact is stored (for lineage and logs). */
  readonly uri: string;
  /** SHA-256 of the content. */
  readonly digest: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

/** An artifact the step must produce: write a file or directory at `path`; `metadata` is recorded with it. */
export interface OutputArtifact<K extends ArtifactType = ArtifactType> {
  readonly type: K;
  readonly path: string;
  readonly uri: string;
  readonly metadata: Record<string, JsonValue>;
}

type ArtifactOutputKeys<O> = { [K in keyof O]: TypeOf<O[K]> extends ArtifactClass ? K : never }[keyof O];
type ParameterOutputKeys<O> = { [K in keyof O]: TypeOf<O[K]> extends ArtifactClass ? never : K }[keyof O];

export interface ComponentContext<O extends OutputDecls = OutputDecls> {
  /** One entry per artifact output. Metrics outputs are JSON objects of numbers: `{ "accuracy": 0.93 }`. */
  readonly outputs: {
    readonly [K in ArtifactOutputKeys<O>]: OutputArtifact<TypeOf<O[K]> extends ArtifactClass<infer A> ? A : never>;
  };
  readonly run: { readonly id: string; readonly pipeline: string };
  /**
   * The task's name (its path inside loops and sub-pipelines), the attempt number (from 1), and a seed for the
   * step's randomness: derived from the run's seed and the task path, the same when the run is reproduced.
   */
  readonly task: { readonly name: string; readonly attempt: number; readonly seed: number };
  /** A fresh directory for scratch files, removed after the step. */
  readonly workDir: string;
  /** Aborted on cancellation or timeout: pass it to long operations. */
  readonly signal: AbortSignal;
  /** Records a metric on the step's tracking run (MLflow-compatible), optionally at a step number. */
  logMetric(name: string, value: number, step?: number): Promise<void>;
  /**
   * Registers `model` (one of this step's input artifacts or artifact outputs) as a new version of the registered
   * model `name` once the step has succeeded, linked to the step's tracking run; `alias` is then moved to it.
   */
  registerModel(name: string, model: InputArtifact | OutputArtifact, options?: ModelRegistration): void;
}

export interface ModelRegistration {
  /** An alias to point at the new version (e.g. `champion`). */
  alias?: string;
  description?: string;
  tags?: Record<string, string>;
  /**
   * Deploys the new version once it is registered (the orchestrator does it, once, however often the step is
   * retried): the first deployment of `endpoint` makes it the champion (alias `champion`); a later one makes it the
   * challenger, tried by `strategy` (default `direct`: it replaces the champion at once). The step run gets the tag
   * `osprey.deployed.<endpoint>` = `<version> <phase>`.
   */
  deploy?: ModelDeployment;
}

export interface ModelDeployment {
  endpoint: string;
  strategy?: DeploymentStrategy;
  /** Overrides of the rollout's analysis thresholds (e.g. `{ minRequests: 500 }`). */
  analysis?: Partial<AnalysisPolicy>;
  /** Promotion waits for `osprey deployments approve`. */
  approval?: boolean;
}

/** What a function component returns: its parameter outputs (nothing when it has none). */
export type ComponentResult<O extends OutputDecls> = [ParameterOutputKeys<O>] extends [never]
  ? // biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` be a component without parameter outputs.
    void | Record<string, never>
  : { readonly [K in ParameterOutputKeys<O>]: ValueOf<TypeOf<O[K]>> };
