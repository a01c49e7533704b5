import { stringify } from 'yaml';
import { invalidArgument } from '../../../core/errors.js';
import { specDigest } from '../../spec/digest.js';
import type { Binding, JsonValue, PipelineSpec } from '../../spec/types.js';
import { isArtifactType } from '../../spec/value-types.js';
import { bindingLabel } from '../../spec/walk.js';
import type { ArgoTargetOptions } from './containers.js';
import { type ArgoValue, argument, jsonPathValue, type Level, parameterText, unsupported } from './levels.js';
import type { ArgoArguments, ArgoArtifact, ArgoParameter, ArgoWorkflow } from './manifest.js';
import { toArgoName } from './names.js';
import { TemplateBuilder } from './templates.js';

export interface ArgoOptions extends Partial<ArgoTargetOptions> {
  namespace?: string;
  serviceAccountName?: string;
}

/** Where function steps run inside an image: the compile base directory copied to /app, run by `osprey step`. */
export const ARGO_DEFAULTS: ArgoTargetOptions = { codeDir: '/app', stepCommand: ['osprey', 'step'] };

/**
 * An Argo Workflow that runs the pipeline on Kubernetes, each step in its declared image (function components
 * in `image`, via `osprey step`, which loads the component by module and export as the process runner does).
 * Pipeline params are workflow arguments; artifacts move through the cluster's artifact repository.
 */
export function toArgoWorkflow(spec: PipelineSpec, options: ArgoOptions = {}): ArgoWorkflow {
  const { namespace, serviceAccountName, ...target } = options;
  const builder = new TemplateBuilder(spec, { ...ARGO_DEFAULTS, ...definedOnly(target) });
  const root = builder.pipeline(spec);
  const parameters: ArgoParameter[] = [];
  const artifacts: ArgoArtifact[] = [];
  for (const [name, param] of Object.entries(spec.params)) {
    if (isArtifactType(param.type)) artifacts.push({ name, ...artifactLocation(param.default) });
    else parameters.push({ name, ...(param.default === undefined ? {} : { value: parameterText(param.default) }) });
  }
  const args = { ...(parameters.length > 0 ? { parameters } : {}), ...(artifacts.length > 0 ? { artifacts } : {}) };
  const exit = root.exit
    ? { hooks: { exit: { template: root.exit.template, ...rootExitArguments(root.exit.level) } } }
    : {};
  const workflow: ArgoWorkflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${toArgoName(spec.name)}-`,
      ...(namespace === undefined ? {} : { namespace }),
      annotations: { 'osprey.dev/pipeline': spec.name, 'osprey.dev/spec-digest': specDigest(spec) },
    },
    spec: {
      entrypoint: root.template,
      ...(serviceAccountName === undefined ? {} : { serviceAccountName }),
      ...(parameters.length > 0 || artifacts.length > 0 ? { arguments: args } : {}),
      ...exit,
      templates: builder.templates,
    },
  };
  return JSON.parse(JSON.stringify(workflow)) as ArgoWorkflow; // plain data, undefined fields dropped
}

/** The manifest as YAML: no anchors or aliases, no folded lines, so it reads and diffs plainly. */
export function argoYaml(workflow: ArgoWorkflow): string {
  return stringify(workflow, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/** `osprey compile --target argo`: the spec as an Argo Workflow manifest in YAML. */
export function compileArgo(spec: PipelineSpec, options: ArgoOptions = {}): string {
  return argoYaml(toArgoWorkflow(spec, options));
}

/** An artifact parameter's default reference as an Argo artifact location (s3://, gs://, http(s)://, or a key). */
function artifactLocation(reference: JsonValue | undefined): Partial<ArgoArtifact> {
  if (typeof reference !== 'string') return {};
  const match = /^(s3|gs):\/\/([^/]+)\/(.+)$/.exec(reference);
  if (match)
    return match[1] === 's3'
      ? { s3: { bucket: match[2]!, key: match[3]! } }
      : { gcs: { bucket: match[2]!, key: match[3]! } };
  if (/^https?:\/\//.test(reference)) return { http: { url: reference } };
  return { s3: { key: reference } };
}

/** The root exit handler's arguments: params from the workflow's, run facts from the workflow's status. */
function rootExitArguments(exit: Level): { arguments?: ArgoArguments } {
  const entries = [...exit.inputs.values()].map(({ name, binding, kind }) => {
    if (kind === 'artifact') throw unsupported(exit.where, `the artifact ${bindingLabel(binding)}`);
    if (binding.from === 'run') {
      const value = binding.field === 'status' ? '{{=sprig.lower(workflow.status)}}' : '{{workflow.failures}}';
      return { parameter: { name, value } };
    }
    return argument(name, workflowValue(binding, exit.where));
  });
  const parameters = entries.flatMap((e) => (e.parameter ? [e.parameter] : []));
  return parameters.length > 0 ? { arguments: { parameters } } : {};
}

function workflowValue(binding: Binding, where: string): ArgoValue {
  if (binding.from !== 'param') throw invalidArgument(`${where}: unexpected ${bindingLabel(binding)}`);
  const value: ArgoValue = {
    kind: 'parameter',
    expr: `workflow.parameters['${binding.name}']`,
    text: `{{workflow.parameters.${binding.name}}}`,
  };
  return binding.path ? jsonPathValue(value, binding.path) : value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
