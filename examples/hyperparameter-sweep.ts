// A learning-rate sweep: one training per grid point, at most two at a time, then fan-in to pick the best
// setting, a final training with it, and a choice between that model and a baseline.
// Shows: `forEach(items, fn, { parallelism })` over objects (`point.get('learningRate')`), `collect()`,
// branch outputs with `when(...).otherwise(...)` comparing two task outputs, and per-task options.
import { collect, Dataset, forEach, pipeline, when } from '../src/pipelines/dsl/index.js';
import { pickBest, prepare, promote, train } from './components.js';

const grid = [
  { learningRate: 2, epochs: 100 },
  { learningRate: 0.5, epochs: 200 },
  { learningRate: 0.1, epochs: 400 },
  { learningRate: 0.02, epochs: 400 },
];

export default pipeline(
  { name: 'sweep-weather', params: { data: Dataset, baselineRate: { type: 'number', default: 0.1 } } },
  ({ data, baselineRate }) => {
    const prepared = prepare({ raw: data, minRows: 1000 });
    const sweep = forEach(
      grid,
      (point) => {
        const trial = train({
          data: prepared.outputs.clean,
          learningRate: point.get('learningRate'),
          epochs: point.get('epochs'),
        });
        return { accuracy: trial.outputs.metrics.get('accuracy'), learningRate: point.get('learningRate') };
      },
      { parallelism: 2, name: 'grid' },
    );
    const best = pickBest({
      accuracies: collect(sweep.outputs.accuracy),
      learningRates: collect(sweep.outputs.learningRate),
    });
    const tuned = train(
      { data: prepared.outputs.clean, learningRate: best.outputs.learningRate, epochs: 800 },
      { name: 'train-tuned', retry: { attempts: 2, backoffMs: 5000 }, timeoutMs: 900_000 },
    );
    const baseline = train({ data: prepared.outputs.clean, learningRate: baselineRate }, { name: 'train-baseline' });
    const chosen = when(
      tuned.outputs.metrics.get('accuracy').gte(baseline.outputs.metrics.get('accuracy')),
      () => tuned,
      { name: 'tuned-or-baseline' },
    ).otherwise(() => baseline);
    promote({ model: chosen.outputs.model, metrics: chosen.outputs.metrics });
  },
);
