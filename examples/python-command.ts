// A step in another language: a Python script run as a command component in its declared image, its argv built
// from placeholders for input values and for the paths of input and output files. A TypeScript step then
// promotes the model it wrote. The script's text is part of the command, so editing it changes the digest.
// Shows: `commandComponent({ name, image, command })`, placeholders, env, an `Artifact` output.
import { readFileSync } from 'node:fs';
import { Artifact, commandComponent, Dataset, Metrics, Model, pipeline, when } from '../src/pipelines/dsl/index.js';
import { prepare, promote } from './components.js';

const script = readFileSync(new URL('./python/train_rain.py', import.meta.url), 'utf8');

export const trainPython = commandComponent({
  name: 'train-python',
  description: 'Trains the rain model with the Python standard library.',
  image: 'python:3.12-slim',
  inputs: { data: Dataset, learningRate: 'number', epochs: { type: 'number', default: 300 } },
  outputs: { model: Model, metrics: Metrics, accuracy: 'number', report: Artifact },
  command: ({ inputs, outputs }) => [
    'python3',
    '-c',
    script,
    '--data',
    inputs.data.path,
    `--learning-rate=${inputs.learningRate}`,
    '--epochs',
    inputs.epochs,
    '--model',
    outputs.model.path,
    '--metrics',
    outputs.metrics.path,
    '--accuracy',
    outputs.accuracy.path,
    '--report',
    outputs.report.path,
  ],
  env: { PYTHONUNBUFFERED: '1' },
  retry: { attempts: 2, backoffMs: 2000 },
  timeoutMs: 600_000,
  cache: true,
});

export default pipeline(
  { name: 'train-python', params: { data: Dataset, threshold: { type: 'number', default: 0.8 } } },
  ({ data, threshold }) => {
    const prepared = prepare({ raw: data });
    const trained = trainPython({ data: prepared.outputs.clean, learningRate: 0.5 });
    when(trained.outputs.accuracy.gte(threshold), () =>
      promote({ model: trained.outputs.model, metrics: trained.outputs.metrics }),
    );
    return { report: trained.outputs.report };
  },
);
