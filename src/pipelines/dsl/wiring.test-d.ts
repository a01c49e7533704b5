// Type-level tests, checked by `npx tsc -p tsconfig.json --noEmit` (not run): each `@ts-expect-error` line must
// fail to type-check — if TypeScript ever accepts one, tsc reports the unused directive. The other lines must pass.
import { commandComponent } from './command.js';
import { component } from './component.js';
import { collect, forEach, onExit, when } from './control.js';
import { pipeline } from './pipeline.js';
import { Artifact, Dataset, Metrics, Model } from './types.js';

const prepare = component(
  {
    name: 'prepare',
    inputs: { raw: Dataset, minRows: { type: 'number', default: 10 } },
    outputs: { clean: Dataset, rows: 'number' },
  },
  async ({ raw, minRows }, ctx) => {
    const path: string = raw.path;
    const min: number = minRows;
    const out: string = ctx.outputs.clean.path;
    // @ts-expect-error parameter outputs are returned, not written through ctx.outputs
    ctx.outputs.rows;
    return { rows: path.length + min + out.length };
  },
);

// @ts-expect-error a function must return its parameter outputs
component({ name: 'bad-return', outputs: { rows: 'number' } }, async () => ({}));
// @ts-expect-error parameter outputs have their declared type
component({ name: 'bad-type', outputs: { rows: 'number' } }, async () => ({ rows: 'many' }));
// @ts-expect-error a default must have the input's type
component({ name: 'bad-default', inputs: { n: { type: 'number', default: 'ten' } } }, async () => {});
// @ts-expect-error components cannot output lists of artifacts
component({ name: 'bad-output', outputs: { models: [Model] } }, async () => {});

const train = component(
  { name: 'train', inputs: { data: Dataset, lr: 'number' }, outputs: { model: Model, metrics: Metrics } },
  async () => {},
);
const anyArtifact = component({ name: 'any', inputs: { file: Artifact, config: 'json' } }, async () => {});
const pick = component(
  { name: 'pick', inputs: { scores: ['number'], models: [Model] }, outputs: { best: 'number' } },
  () => ({
    best: 0,
  }),
);
const notify = component({ name: 'notify', inputs: { status: 'string' } }, async () => {});

export const typed = pipeline(
  { name: 'typed', params: { data: Dataset, threshold: { type: 'number', default: 0.5 }, rates: ['number'] } },
  ({ data, threshold, rates }) => {
    const p = prepare({ raw: data });
    // @ts-expect-error unknown output
    p.outputs.nope;
    // @ts-expect-error a Dataset output wired into a number input
    train({ data: p.outputs.clean, lr: p.outputs.clean });
    // @ts-expect-error a number output wired into a Dataset input
    train({ data: p.outputs.rows, lr: 0.1 });
    // @ts-expect-error a missing required input
    train({ data: p.outputs.clean });
    // @ts-expect-error an unknown input
    train({ data: p.outputs.clean, lr: 0.1, epochs: 3 });
    // @ts-expect-error a string constant for a number input
    train({ data: p.outputs.clean, lr: '0.1' });
    // @ts-expect-error a constant cannot be an artifact
    train({ data: 'weather.csv', lr: 0.1 });

    const t = train({ data: p.outputs.clean, lr: threshold }).after(p);
    anyArtifact({ file: t.outputs.model, config: { depth: 3 } });
    anyArtifact({ file: p.outputs.clean, config: p.outputs.rows });
    // @ts-expect-error Artifact accepts artifacts, not parameters
    anyArtifact({ file: p.outputs.rows, config: 1 });

    when(t.outputs.metrics.get('accuracy').gt(threshold), () => notify({ status: 'good' }));
    // @ts-expect-error only Metrics artifacts have .get
    t.outputs.model.get('accuracy');
    // @ts-expect-error ordering compares numbers
    when(p.outputs.rows.gt('many'), () => {});

    const sweep = forEach(rates, (lr) => train({ data: p.outputs.clean, lr }), { parallelism: 2 });
    // @ts-expect-error a per-iteration value must be collected first
    pick({ scores: sweep.outputs.metrics, models: sweep.outputs.model });
    const grid = forEach([{ lr: 0.1, tag: 'a' }], (item) => {
      const lr = item.get('lr');
      // @ts-expect-error the field 'tag' is a string, not a number
      train({ data: p.outputs.clean, lr: item.get('tag') });
      // @ts-expect-error no such field
      item.get('depth');
      return { accuracy: train({ data: p.outputs.clean, lr }).outputs.metrics.get('accuracy') };
    });
    const best = pick({ scores: collect(grid.outputs.accuracy), models: collect(sweep.outputs.model) });

    const chosen = when(best.outputs.best.gt(0.9), () => train({ data: data, lr: 0.1 })).otherwise(() =>
      train({ data: p.outputs.clean, lr: 0.01 }),
    );
    // @ts-expect-error the otherwise branch must return what the then branch returns
    when(best.outputs.best.gt(0.9), () => ({ m: t.outputs.model })).otherwise(() => ({ m: p.outputs.rows }));
    onExit((run) => notify({ status: run.status }));
    return { model: chosen.outputs.model };
  },
);

const inner = pipeline({ name: 'inner', params: { data: Dataset, lr: 'number' } }, ({ data, lr }) => {
  return { model: train({ data, lr }).outputs.model };
});
pipeline({ name: 'outer', params: { data: Dataset } }, ({ data }) => {
  const sub = inner({ data, lr: 0.1 });
  anyArtifact({ file: sub.outputs.model, config: null });
  // @ts-expect-error the sub-pipeline has no output 'metrics'
  sub.outputs.metrics;
  // @ts-expect-error the sub-pipeline's parameter types apply
  inner({ data, lr: data });
});

commandComponent({
  name: 'python-train',
  image: 'python:3.12-slim',
  inputs: { data: Dataset, lr: 'number' },
  outputs: { model: Model, accuracy: 'number' },
  command: ({ inputs, outputs }) => [
    'python',
    'train.py',
    inputs.data.path,
    `--lr=${inputs.lr}`,
    outputs.model.path,
    outputs.accuracy.path,
    // @ts-expect-error an unknown input
    inputs.epochs,
  ],
});
