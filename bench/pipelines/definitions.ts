// Pipelines of the pipeline benchmark (bench/pipelines.ts), built at a chosen size.
import { collect, forEach, pipeline } from '../../src/pipelines/dsl/index.js';
import { gather, noop } from './steps.js';

/** `steps` no-op steps, each consuming the previous one's output. */
export function chainPipeline(steps: number) {
  return pipeline({ name: `bench-chain-${steps}`, params: {} }, () => {
    let previous = noop({ n: 0 }, { name: 'step-0' });
    for (let i = 1; i < steps; i++) previous = noop({ n: previous.outputs.n }, { name: `step-${i}` });
    return { n: previous.outputs.n };
  });
}

/** One source step, `tasks` no-op steps fanned out from it, one step collecting them all. */
export function fanOutPipeline(tasks: number) {
  const items = Array.from({ length: tasks }, (_, i) => i);
  return pipeline({ name: `bench-fan-${tasks}`, params: {} }, () => {
    const source = noop({ n: 0 }, { name: 'source' });
    const fan = forEach(
      items,
      (item) => {
        const step = noop({ n: item }, { name: 'fan-step' }).after(source);
        return { n: step.outputs.n };
      },
      { name: 'fan' },
    );
    const joined = gather({ values: collect(fan.outputs.n) }, { name: 'fan-in' });
    return { count: joined.outputs.count };
  });
}
