// The training pipeline of the issue: prepare → train → gate on accuracy → promote or reject, with a profile of
// the data recorded first and a notification that always runs at the end.
// Shows: parameters with defaults, Dataset/Model/Metrics/Artifact artifacts, retry/timeout/cache (in
// ./components.ts), `.after`, `when(metric.gt(param)).otherwise(...)` and `onExit`.
import { Dataset, onExit, pipeline, when } from '../src/pipelines/dsl/index.js';
import { notify, prepare, profile, promote, reject, train } from './components.js';

export default pipeline(
  {
    name: 'train-weather',
    description: 'Trains the rain model on Seattle weather and promotes it when it is accurate enough.',
    params: {
      data: { type: Dataset, default: 'seattle-weather', description: 'The weather dataset version to train on.' },
      threshold: { type: 'number', default: 0.85, description: 'The accuracy a model needs to be promoted.' },
      learningRate: { type: 'number', default: 0.5 },
    },
  },
  ({ data, threshold, learningRate }) => {
    const summary = profile({ data });
    const prepared = prepare({ raw: data, minRows: 1000 }).after(summary);
    const trained = train({ data: prepared.outputs.clean, learningRate });
    when(trained.outputs.metrics.get('accuracy').gt(threshold), () => {
      promote({ model: trained.outputs.model, metrics: trained.outputs.metrics });
    }).otherwise(() => {
      reject({ metrics: trained.outputs.metrics, threshold });
    });
    onExit((run) => notify({ pipeline: 'train-weather', status: run.status, failedTasks: run.failedTasks }));
    return { model: trained.outputs.model, rows: prepared.outputs.rows };
  },
);
