// Small components for compiler tests. Exported, as every function component must be: the executor loads
// each one from its module by export name.
import { Artifact, component, Dataset, Metrics, Model } from '../../dsl/index.js';

export const load = component(
  { name: 'load', inputs: { source: 'string' }, outputs: { data: Dataset, rows: 'number' } },
  async () => ({ rows: 0 }),
);

export const fit = component(
  {
    name: 'fit',
    inputs: { data: Dataset, rate: { type: 'number', default: 0.1 } },
    outputs: { model: Model, metrics: Metrics },
    retry: { attempts: 2, backoffMs: 500 },
    cache: true,
  },
  async () => {},
);

export const score = component(
  { name: 'score', inputs: { model: Model }, outputs: { value: 'number', label: 'string' } },
  async () => ({ value: 1, label: 'good' }),
);

export const summarize = component(
  { name: 'summarize', inputs: { values: ['number'] }, outputs: { best: 'number' } },
  ({ values }) => ({ best: Math.max(...values) }),
);

export const echo = component({ name: 'echo', inputs: { text: 'string' } }, async () => {});

export const archive = component({ name: 'archive', inputs: { files: [Artifact] } }, async () => {});

/** The same component under two export names: the spec must pick one deterministically (not `default`). */
export const fitAlias = fit;
export default fit;
