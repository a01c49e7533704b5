// Components of the continuous-training pipeline (./weather-ct-pipeline.ts): a time split, training with Osprey's
// own ONNX-exporting trainers (src/ml), an evaluation in ONNX Runtime that the candidate and the champion both go
// through on the same holdout, and a registration that records the gate's decision and asks the orchestrator to
// deploy the new version. Each is exported: the executor loads it by name.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  ALGORITHMS,
  accuracy,
  logLoss,
  parseSeattleWeatherCsv,
  train,
  WEATHER_FEATURES,
  type WeatherDay,
  weatherFeatures,
} from '../src/ml/index.js';
import { gateTags, HOLDOUT_METADATA, parseGateReport } from '../src/pipelines/components/index.js';
import { Artifact, component, Dataset, Metrics, Model } from '../src/pipelines/dsl/index.js';
import { DEPLOYMENT_STRATEGIES, type DeploymentStrategy } from '../src/store/deployments.js';

/**
 * What a model predicts from a day's `weather`. `wet`: rain or snow against sun, fog and drizzle — the dataset
 * records 0 mm of precipitation on every drizzle day, so a drizzle label is not a measured wet day. `weather`: the
 * five classes as recorded.
 */
export const TARGETS: Record<string, (weather: string) => string> = {
  wet: (weather) => (weather === 'rain' || weather === 'snow' ? 'wet' : 'dry'),
  weather: (weather) => weather,
};

/** The sidecar of `model.onnx` in a Model artifact: what the evaluation needs to feed and score it. */
export interface OnnxModelCard {
  kind: 'osprey-example.weather-onnx/v1';
  target: string;
  algorithm: string;
  /** The model's input columns, in order. */
  featureNames: string[];
  /** The columns of its `probabilities` output, in order. */
  classes: string[];
}

const MODEL_FILE = 'model.onnx';
const CARD_FILE = 'model.json';

function targetOf(target: string): (weather: string) => string {
  const label = Object.hasOwn(TARGETS, target) ? TARGETS[target] : undefined;
  if (!label) throw new Error(`target ${JSON.stringify(target)}: use ${Object.keys(TARGETS).join(' or ')}`);
  return label;
}

async function readDays(path: string): Promise<WeatherDay[]> {
  const days = parseSeattleWeatherCsv(await readFile(path, 'utf8'));
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function toCsv(days: readonly WeatherDay[]): string {
  const lines = days.map((d) => [d.date, d.precipitation, d.temp_max, d.temp_min, d.wind, d.weather].join(','));
  return `date,precipitation,temp_max,temp_min,wind,weather\n${lines.join('\n')}\n`;
}

/** The oldest 80 % of days for training, the newest 20 % as the holdout every model is judged on. */
export const splitByTime = component(
  {
    name: 'split-by-time',
    description: 'Splits the days by date: the oldest 80 % to train on, the newest 20 % as the holdout.',
    inputs: { data: Dataset },
    outputs: { train: Dataset, holdout: Dataset, trainRows: 'number', holdoutRows: 'number' },
    cache: true,
  },
  async ({ data }, ctx) => {
    const days = await readDays(data.path);
    const cut = Math.floor(days.length * 0.8);
    const [trainDays, holdout] = [days.slice(0, cut), days.slice(cut)];
    if (trainDays.length === 0 || holdout.length === 0)
      throw new Error(`${days.length} days are too few to split into training days and a holdout`);
    await writeFile(ctx.outputs.train.path, toCsv(trainDays));
    await writeFile(ctx.outputs.holdout.path, toCsv(holdout));
    Object.assign(ctx.outputs.holdout.metadata, { from: holdout[0]!.date, to: holdout.at(-1)!.date });
    Object.assign(ctx.outputs.train.metadata, { from: trainDays[0]!.date, to: trainDays.at(-1)!.date });
    return { trainRows: trainDays.length, holdoutRows: holdout.length };
  },
);

/** Trains a classifier of `target` with src/ml and writes it as ONNX (`model.onnx`) with its card (`model.json`). */
export const trainOnnx = component(
  {
    name: 'train-onnx',
    description: "Trains a classifier with Osprey's trainers and exports it to ONNX.",
    inputs: { data: Dataset, target: 'string', algorithm: { type: 'string', default: 'gradient-boosting' } },
    outputs: { model: Model },
    cache: true,
  },
  async ({ data, target, algorithm }, ctx) => {
    const label = targetOf(target);
    if (!(ALGORITHMS as readonly string[]).includes(algorithm))
      throw new Error(`algorithm ${JSON.stringify(algorithm)}: use ${ALGORITHMS.join(' or ')}`);
    const days = await readDays(data.path);
    const model = train(
      {
        features: days.map(weatherFeatures),
        featureNames: WEATHER_FEATURES,
        labels: days.map((d) => label(d.weather)),
      },
      { algorithm, seed: ctx.task.seed } as Parameters<typeof train>[1],
    );
    const card: OnnxModelCard = {
      kind: 'osprey-example.weather-onnx/v1',
      target,
      algorithm,
      featureNames: [...model.featureNames],
      classes: [...model.classes],
    };
    await mkdir(ctx.outputs.model.path, { recursive: true });
    await writeFile(join(ctx.outputs.model.path, MODEL_FILE), model.toOnnx());
    await writeFile(join(ctx.outputs.model.path, CARD_FILE), `${JSON.stringify(card, null, 2)}\n`);
    Object.assign(ctx.outputs.model.metadata, { ...card, rows: days.length });
    console.log(`trained ${algorithm} on ${days.length} days: ${target} ∈ {${card.classes.join(', ')}}`);
  },
);

/**
 * Evaluates an ONNX model (a Model artifact holding model.onnx and model.json) in ONNX Runtime on a holdout:
 * `{ "accuracy": …, "log_loss": … }`, carrying the holdout's digest (HOLDOUT_METADATA) so the gate can tell that
 * the candidate and the champion were judged on the same days. Refuses a model of another target or features.
 */
export const evaluateOnnx = component(
  {
    name: 'evaluate',
    inputs: { model: Model, holdout: Dataset, target: 'string' },
    outputs: { metrics: Metrics },
    cache: true,
  },
  async ({ model, holdout, target }, ctx) => {
    const card = JSON.parse(await readFile(join(model.path, CARD_FILE), 'utf8')) as OnnxModelCard;
    if (card.kind !== 'osprey-example.weather-onnx/v1') throw new Error(`not a weather ONNX model: ${card.kind}`);
    if (card.target !== target)
      throw new Error(`the model predicts '${card.target}', this pipeline's target is '${target}': not comparable`);
    if (JSON.stringify(card.featureNames) !== JSON.stringify(WEATHER_FEATURES))
      throw new Error(`the model's features ${card.featureNames.join(', ')} are not ${WEATHER_FEATURES.join(', ')}`);
    const days = await readDays(holdout.path);
    const label = targetOf(target);
    const actual = days.map((d) => label(d.weather));
    const features = Float32Array.from(days.flatMap(weatherFeatures));
    const session = await ort.InferenceSession.create(await readFile(join(model.path, MODEL_FILE)), {
      logSeverityLevel: 3,
    });
    let predicted: string[];
    let probabilities: Float32Array;
    try {
      const input = new ort.Tensor('float32', features, [days.length, card.featureNames.length]);
      const out = await session.run({ features: input });
      predicted = out.label!.data as string[];
      probabilities = out.probabilities!.data as Float32Array;
    } finally {
      await session.release();
    }
    const metrics = { accuracy: accuracy(actual, predicted), log_loss: logLoss(actual, probabilities, card.classes) };
    await writeFile(ctx.outputs.metrics.path, JSON.stringify(metrics));
    ctx.outputs.metrics.metadata[HOLDOUT_METADATA] = holdout.digest;
    await ctx.logMetric('accuracy', metrics.accuracy);
    await ctx.logMetric('log_loss', metrics.log_loss);
  },
);

/**
 * Registers a model that passed its gate as a new version of `name`, with the gate's decision in the version's
 * tags (`osprey.gate.*`), its holdout metrics (`metric.<name>`) and its input columns (`osprey.feature_names`, a
 * JSON array in input order), and asks the orchestrator to deploy it to `endpoint` by `strategy`: the first
 * version becomes the endpoint's champion, a later one its challenger. Refuses a report that did not pass.
 */
export const registerAndDeploy = component(
  {
    name: 'register',
    inputs: {
      model: Model,
      metrics: Metrics,
      gateReport: Artifact,
      name: 'string',
      endpoint: 'string',
      strategy: 'string',
      analysis: 'json',
    },
  },
  async ({ model, metrics, gateReport, name, endpoint, strategy, analysis }, ctx) => {
    const report = parseGateReport(await readFile(gateReport.path, 'utf8'));
    if (!report.passed) throw new Error(`the gate did not pass, so ${name} is not registered: ${report.summary}`);
    if (!(DEPLOYMENT_STRATEGIES as readonly string[]).includes(strategy))
      throw new Error(`strategy ${JSON.stringify(strategy)}: use ${DEPLOYMENT_STRATEGIES.join(', ')}`);
    const card = JSON.parse(await readFile(join(model.path, CARD_FILE), 'utf8')) as OnnxModelCard;
    const values = JSON.parse(await readFile(metrics.path, 'utf8')) as Record<string, number>;
    ctx.registerModel(name, model, {
      description: `${card.algorithm} classifier of ${card.target} (ONNX) from weather-ct; gate ${report.summary}`,
      tags: {
        ...gateTags(report, gateReport.digest),
        ...Object.fromEntries(Object.entries(values).map(([metric, value]) => [`metric.${metric}`, String(value)])),
        'osprey.feature_names': JSON.stringify(card.featureNames),
        'osprey.target': card.target,
      },
      deploy: { endpoint, strategy: strategy as DeploymentStrategy, analysis: analysis as Record<string, number> },
    });
  },
);
