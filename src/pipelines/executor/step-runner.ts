// The entry of one step's process: `node [--import tsx] step-runner.ts REQUEST.json`. A function step imports
// its component's module, checks the code is what was compiled, and calls it; a command step runs its program.
// The process leads its own process group: when the orchestrator dies, the step notices and kills the group,
// so no orphan keeps running while a resumed run retries the step.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { ModelRegistration } from '../dsl/context.js';
import type { JsonValue } from '../spec/types.js';
import type {
  CommandStepRequest,
  FunctionStepRequest,
  StepRegistration,
  StepRequest,
  StepResult,
} from './step-protocol.js';

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(-process.pid, 'SIGKILL');
}, 200).unref();

async function runFunction(request: FunctionStepRequest): Promise<void> {
  // Loaded here, not at the top: a command step's process does without the DSL.
  const [{ componentDefinitionOf }, { sourceDigest }] = await Promise.all([
    import('../dsl/component.js'),
    import('../spec/digest.js'),
  ]);
  const namespace = (await import(pathToFileURL(request.module).href)) as Record<string, unknown>;
  const definition = componentDefinitionOf(namespace[request.export]);
  if (definition?.kind !== 'function')
    throw new Error(`${request.module} exports no function component named '${request.export}'`);
  const digest = sourceDigest(definition.fn.toString());
  if (digest !== request.sourceDigest)
    throw new Error(
      `the code of component '${definition.name}' changed since the pipeline was compiled ` +
        `(source digest ${digest.slice(0, 12)}, compiled ${request.sourceDigest.slice(0, 12)}): compile it again`,
    );
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
      registrations.push({
        model,
        from: artifactName(request, outputs, artifact),
        alias: options.alias ?? null,
        description: options.description ?? '',
        tags: options.tags ?? {},
      });
      console.log(`register model ${model}${options.alias ? ` as @${options.alias}` : ''} after the step`);
    },
  };
  const returned = (await definition.fn(request.inputs, ctx)) as Record<string, JsonValue> | undefined;
  const metadata = Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.metadata]));
  const result: StepResult = { outputs: returned ?? {}, metadata, metrics, registrations };
  await writeFile(request.resultPath, JSON.stringify(result));
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

function runCommand(request: CommandStepRequest): Promise<number> {
  const [program, ...args] = request.argv;
  if (program === undefined) throw new Error('the command is empty');
  const child = spawn(program, args, {
    cwd: request.workDir,
    stdio: 'inherit',
    env: { ...process.env, ...request.env },
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`cannot start ${program}: ${error.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const requestPath = process.argv[2];
try {
  if (!requestPath) throw new Error('usage: step-runner REQUEST.json');
  const request = JSON.parse(await readFile(requestPath, 'utf8')) as StepRequest;
  if (request.kind === 'function') await runFunction(request);
  else process.exitCode = await runCommand(request);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
process.exit();
