// Components shared by the example pipelines. Each is exported: the executor runs every step in its own
// process and loads the component from here by its export name.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { Artifact, component, Dataset, Metrics, Model } from '../src/pipelines/dsl/index.js';
import {
  evaluateRainModel,
  FEATURES,
  parseWeatherCsv,
  type RainModel,
  splitByTime,
  toWeatherCsv,
  trainRainModel,
} from './lib/weather.js';

/** Drops incomplete days; fails when fewer than `minRows` remain. Retried: it reads from shared storage. */
export const prepare = component(
  {
    name: 'prepare',
    description: 'Drops days with a missing measurement and fails when too few remain.',
    inputs: { raw: Dataset, minRows: { type: 'number', default: 100 } },
    outputs: { clean: Dataset, rows: 'number' },
    retry: { attempts: 3, backoffMs: 1000 },
    timeoutMs: 600_000,
    cache: true,
  },
  async ({ raw, minRows }, ctx) => {
    const { days, dropped } = parseWeatherCsv(await readFile(raw.path, 'utf8'));
    if (days.length < minRows)
      throw new Error(`only ${days.length} complete days (${dropped} dropped); need ${minRows}`);
    await writeFile(ctx.outputs.clean.path, toWeatherCsv(days));
    ctx.outputs.clean.metadata.dropped = dropped;
    return { rows: days.length };
  },
);

/** A profile of the data (class balance, feature ranges) kept next to the model for later comparison. */
export const profile = component(
  { name: 'profile', inputs: { data: Dataset }, outputs: { summary: Artifact }, cache: true },
  async ({ data }, ctx) => {
    const { days } = parseWeatherCsv(await readFile(data.path, 'utf8'));
    const classes: Record<string, number> = {};
    for (const day of days) classes[day.weather] = (classes[day.weather] ?? 0) + 1;
    const ranges = Object.fromEntries(
      FEATURES.map((f) => [f, { min: Math.min(...days.map((d) => d[f])), max: Math.max(...days.map((d) => d[f])) }]),
    );
    await writeFile(ctx.outputs.summary.path, JSON.stringify({ rows: days.length, classes, ranges }, null, 2));
  },
);

/** Trains the rain model on the oldest 80 % of days and evaluates it on the newest 20 %. */
export const train = component(
  {
    name: 'train',
    inputs: { data: Dataset, learningRate: 'number', epochs: { type: 'number', default: 300 } },
    outputs: { model: Model, metrics: Metrics },
    timeoutMs: 300_000,
    cache: true,
  },
  async ({ data, learningRate, epochs }, ctx) => {
    const { train: past, test: recent } = splitByTime(parseWeatherCsv(await readFile(data.path, 'utf8')).days);
    const model = trainRainModel(past, learningRate, epochs);
    const metrics = evaluateRainModel(model, recent);
    await writeFile(ctx.outputs.model.path, JSON.stringify(model));
    await writeFile(ctx.outputs.metrics.path, JSON.stringify(metrics));
    await ctx.logMetric('accuracy', metrics.accuracy);
  },
);

/**
 * Publishes an approved model: the release artifact carries the accuracy it was approved with, and it becomes a
 * new version of the registered model `seattle-rain` with the alias `candidate` (after the step succeeds).
 */
export const promote = component(
  { name: 'promote', inputs: { model: Model, metrics: Metrics }, outputs: { release: Model } },
  async ({ model, metrics }, ctx) => {
    const parsed = JSON.parse(await readFile(model.path, 'utf8')) as RainModel;
    if (parsed.kind !== 'osprey-example.rain-logistic/v1') throw new Error(`not a rain model: ${parsed.kind}`);
    await copyFile(model.path, ctx.outputs.release.path);
    const { accuracy } = JSON.parse(await readFile(metrics.path, 'utf8')) as { accuracy: number };
    ctx.outputs.release.metadata.accuracy = accuracy;
    ctx.registerModel('seattle-rain', ctx.outputs.release, {
      alias: 'candidate',
      description: 'logistic rain model from the train-weather pipeline',
      tags: { accuracy: String(accuracy) },
    });
  },
);

/** Records why a model was not promoted. */
export const reject = component(
  { name: 'reject', inputs: { metrics: Metrics, threshold: 'number' }, outputs: { reason: 'string' } },
  async ({ metrics, threshold }) => {
    const { accuracy } = JSON.parse(await readFile(metrics.path, 'utf8')) as { accuracy: number };
    return { reason: `accuracy ${accuracy.toFixed(4)} is below the threshold ${threshold}` };
  },
);

/** Picks the learning rate with the best accuracy from a sweep (ties: the first). */
export const pickBest = component(
  {
    name: 'pick-best',
    inputs: { accuracies: ['number'], learningRates: ['number'] },
    outputs: { learningRate: 'number', accuracy: 'number' },
  },
  ({ accuracies, learningRates }) => {
    if (accuracies.length === 0 || accuracies.length !== learningRates.length) {
      throw new Error(
        `expected as many accuracies as learning rates, got ${accuracies.length}/${learningRates.length}`,
      );
    }
    const best = accuracies.indexOf(Math.max(...accuracies));
    return { learningRate: learningRates[best]!, accuracy: accuracies[best]! };
  },
);

/** The exit handler's step: one line with the run's outcome, whatever it was. */
export const notify = component(
  { name: 'notify', inputs: { pipeline: 'string', status: 'string', failedTasks: ['string'] } },
  async ({ pipeline, status, failedTasks }) => {
    const failed = failedTasks.length > 0 ? ` (failed: ${failedTasks.join(', ')})` : '';
    console.log(`pipeline ${pipeline} ${status}${failed}`);
  },
);
