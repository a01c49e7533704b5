import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sha256Hex } from '../../core/hashing.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import type { ComponentDefinition } from '../dsl/component.js';
import type { CommandArg, Placeholder } from '../spec/types.js';
import { compileFile } from './compile.js';

// The example components do real work on the bundled Seattle weather data. Until the executor exists, these
// tests call each function directly with a minimal context, and run the Python command component through the
// placeholders of its compiled spec — the same contract the executor will implement.

type Step = { definition: ComponentDefinition };
const examples = new URL('../../../examples/', import.meta.url);
const { pickBest, prepare, promote, reject, train } = (await import(new URL('components.js', examples).href)) as Record<
  string,
  Step
>;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-examples-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const artifact = async (path: string) => ({
  type: 'Artifact',
  path,
  uri: pathToFileURL(path).href,
  digest: sha256Hex(await readFile(path)),
  metadata: {},
});

/** Calls a function component with input values, giving each artifact output a fresh path under `dir`. */
async function runStep(component: Step | undefined, step: string, inputs: Record<string, unknown>) {
  const definition = component!.definition;
  assert.equal(definition.kind, 'function');
  const outputs = Object.fromEntries(
    Object.entries(definition.outputs)
      .filter(([, o]) => typeof o.type === 'string' && /^[A-Z]/.test(o.type))
      .map(([name, o]) => {
        const path = join(dir, `${step}.${name}`);
        return [name, { type: o.type, path, uri: pathToFileURL(path).href, metadata: {} as Record<string, unknown> }];
      }),
  );
  const metrics: Record<string, number> = {};
  const registrations: { model: string; artifact: unknown; alias: string | undefined }[] = [];
  const ctx = {
    outputs,
    run: { id: 'test', pipeline: 'examples' },
    task: { name: step, attempt: 1, seed: 0 },
    workDir: dir,
    signal: new AbortController().signal,
    logMetric: async (name: string, value: number) => {
      metrics[name] = value;
    },
    registerModel: (model: string, artifact: unknown, options?: { alias?: string }) => {
      registrations.push({ model, artifact, alias: options?.alias });
    },
  };
  const returned = definition.kind === 'function' ? await definition.fn(inputs, ctx) : undefined;
  return { returned: returned as Record<string, unknown> | undefined, outputs, metrics, registrations };
}

const accuracyOf = async (path: string) => (JSON.parse(await readFile(path, 'utf8')) as { accuracy: number }).accuracy;

describe('example components on the Seattle weather data', () => {
  let clean: string;
  let tsAccuracy: number;

  it('prepare keeps complete days and refuses too few', async () => {
    const raw = await artifact(bundledDataset(SEATTLE_WEATHER));
    const { returned, outputs } = await runStep(prepare, 'prepare', { raw, minRows: 1000 });
    assert.deepEqual(returned, { rows: 1461 });
    assert.equal(outputs.clean!.metadata.dropped, 0);
    clean = outputs.clean!.path;
    assert.equal((await readFile(clean, 'utf8')).trim().split('\n').length, 1462);
    await assert.rejects(
      runStep(prepare, 'prepare-big', { raw, minRows: 5000 }),
      /only 1461 complete days .* need 5000/,
    );
  });

  it('train fits the rain model and measures it on the most recent days', async () => {
    const { outputs, metrics } = await runStep(train, 'train', {
      data: await artifact(clean),
      learningRate: 0.5,
      epochs: 300,
    });
    tsAccuracy = await accuracyOf(outputs.metrics!.path);
    assert.ok(tsAccuracy > 0.8 && tsAccuracy < 0.95, `accuracy ${tsAccuracy}`);
    assert.equal(metrics.accuracy, tsAccuracy);
    assert.equal(JSON.parse(await readFile(outputs.model!.path, 'utf8')).kind, 'osprey-example.rain-logistic/v1');
  });

  it('the Python command component, run through its spec placeholders, trains the same model', async (t) => {
    if (spawnSync('python3', ['--version']).status !== 0) return t.skip('python3 is not installed');
    const spec = await compileFile(fileURLToPath(new URL('python-command.ts', examples)));
    const impl = spec.components['train-python']!.implementation;
    assert.equal(impl.kind, 'command');
    const paths: Record<string, string> = { data: clean };
    const values: Record<string, string> = { learningRate: '0.5', epochs: '300' };
    const fill = (p: Placeholder) =>
      'inputValue' in p
        ? values[p.inputValue]!
        : 'inputPath' in p
          ? paths[p.inputPath]!
          : join(dir, `py.${p.outputPath}`);
    const text = (arg: CommandArg): string =>
      typeof arg === 'string' ? arg : 'concat' in arg ? arg.concat.map(text).join('') : fill(arg);
    const [program, ...args] = impl.kind === 'command' ? impl.command.map(text) : [];
    const run = spawnSync(program!, args, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const pyAccuracy = Number(await readFile(join(dir, 'py.accuracy'), 'utf8'));
    assert.ok(Math.abs(pyAccuracy - tsAccuracy) <= 1 / 292, `python ${pyAccuracy} vs typescript ${tsAccuracy}`);
    assert.equal(await accuracyOf(join(dir, 'py.metrics')), pyAccuracy);
    assert.match(await readFile(join(dir, 'py.report'), 'utf8'), /trained on 1168 days, evaluated on 293/);

    // A TypeScript step promotes the model the Python step wrote: one artifact format across languages.
    const promoted = await runStep(promote, 'promote', {
      model: await artifact(join(dir, 'py.model')),
      metrics: await artifact(join(dir, 'py.metrics')),
    });
    assert.equal(promoted.outputs.release!.metadata.accuracy, pyAccuracy);
    assert.deepEqual(promoted.registrations, [
      { model: 'seattle-rain', artifact: promoted.outputs.release, alias: 'candidate' },
    ]);
    assert.equal(await readFile(promoted.outputs.release!.path, 'utf8'), await readFile(join(dir, 'py.model'), 'utf8'));
  });

  it('pick-best and reject decide from the numbers', async () => {
    const best = await runStep(pickBest, 'pick', { accuracies: [0.8, 0.9, 0.9], learningRates: [1, 0.5, 0.1] });
    assert.deepEqual(best.returned, { learningRate: 0.5, accuracy: 0.9 });
    await assert.rejects(runStep(pickBest, 'pick-bad', { accuracies: [0.8], learningRates: [] }), /as many accuracies/);
    const metrics = join(dir, 'train.metrics');
    const rejected = await runStep(reject, 'reject', { metrics: await artifact(metrics), threshold: 0.99 });
    assert.match(String(rejected.returned?.reason), /^accuracy 0\.\d{4} is below the threshold 0.99$/);
  });
});
