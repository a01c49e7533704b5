// The pipeline DSL: define components and pipelines in TypeScript. Defining does no I/O; the compiler turns a
// pipeline into the spec (../spec) and the executor runs it.
export type { CommandComponentOptions, CommandIO, CommandPart, PathPlaceholder, Placeholder } from './command.js';
export { commandComponent } from './command.js';
export type {
  CommandComponentDefinition,
  Component,
  ComponentDefinition,
  ComponentFunction,
  ComponentOptions,
  FunctionComponentDefinition,
  PolicyOptions,
  RetryOptions,
  TaskOptions,
} from './component.js';
export { component, componentDefinitionOf } from './component.js';
export type { ComponentContext, ComponentResult, InputArtifact, OutputArtifact } from './context.js';
export type { Branches, Loop, LoopOptions, RunRefs, When } from './control.js';
export { collect, forEach, onExit, when } from './control.js';
export type { ParamRefs, Pipeline, PipelineDefinitionDsl, PipelineOptions } from './pipeline.js';
export { pipeline, pipelineDefinitionOf } from './pipeline.js';
export type {
  BooleanRef,
  Condition,
  FieldsRef,
  ItemRef,
  JsonRef,
  MetricsRef,
  NumberRef,
  Ref,
  RefBase,
  StringRef,
} from './refs.js';
export type { ArtifactClass, InputDecl, OutputDecl, TypeSpec } from './types.js';
export { Artifact, Dataset, Metrics, Model } from './types.js';
export type { Iterated, Node, Task } from './wiring.js';
