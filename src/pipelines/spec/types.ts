/**
 * The pipeline spec, `osprey.pipeline/v1`: the versioned, deterministic JSON that the compiler writes and the
 * executor reads — the only contract between them. README.md beside this file states what each construct means
 * at run time. Objects are compared and digested through canonical JSON (sorted keys), so key order never matters.
 */
export const PIPELINE_SPEC_VERSION = 'osprey.pipeline/v1';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const PARAMETER_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export const ARTIFACT_TYPES = ['Dataset', 'Model', 'Metrics', 'Artifact'] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];
/** `{ "list": T }`: a list of values (for parameters, a JSON array; for artifacts, several artifacts). */
export interface ListType {
  list: ValueType;
}
export type ValueType = ParameterType | ArtifactType | ListType;

/** The root of a spec: a pipeline definition plus every component and sub-pipeline it uses, by name. */
export interface PipelineSpec extends PipelineDefinition {
  apiVersion: typeof PIPELINE_SPEC_VERSION;
  components: Record<string, ComponentSpec>;
  /** Pipelines called as tasks (`kind: 'pipeline'`), at any depth, by name. */
  pipelines: Record<string, PipelineDefinition>;
}

/** A frame: parameters in, a graph of tasks, outputs out. The root and every sub-pipeline have this shape. */
export interface PipelineDefinition {
  name: string;
  description?: string;
  params: Record<string, ParamSpec>;
  outputs: Record<string, OutputBindingSpec>;
  /** The main graph, in a topological order. */
  tasks: TaskSpec[];
  /** Runs after `tasks` end in any state (succeeded, failed, cancelled); may use params, constants and `run`. */
  exitHandler: TaskSpec[];
}

export interface ParamSpec {
  type: ValueType;
  /** Absent: the parameter is required. Artifact parameters take a reference string (dataset `name@version`, URI). */
  default?: JsonValue;
  description?: string;
}

export interface OutputBindingSpec {
  type: ValueType;
  from: Binding;
}

export interface ComponentSpec {
  name: string;
  description?: string;
  /** SHA-256 of this component's canonical JSON without `digest`: covers interface, code digest, image, command. */
  digest: string;
  inputs: Record<string, { type: ValueType; default?: JsonValue; description?: string }>;
  outputs: Record<string, { type: ValueType; description?: string }>;
  implementation: FunctionImplementation | CommandImplementation;
}

/** A TypeScript/JavaScript function, loaded again in the step's own process. */
export interface FunctionImplementation {
  kind: 'function';
  /** POSIX path of the module exporting the component, relative to the compile base directory. */
  module: string;
  /** The export name under which that module exports the component (`default` for a default export). */
  export: string;
  /** SHA-256 of the function's source text as the runtime sees it: a code change changes it. */
  sourceDigest: string;
  /** The image to run the function in (container and Argo runners); absent: the runner's default. */
  image?: string;
}

/** A program in any language, run in `image`, with its argv built from placeholders. */
export interface CommandImplementation {
  kind: 'command';
  image: string;
  command: CommandArg[];
  env: Record<string, CommandArg>;
}

/**
 * `inputValue`: a parameter input's value as text (numbers and booleans as JSON, strings raw, json/lists as JSON);
 * `inputPath`: where an artifact input is readable (for a list of artifacts, a directory with entries 0, 1, …);
 * `outputPath`: where the program writes an output — an artifact (file or directory) or a parameter value as text.
 */
export type Placeholder = { inputValue: string } | { inputPath: string } | { outputPath: string };
export type CommandArg = string | Placeholder | { concat: (string | Placeholder)[] };

export type TaskSpec = ComponentTaskSpec | ConditionTaskSpec | LoopTaskSpec | PipelineTaskSpec;

interface TaskBase {
  /** Unique within its pipeline definition (across all nesting levels). */
  name: string;
  /** Sibling tasks (same list) that must have finished before this one starts. */
  dependsOn: string[];
}

export interface ComponentTaskSpec extends TaskBase {
  kind: 'component';
  component: string;
  /** One binding for every input the component declares (defaults already filled in as constants). */
  inputs: Record<string, Binding>;
  retry: RetryPolicy;
  /** Per attempt; null: no limit. */
  timeoutMs: number | null;
  cache: boolean;
}

export interface ConditionTaskSpec extends TaskBase {
  kind: 'condition';
  if: Predicate;
  /** Run when `if` holds. */
  whenTrue: TaskSpec[];
  /** Run when it does not. */
  whenFalse: TaskSpec[];
  /** Values from whichever branch ran; only present when both branches provide them. */
  outputs: Record<string, { type: ValueType; whenTrue: Binding; whenFalse: Binding }>;
}

export interface LoopTaskSpec extends TaskBase {
  kind: 'loop';
  /** A JSON list; each element is one iteration's `{ from: 'item' }`. */
  items: Binding;
  itemType: ValueType;
  /** Iterations running at once; null: no limit of the loop's own. */
  parallelism: number | null;
  /** One iteration's graph. */
  tasks: TaskSpec[];
  /** Fan-in: `from` (resolved inside each iteration) collected in item order; `type` is `{ list: … }`. */
  outputs: Record<string, { type: ValueType; from: Binding }>;
}

export interface PipelineTaskSpec extends TaskBase {
  kind: 'pipeline';
  /** A key of `PipelineSpec.pipelines`. */
  pipeline: string;
  /** One binding for every parameter of that pipeline (defaults filled in as constants). */
  inputs: Record<string, Binding>;
}

/**
 * Where a value comes from. With `path`, the value is looked up inside the source (a JSON value, or the JSON
 * content of a Metrics artifact) and must have type `type`.
 */
export type Binding = ConstantBinding | ParamBinding | TaskOutputBinding | ItemBinding | RunBinding;
export type JsonPath = (string | number)[];

export interface ConstantBinding {
  from: 'constant';
  value: JsonValue;
}
/** A parameter of the enclosing pipeline definition. */
export interface ParamBinding {
  from: 'param';
  name: string;
  path?: JsonPath;
  type?: ValueType;
}
/** An output of a task in the same task list or an enclosing one (within the same iteration for loops). */
export interface TaskOutputBinding {
  from: 'task';
  task: string;
  output: string;
  path?: JsonPath;
  type?: ValueType;
}
/** The current element of an enclosing loop. */
export interface ItemBinding {
  from: 'item';
  loop: string;
  path?: JsonPath;
  type?: ValueType;
}
/** Run facts, only in an exit handler: `status` is succeeded | failed | cancelled; `failedTasks` a list of names. */
export interface RunBinding {
  from: 'run';
  field: 'status' | 'failedTasks';
}

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
/** Conditions as data: comparisons of two bindings (ordering only on numbers; eq/ne by JSON value), combined. */
export type Predicate =
  | { op: ComparisonOp; left: Binding; right: Binding }
  | { op: 'and'; all: Predicate[] }
  | { op: 'or'; any: Predicate[] }
  | { op: 'not'; predicate: Predicate };

/**
 * Up to `attempts` attempts in all; before attempt n+1 wait min(backoffMs × factor^(n−1), maxBackoffMs).
 */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 1,
  backoffMs: 1000,
  factor: 2,
  maxBackoffMs: 300_000,
});

/** Names of pipelines, components, tasks, parameters, inputs and outputs. */
export const SPEC_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
