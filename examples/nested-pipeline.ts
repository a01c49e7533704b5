// A pipeline used as a component: `prepareAndTrain` is a pipeline of its own (runnable alone), called twice
// inside `compare-rates` as two tasks with their own names, its outputs wired like any task's.
// Shows: nested pipelines, `when(...).otherwise(...)` on a sub-pipeline's metrics, a boolean parameter.
import { Dataset, pipeline, when } from '../src/pipelines/dsl/index.js';
import { prepare, promote, train } from './components.js';

export const prepareAndTrain = pipeline(
  { name: 'prepare-and-train', params: { data: Dataset, learningRate: 'number' } },
  ({ data, learningRate }) => {
    const prepared = prepare({ raw: data });
    const trained = train({ data: prepared.outputs.clean, learningRate });
    return { model: trained.outputs.model, metrics: trained.outputs.metrics };
  },
);

export default pipeline(
  { name: 'compare-rates', params: { data: Dataset, publish: { type: 'boolean', default: true } } },
  ({ data, publish }) => {
    const fast = prepareAndTrain({ data, learningRate: 1 }, { name: 'fast' });
    const slow = prepareAndTrain({ data, learningRate: 0.05 }, { name: 'slow' });
    const better = when(
      fast.outputs.metrics.get('accuracy').gte(slow.outputs.metrics.get('accuracy')),
      () => fast,
    ).otherwise(() => slow);
    when(publish, () => promote({ model: better.outputs.model, metrics: better.outputs.metrics }), {
      name: 'maybe-publish',
    });
  },
);
