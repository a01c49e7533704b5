// The pipeline compiler: DSL pipeline → spec (osprey.pipeline/v1), and spec → Argo Workflow manifest.

export { ARGO_DEFAULTS, type ArgoOptions, argoYaml, compileArgo, toArgoWorkflow } from './argo/workflow.js';
export { type CompileOptions, compile, compileFile } from './compile.js';
