// Pipelines over ./steps.ts for the executor's tests: a chain with a fan-out loop (crash and resume), a
// retried step, a step that times out, an exit handler that records how the run ended, and seeded versus
// unseeded randomness (what `reproduce` tells apart).
import { collect, forEach, Model, onExit, pipeline } from '../../src/pipelines/dsl/index.js';
import { countBytes, draw, extend, flaky, greet, measure, stuck, work } from './steps.js';

export const chain = pipeline(
  { name: 'chain', params: { markers: 'string', sleepMs: { type: 'number', default: 200 } } },
  ({ markers, sleepMs }) => {
    const first = work({ markers, label: 'first', sleepMs, previous: '' }, { name: 'first' });
    const fan = forEach(
      ['a', 'b', 'c'],
      (label) => {
        const step = work({ markers, label, sleepMs, previous: first.outputs.text }, { name: 'fan-step' });
        return { text: step.outputs.text };
      },
      { parallelism: 2, name: 'fan' },
    );
    const joined = extend({ markers, label: 'joined', source: first.outputs.out }, { name: 'joined' }).after(fan);
    const last = work(
      { markers, label: 'last', sleepMs, previous: joined.outputs.text },
      { name: 'last', cache: false },
    );
    return { text: last.outputs.text, fan: collect(fan.outputs.text) };
  },
);

export const retried = pipeline(
  { name: 'retried', params: { markers: 'string', failures: 'number' } },
  ({ markers, failures }) => {
    const step = flaky({ markers, failures });
    return { executions: step.outputs.executions };
  },
);

export const timesOut = pipeline({ name: 'times-out', params: { markers: 'string' } }, ({ markers }) => {
  stuck({ markers });
  onExit((run) => work({ markers, label: 'exit', previous: run.status }, { name: 'on-exit' }));
});

export const randomness = pipeline({ name: 'randomness' }, () => {
  const seeded = draw({ seeded: true }, { name: 'seeded' });
  draw({ seeded: false }, { name: 'noisy' }).after(seeded);
});

export const containerized = pipeline({ name: 'containerized', params: { name: 'string' } }, ({ name }) => {
  const greeting = greet({ name });
  const count = countBytes({ text: greeting.outputs.greeting });
  return { length: greeting.outputs.length, bytes: count.outputs.bytes };
});

export const measured = pipeline({ name: 'measured', params: { model: Model } }, ({ model }) => ({
  bytes: measure({ model }).outputs.bytes,
}));
