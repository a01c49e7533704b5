import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { OspreyError } from '../../core/errors.js';
import { parseParamText } from '../spec/params.js';
import type { ArtifactType, CommandArg, ComponentSpec, JsonValue, Placeholder } from '../spec/types.js';
import { isArtifactType } from '../spec/value-types.js';
import { materialize } from './artifact-files.js';
import type { StepInputArtifact, StepInputValue, StepRequest } from './step-protocol.js';
import { asArtifact } from './values.js';

/** One attempt's directory: `inputs/` (read-only copies), `outputs/`, `work/` (the cwd), `log.txt`, `result.json`. */
export interface AttemptDirs {
  root: string;
  inputs: string;
  outputs: string;
  work: string;
  log: string;
  result: string;
  request: string;
}

export async function makeAttemptDirs(root: string): Promise<AttemptDirs> {
  const dirs = {
    root,
    inputs: join(root, 'inputs'),
    outputs: join(root, 'outputs'),
    work: join(root, 'work'),
    log: join(root, 'log.txt'),
    result: join(root, 'result.json'),
    request: join(root, 'request.json'),
  };
  for (const dir of [dirs.inputs, dirs.outputs, dirs.work]) await mkdir(dir, { recursive: true });
  return dirs;
}

const artifactUri = (digest: string) => `osprey-artifact:sha256:${digest}`;

/** Copies artifact inputs into `inputs/` (a list: a directory with entries 0, 1, …) and gives each its path. */
async function stepInputs(
  artifacts: ArtifactStore,
  inputs: Record<string, JsonValue>,
  dirs: AttemptDirs,
): Promise<Record<string, StepInputValue>> {
  const result: Record<string, StepInputValue> = {};
  const place = async (value: JsonValue, dest: string): Promise<StepInputArtifact | undefined> => {
    const ref = asArtifact(value);
    if (!ref) return undefined;
    await materialize(artifacts, ref, dest);
    return { type: ref.type, path: dest, uri: artifactUri(ref.digest), digest: ref.digest, metadata: ref.metadata };
  };
  for (const [name, value] of Object.entries(inputs)) {
    const single = await place(value, join(dirs.inputs, name));
    if (single) result[name] = single;
    else if (Array.isArray(value) && value.some((v) => asArtifact(v))) {
      const list: StepInputArtifact[] = [];
      for (const [i, v] of value.entries()) list.push((await place(v, join(dirs.inputs, name, String(i))))!);
      result[name] = list;
    } else result[name] = value;
  }
  return result;
}

/** The request for one attempt of `component` with resolved `inputs`. */
export async function buildStepRequest(options: {
  artifacts: ArtifactStore;
  component: ComponentSpec;
  inputs: Record<string, JsonValue>;
  dirs: AttemptDirs;
  baseDir: string;
  run: { id: string; pipeline: string };
  task: { name: string; attempt: number; seed: number };
}): Promise<StepRequest> {
  const { component, dirs } = options;
  const inputs = await stepInputs(options.artifacts, options.inputs, dirs);
  const impl = component.implementation;
  if (impl.kind === 'function') {
    const outputs: Record<string, { type: ArtifactType; path: string; uri: string }> = {};
    for (const [name, o] of Object.entries(component.outputs)) {
      if (!isArtifactType(o.type)) continue;
      const path = join(dirs.outputs, name);
      outputs[name] = { type: o.type, path, uri: pathToFileURL(path).href };
    }
    return {
      kind: 'function',
      module: resolve(options.baseDir, impl.module),
      export: impl.export,
      sourceDigest: impl.sourceDigest,
      inputs,
      outputs,
      run: options.run,
      task: options.task,
      workDir: dirs.work,
      resultPath: dirs.result,
    };
  }
  const fill = (p: Placeholder): string => {
    if ('outputPath' in p) return join(dirs.outputs, p.outputPath);
    const value = inputs['inputPath' in p ? p.inputPath : p.inputValue];
    if ('inputPath' in p) return join(dirs.inputs, p.inputPath);
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const text = (arg: CommandArg): string =>
    typeof arg === 'string'
      ? arg
      : 'concat' in arg
        ? arg.concat.map((a) => (typeof a === 'string' ? a : fill(a))).join('')
        : fill(arg);
  return {
    kind: 'command',
    argv: impl.command.map(text),
    env: Object.fromEntries(Object.entries(impl.env).map(([k, v]) => [k, text(v)])),
    workDir: dirs.work,
  };
}

/** A command step's parameter outputs: the text it wrote at each output path, parsed by type. */
export async function readCommandOutputs(
  component: ComponentSpec,
  dirs: AttemptDirs,
): Promise<Record<string, JsonValue>> {
  const values: Record<string, JsonValue> = {};
  for (const [name, o] of Object.entries(component.outputs)) {
    if (isArtifactType(o.type)) continue;
    const text = await readFile(join(dirs.outputs, name), 'utf8').catch(() => {
      throw new OspreyError('INVALID_ARGUMENT', `the command wrote no value for output '${name}'`);
    });
    values[name] = parseParamText(o.type, o.type === 'string' ? text.replace(/\n$/, '') : text.trim());
  }
  return values;
}
