// The no-op step of the pipeline benchmark: it does no work, so a run's wall time is orchestration overhead.
import { component } from '../../src/pipelines/dsl/index.js';

/** Returns its input plus one. */
export const noop = component(
  { name: 'noop', inputs: { n: 'number' }, outputs: { n: 'number' }, cache: false },
  async ({ n }) => ({ n: n + 1 }),
);

/** The fan-in: counts what the fan-out produced. */
export const gather = component(
  { name: 'gather', inputs: { values: ['number'] }, outputs: { count: 'number' }, cache: false },
  async ({ values }) => ({ count: values.length }),
);
