import { pathToFileURL } from 'node:url';
import type { FunctionComponentDefinition } from '../dsl/component.js';
import type { ModelRegistration } from '../dsl/context.js';
import type { JsonValue } from '../spec/types.js';
import { checkDeployment } from './model-deployment.js';
import type { FunctionStepRequest, StepRegistration, StepResult } from './step-protocol.js';

/**
 * The component `exportName` of `module`, checked to be the code that was compiled: a function whose source digest
 * is `sourceDigest` (a changed function is refused, never run under an old cache key).
 */
export async function loadFunctionComponent(
  module: string,
  exportName: string,
  sourceDigest: string,
): Promise<FunctionComponentDefinition> {
  // Loaded here, not at the top: a command step's process does without the DSL.
  const [{ componentDefinitionOf }, digests] = await Promise.all([
    import('../dsl/component.js'),
    import('../spec/digest.js'),
  ]);
  const namespace = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
  const definition = componentDefinitionOf(namespace[exportName]);
  if (definition?.kind !== 'function') throw new Error(`${module} exports no function component named '${exportName}'`);
  const digest = digests.sourceDigest(definition.fn.toString());
  if (digest !== sourceDigest)
    throw new Error(
      `the code of component '${definition.name}' changed since the pipeline was compiled ` +
        `(source digest ${digest.slice(0, 12)}, compiled ${sourceDigest.slice(0, 12)}): compile it again`,
    );
  return definition;
}

/** Calls a function component with the request's inputs and a context; returns what the step produced. */
export async function runFunctionStep(
  request: FunctionStepRequest,
  definition: FunctionComponentDefinition,
): Promise<StepResult> {
  const outputs = Object.fromEntries(
    Object.entries(request.outputs).map(([name, o]) => [name, { ...o, metadata: {} as Record<string, JsonValue> }]),
  );
  const metrics: StepResult['metrics'] = [];
  const registrations: StepResult['registrations'] = [];
  const ctx = {
    outputs,
    run: request.run,
    task: request.task,
    workDir: request.workDir,
    signal: new AbortController().signal,
    async logMetric(name: string, value: number, step?: number) {
      metrics.push({ name, value, step: step ?? null });
      console.log(`metric ${name}=${value}${step === undefined ? '' : ` step=${step}`}`);
    },
    registerModel(model: string, artifact: unknown, options: ModelRegistration = {}) {
      // Checked here, so a bad request fails the step before anything is registered.
      const deploy = options.deploy === undefined ? undefined : checkDeployment(model, options.deploy);
      registrations.push({
        model,
        from: artifactName(request, outputs, artifact),
        alias: options.alias ?? null,
        description: options.description ?? '',
        tags: options.tags ?? {},
        ...(deploy ? { deploy } : {}),
      });
      console.log(
        `register model ${model}${options.alias ? ` as @${options.alias}` : ''}` +
          `${deploy ? ` and deploy it to ${deploy.endpoint} (${deploy.strategy ?? 'direct'})` : ''} after the step`,
      );
    },
  };
  const returned = (await definition.fn(request.inputs, ctx)) as Record<string, JsonValue> | undefined;
  const metadata = Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.metadata]));
  return { outputs: returned ?? {}, metadata, metrics, registrations };
}

/** Which input or output `artifact` is (the object the step was handed). */
function artifactName(
  request: FunctionStepRequest,
  outputs: Record<string, unknown>,
  artifact: unknown,
): StepRegistration['from'] {
  for (const [name, value] of Object.entries(request.inputs)) if (value === artifact) return { input: name };
  for (const [name, value] of Object.entries(outputs)) if (value === artifact) return { output: name };
  throw new Error('registerModel: pass one of the artifacts the step was given (an input or ctx.outputs.<name>)');
}
