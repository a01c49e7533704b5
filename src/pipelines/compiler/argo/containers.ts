import { invalidArgument } from '../../../core/errors.js';
import type { CommandArg, ComponentSpec, ComponentTaskSpec, ValueType } from '../../spec/types.js';
import { formatType, holdsArtifacts, isArtifactType } from '../../spec/value-types.js';
import { splitArguments, unsupported } from './levels.js';
import type { ArgoTemplate } from './manifest.js';

export interface ArgoTargetOptions {
  /** The image of function components that declare none. */
  image?: string;
  /** Where the compile base directory (component module paths are relative to it) sits in the images. */
  codeDir: string;
  /** The argv prefix that runs one function component step inside its image. */
  stepCommand: string[];
}

export const INPUTS_DIR = '/osprey/inputs';
export const OUTPUTS_DIR = '/osprey/outputs';

/**
 * The container template running one component with one task policy: inputs as parameters or files under
 * /osprey/inputs, outputs written under /osprey/outputs (Metrics also read back as a JSON parameter).
 */
export function containerTemplate(
  name: string,
  component: ComponentSpec,
  task: ComponentTaskSpec,
  options: ArgoTargetOptions,
): ArgoTemplate {
  const where = `component '${component.name}'`;
  const template: ArgoTemplate = { name };
  const inputs = Object.entries(component.inputs);
  for (const [name, { type }] of inputs) checkPassable(type, `${where} input '${name}'`);
  template.inputs = splitArguments(
    inputs.map(([name, { type }]) =>
      isArtifactType(type) ? { artifact: { name, path: `${INPUTS_DIR}/${name}` } } : { parameter: { name } },
    ),
  );
  const outputs = Object.entries(component.outputs);
  template.outputs = splitArguments(
    outputs.flatMap(([name, { type }]) => {
      const path = `${OUTPUTS_DIR}/${name}`;
      const parameter = { parameter: { name, valueFrom: { path } } };
      if (!isArtifactType(type)) return [parameter];
      return type === 'Metrics' ? [{ artifact: { name, path } }, parameter] : [{ artifact: { name, path } }];
    }),
  );
  if (!template.outputs.parameters && !template.outputs.artifacts) template.outputs = undefined;
  template.metadata = {
    annotations: { 'osprey.dev/component': component.name, 'osprey.dev/component-digest': component.digest },
  };
  template.container = {
    name: 'main',
    ...container(component, options),
    volumeMounts: [{ name: 'osprey-outputs', mountPath: OUTPUTS_DIR }],
  };
  template.volumes = [{ name: 'osprey-outputs', emptyDir: {} }];
  if (task.retry.attempts > 1) {
    if (!Number.isInteger(task.retry.factor)) {
      throw invalidArgument(`${where}: Argo takes a whole-number retry backoff factor, not ${task.retry.factor}`);
    }
    template.retryStrategy = {
      limit: task.retry.attempts - 1,
      retryPolicy: 'Always',
      backoff: {
        duration: `${task.retry.backoffMs}ms`,
        factor: task.retry.factor,
        cap: `${task.retry.maxBackoffMs}ms`,
      },
    };
  }
  if (task.timeoutMs !== null) template.activeDeadlineSeconds = Math.ceil(task.timeoutMs / 1000);
  return template;
}

function container(component: ComponentSpec, options: ArgoTargetOptions) {
  const impl = component.implementation;
  if (impl.kind === 'command') {
    const env = Object.entries(impl.env).map(([name, arg]) => ({ name, value: commandText(arg) }));
    return { image: impl.image, command: impl.command.map(commandText), ...(env.length > 0 ? { env } : {}) };
  }
  const image = impl.image ?? options.image;
  if (!image) {
    throw invalidArgument(
      `component '${component.name}' declares no image: give it one (component({ image })) or pass a default image`,
    );
  }
  const flags = [
    ...Object.entries(component.inputs).flatMap(([name, { type }]) =>
      isArtifactType(type)
        ? ['--artifact', `${name}=${INPUTS_DIR}/${name}`]
        : ['--param', `${name}={{inputs.parameters.${name}}}`],
    ),
    ...Object.keys(component.outputs).flatMap((name) => ['--output', `${name}=${OUTPUTS_DIR}/${name}`]),
  ];
  const command = [
    ...options.stepCommand,
    ...['--module', impl.module, '--export', impl.export, '--source-digest', impl.sourceDigest],
    ...flags,
  ];
  return { image, command, workingDir: options.codeDir };
}

/** A command argument with placeholders as Argo variables and the fixed input and output paths. */
function commandText(arg: CommandArg): string {
  if (typeof arg === 'string') return arg;
  if ('concat' in arg) return arg.concat.map(commandText).join('');
  if ('inputValue' in arg) return `{{inputs.parameters.${arg.inputValue}}}`;
  if ('inputPath' in arg) return `${INPUTS_DIR}/${arg.inputPath}`;
  return `${OUTPUTS_DIR}/${arg.outputPath}`;
}

function checkPassable(type: ValueType, where: string): void {
  if (holdsArtifacts(type) && !isArtifactType(type)) throw unsupported(where, `a ${formatType(type)} value`);
}
