// Components of the gated training pipeline (./gated-pipeline.ts): a time split into training data and one
// holdout, an evaluation that both the candidate and the champion go through on that holdout, and a registration
// that records the gate's decision on the new model version. Each is exported: the executor loads it by name.
import { readFile, writeFile } from 'node:fs/promises';
import { gateTags, HOLDOUT_METADATA, parseGateReport } from '../src/pipelines/components/index.js';
import { Artifact, component, Dataset, Metrics, Model } from '../src/pipelines/dsl/index.js';
import { evaluateRainModel, parseWeatherCsv, type RainModel, splitByTime, toWeatherCsv } from './lib/weather.js';

/** The oldest 80 % of days for training, the newest 20 % as the holdout every model is judged on. */
export const split = component(
  {
    name: 'split',
    description: 'Splits the days by time: the oldest 80 % to train on, the newest 20 % as the holdout.',
    inputs: { data: Dataset },
    outputs: { train: Dataset, holdout: Dataset, holdoutRows: 'number' },
    cache: true,
  },
  async ({ data }, ctx) => {
    const { train, test } = splitByTime(parseWeatherCsv(await readFile(data.path, 'utf8')).days);
    await writeFile(ctx.outputs.train.path, toWeatherCsv(train));
    await writeFile(ctx.outputs.holdout.path, toWeatherCsv(test));
    ctx.outputs.holdout.metadata.from = test[0]?.date ?? '';
    ctx.outputs.holdout.metadata.to = test.at(-1)?.date ?? '';
    return { holdoutRows: test.length };
  },
);

/**
 * Evaluates a rain model on a holdout: `{ "accuracy": …, "log_loss": … }`. The metrics carry the holdout's digest
 * (HOLDOUT_METADATA), so the gate can tell that a candidate and a champion were judged on the same days.
 */
export const evaluate = component(
  {
    name: 'evaluate',
    inputs: { model: Model, holdout: Dataset },
    outputs: { metrics: Metrics },
    cache: true,
  },
  async ({ model, holdout }, ctx) => {
    const parsed = JSON.parse(await readFile(model.path, 'utf8')) as RainModel;
    if (parsed.kind !== 'osprey-example.rain-logistic/v1') throw new Error(`not a rain model: ${parsed.kind}`);
    const { days } = parseWeatherCsv(await readFile(holdout.path, 'utf8'));
    if (days.length === 0) throw new Error('the holdout has no complete days');
    const { accuracy, logLoss } = evaluateRainModel(parsed, days);
    await writeFile(ctx.outputs.metrics.path, JSON.stringify({ accuracy, log_loss: logLoss }));
    ctx.outputs.metrics.metadata[HOLDOUT_METADATA] = holdout.digest;
    await ctx.logMetric('accuracy', accuracy);
    await ctx.logMetric('log_loss', logLoss);
  },
);

/**
 * Registers a model that passed its gate as a new version of `name` (alias `alias`), with the gate's decision in
 * the version's tags (`osprey.gate.passed`, `osprey.gate.report`, `osprey.gate.report.digest`) and its holdout
 * metrics as `metric.<name>` tags. Refuses a report that did not pass: registration requires the gate.
 */
export const register = component(
  {
    name: 'register',
    inputs: { model: Model, metrics: Metrics, gateReport: Artifact, name: 'string', alias: 'string' },
  },
  async ({ model, metrics, gateReport, name, alias }, ctx) => {
    const report = parseGateReport(await readFile(gateReport.path, 'utf8'));
    if (!report.passed) throw new Error(`the gate did not pass, so ${name} is not registered: ${report.summary}`);
    const values = JSON.parse(await readFile(metrics.path, 'utf8')) as Record<string, number>;
    ctx.registerModel(name, model, {
      alias,
      description: `rain model from the gated-weather pipeline; gate ${report.summary}`,
      tags: {
        ...gateTags(report, gateReport.digest),
        ...Object.fromEntries(Object.entries(values).map(([metric, value]) => [`metric.${metric}`, String(value)])),
      },
    });
  },
);
