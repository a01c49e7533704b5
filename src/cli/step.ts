import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { errorMessage, invalidArgument } from '../core/errors.js';
import type { FunctionStepRequest, StepInputValue, StepRequest } from '../pipelines/executor/step-protocol.js';
import type { ArtifactType, JsonValue, ValueType } from '../pipelines/spec/types.js';
import { printLines } from './output.js';
import { loadTypeScriptFor } from './run-starter.js';

interface StepOptions {
  request?: string;
  module?: string;
  export?: string;
  sourceDigest?: string;
  param?: string[];
  artifact?: string[];
  output?: string[];
}

/**
 * `osprey step`: runs one step without an orchestrator. Two forms:
 * - `--request FILE`: a step request written by the orchestrator (what the container runner starts in the image);
 * - `--module M --export E --source-digest D --param k=v --artifact k=PATH --output k=PATH`: what the Argo
 *   manifest's containers run. Parameters are parsed by the component's declared types; parameter outputs are
 *   written to their `--output` paths (a string as is, anything else as JSON), where Argo reads them.
 */
export function registerStepCommand(program: Command): void {
  program
    .command('step')
    .description('run one pipeline step in this process (used inside containers: Argo pods, the container runner)')
    .option('--request <file>', 'a step request written by the orchestrator')
    .option('--module <path>', 'the module exporting the component (relative to the working directory)')
    .option('--export <name>', 'the export name of the component')
    .option('--source-digest <digest>', 'the compiled source digest: the step refuses changed code')
    .option('--param <k=v...>', 'parameter inputs')
    .option('--artifact <k=path...>', 'artifact inputs: a file or directory')
    .option('--output <k=path...>', 'where each output goes')
    .action(async (opts: StepOptions) => {
      if (opts.request) return runRequestFile(opts.request);
      return runFromFlags(opts);
    });
}

async function runRequestFile(path: string): Promise<void> {
  const request = JSON.parse(await readFile(path, 'utf8')) as StepRequest;
  if (request.kind === 'command') {
    const { runCommandStep } = await import('../pipelines/executor/command-step.js');
    process.exitCode = await runCommandStep(request);
    return;
  }
  await loadTypeScriptFor(request.module);
  const { loadFunctionComponent, runFunctionStep } = await import('../pipelines/executor/function-step.js');
  const definition = await loadFunctionComponent(request.module, request.export, request.sourceDigest);
  await writeFile(request.resultPath, JSON.stringify(await runFunctionStep(request, definition)));
}

async function runFromFlags(opts: StepOptions): Promise<void> {
  if (!opts.module || !opts.export || !opts.sourceDigest)
    throw invalidArgument('osprey step needs --request FILE, or --module, --export and --source-digest');
  const module = resolve(opts.module);
  await loadTypeScriptFor(module);
  const [{ loadFunctionComponent, runFunctionStep }, { contentDigest }, { isArtifactType, valueProblem }] =
    await Promise.all([
      import('../pipelines/executor/function-step.js'),
      import('../pipelines/executor/artifact-files.js'),
      import('../pipelines/spec/value-types.js'),
    ]);
  const definition = await loadFunctionComponent(module, opts.export, opts.sourceDigest);
  const params = pairs(opts.param, '--param');
  const artifacts = pairs(opts.artifact, '--artifact');
  const outputPaths = pairs(opts.output, '--output');
  const inputs: Record<string, StepInputValue> = {};
  for (const [name, info] of Object.entries(definition.inputs)) {
    if (isArtifactType(info.type)) {
      const path = artifacts.get(name);
      if (path === undefined) throw invalidArgument(`input '${name}': give it as --artifact ${name}=PATH`);
      const at = resolve(path);
      inputs[name] = {
        type: info.type,
        path: at,
        uri: pathToFileURL(at).href,
        digest: await contentDigest(at).catch((error: unknown) => {
          throw invalidArgument(`input '${name}': ${errorMessage(error)}`);
        }),
        metadata: {},
      };
      continue;
    }
    const raw = params.get(name);
    const value = raw === undefined ? info.default : parseParam(name, info.type, raw);
    if (value === undefined) throw invalidArgument(`input '${name}': give it as --param ${name}=VALUE`);
    const problem = valueProblem(info.type, value);
    if (problem !== null) throw invalidArgument(`input '${name}' ${problem}`);
    inputs[name] = value;
  }
  const outputs: FunctionStepRequest['outputs'] = {};
  for (const [name, info] of Object.entries(definition.outputs)) {
    if (!isArtifactType(info.type)) continue;
    const path = outputPaths.get(name);
    if (path === undefined) throw invalidArgument(`output '${name}': give it as --output ${name}=PATH`);
    outputs[name] = { type: info.type as ArtifactType, path: resolve(path), uri: pathToFileURL(resolve(path)).href };
  }
  const workDir = await mkdtemp(join(tmpdir(), 'osprey-step-'));
  try {
    const result = await runFunctionStep(
      {
        kind: 'function',
        module,
        export: opts.export,
        sourceDigest: opts.sourceDigest,
        inputs,
        outputs,
        run: { id: process.env.OSPREY_RUN_ID ?? 'standalone', pipeline: process.env.OSPREY_PIPELINE ?? '' },
        task: { name: opts.export, attempt: 1, seed: Number(process.env.OSPREY_SEED ?? 0) },
        workDir,
        resultPath: join(workDir, 'result.json'),
      },
      definition,
    );
    for (const [name, info] of Object.entries(definition.outputs)) {
      if (isArtifactType(info.type)) continue;
      const value = result.outputs[name];
      const problem = value === undefined ? 'was not returned' : valueProblem(info.type, value);
      if (problem !== null) throw new Error(`output '${name}' ${problem}`);
      const path = outputPaths.get(name);
      if (path !== undefined) await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
      else printLines(`output ${name}=${JSON.stringify(value)}`);
    }
    if (result.registrations.length > 0)
      printLines(
        `note: registerModel (${result.registrations.map((r) => r.model).join(', ')}) is performed by the Osprey ` +
          'orchestrator; a step run by osprey step registers nothing',
      );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function pairs(list: string[] | undefined, flag: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of list ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalidArgument(`${flag} ${JSON.stringify(pair)}: write it as name=value`);
    map.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return map;
}

/** A parameter's text by its declared type: strings as is, numbers and booleans strictly, the rest as JSON. */
function parseParam(name: string, type: ValueType, raw: string): JsonValue {
  if (type === 'string') return raw;
  if (type === 'number') {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw invalidArgument(`input '${name}': ${raw} is not a number`);
    return value;
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw invalidArgument(`input '${name}': ${raw} is not true or false`);
    return raw === 'true';
  }
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    throw invalidArgument(`input '${name}': ${JSON.stringify(raw.slice(0, 40))} is not JSON`);
  }
}
