import type { ArtifactType, JsonValue, ValueType } from '../spec/types.js';

// What the orchestrator hands a step process (a JSON file named on its command line) and what the step hands
// back (a JSON file at `resultPath`). Artifact inputs are already copied, read-only, to local paths.

export interface StepInputArtifact {
  type: ArtifactType;
  path: string;
  uri: string;
  digest: string;
  metadata: { [key: string]: JsonValue };
}
export type StepInputValue = JsonValue | StepInputArtifact | StepInputArtifact[];

export interface FunctionStepRequest {
  kind: 'function';
  /** Absolute path of the module exporting the component. */
  module: string;
  export: string;
  sourceDigest: string;
  inputs: Record<string, StepInputValue>;
  /** Artifact outputs: where the step writes each. */
  outputs: Record<string, { type: ArtifactType; path: string; uri: string }>;
  run: { id: string; pipeline: string };
  /** `seed`: derived from the run's seed and the task path, so a reproduction draws the same numbers. */
  task: { name: string; attempt: number; seed: number };
  workDir: string;
  resultPath: string;
}

export interface CommandStepRequest {
  kind: 'command';
  argv: string[];
  env: Record<string, string>;
  workDir: string;
}

export type StepRequest = FunctionStepRequest | CommandStepRequest;

export interface StepResult {
  /** Parameter outputs as returned by the function. */
  outputs: Record<string, JsonValue>;
  /** Metadata the step set on each artifact output. */
  metadata: Record<string, { [key: string]: JsonValue }>;
  metrics: { name: string; value: number; step: number | null }[];
  /** Model versions to register once the step has succeeded (the orchestrator does it, in order). */
  registrations: StepRegistration[];
}

export interface StepRegistration {
  model: string;
  /** Which of the step's artifacts: an input or an output, by name. */
  from: { input: string } | { output: string };
  alias: string | null;
  description: string;
  tags: Record<string, string>;
  /** Deploy the version once registered (ModelRegistration.deploy, checked by the step); absent: do not. */
  deploy?: StepDeployment;
}

export interface StepDeployment {
  endpoint: string;
  strategy?: string;
  analysis?: { [key: string]: number };
  approval?: boolean;
}

/** Declared types of a step's parameter outputs (used to check what it returned). */
export type ParameterOutputs = Record<string, ValueType>;
