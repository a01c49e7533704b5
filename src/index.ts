// The public API of the `osprey` package.

export type { ArtifactStore } from './artifacts/artifact-store.js';
export { httpTransport, MlflowClient, RunLogger } from './client/index.js';
export { type ErrorCode, OspreyError } from './core/errors.js';
export { DatasetService } from './data/datasets.js';
export type { ColumnProfile, DatasetProfile } from './data/profile.js';
export { compile, compileArgo, compileFile, toArgoWorkflow } from './pipelines/compiler/index.js';
export type { GateCheck, GatePolicy, GateReport } from './pipelines/components/index.js';
export {
  championGate,
  GATE_TAGS,
  gate,
  gateTags,
  HOLDOUT_METADATA,
  validateData,
} from './pipelines/components/index.js';
export type {
  ComponentContext,
  InputArtifact,
  OutputArtifact,
  Pipeline,
  Task,
} from './pipelines/dsl/index.js';
export {
  Artifact,
  collect,
  commandComponent,
  component,
  Dataset,
  forEach,
  Metrics,
  Model,
  onExit,
  pipeline,
  when,
} from './pipelines/dsl/index.js';
export type { PipelineSpec } from './pipelines/spec/types.js';
export type { DatasetRecord, DatasetVersionRecord, MetadataStore } from './store/metadata-store.js';
