import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect, forEach, pipeline, when } from '../dsl/index.js';
import type { ComponentTaskSpec, ConditionTaskSpec, LoopTaskSpec, PipelineTaskSpec } from '../spec/types.js';
import { compile } from './compile.js';
import { echo, fit, load, score, summarize } from './test-support/steps.js';

const rejects = (promise: Promise<unknown>, pattern: RegExp) => assert.rejects(promise, pattern);

describe('compiling the graph', () => {
  it('lists tasks in creation order with their data dependencies, wiring and policies', async () => {
    const p = pipeline({ name: 'basic', params: { source: { type: 'string', default: 'a.csv' } } }, ({ source }) => {
      const loaded = load({ source });
      const fitted = fit({ data: loaded.outputs.data }, { retry: { attempts: 5 }, timeoutMs: 60_000 });
      return { value: score({ model: fitted.outputs.model }).outputs.value };
    });
    const spec = await compile(p);
    const [loaded, fitted, scored] = spec.tasks as ComponentTaskSpec[];
    assert.deepEqual(
      spec.tasks.map((t) => [t.name, t.dependsOn]),
      [
        ['load', []],
        ['fit', ['load']],
        ['score', ['fit']],
      ],
    );
    assert.deepEqual(loaded!.inputs, { source: { from: 'param', name: 'source' } });
    assert.deepEqual(fitted!.inputs, {
      data: { from: 'task', task: 'load', output: 'data' },
      rate: { from: 'constant', value: 0.1 },
    });
    assert.deepEqual(fitted!.retry, { attempts: 5, backoffMs: 1000, factor: 2, maxBackoffMs: 300_000 });
    assert.equal(fitted!.timeoutMs, 60_000);
    assert.equal(fitted!.cache, true);
    assert.equal(scored!.cache, false);
    assert.deepEqual(spec.params, { source: { type: 'string', default: 'a.csv' } });
    assert.deepEqual(spec.outputs, {
      value: { type: 'number', from: { from: 'task', task: 'score', output: 'value' } },
    });
  });

  it('references each function component by module (relative to the base directory) and export name', async () => {
    const p = pipeline({ name: 'refs' }, () => {
      fit({ data: load({ source: 'x' }).outputs.data });
    });
    const fromHere = await compile(p);
    assert.deepEqual(fromHere.components.fit!.implementation, {
      kind: 'function',
      module: 'test-support/steps.ts',
      export: 'fit',
      sourceDigest: (fromHere.components.fit!.implementation as { sourceDigest: string }).sourceDigest,
    });
    const fromElsewhere = await compile(p, { baseDir: new URL('../', import.meta.url).pathname });
    assert.equal(
      (fromElsewhere.components.fit!.implementation as { module: string }).module,
      'compiler/test-support/steps.ts',
    );
  });

  it('names tasks after their component, numbering repeats, and refuses a name given twice', async () => {
    const p = pipeline({ name: 'names' }, () => {
      echo({ text: 'a' });
      echo({ text: 'b' });
      echo({ text: 'c' }, { name: 'echo-last' });
    });
    assert.deepEqual(
      (await compile(p)).tasks.map((t) => t.name),
      ['echo', 'echo-2', 'echo-last'],
    );
    const clash = pipeline({ name: 'clash' }, () => {
      echo({ text: 'a' }, { name: 'same' });
      echo({ text: 'b' }, { name: 'same' });
    });
    await rejects(compile(clash), /pipeline 'clash': task name 'same' is already used/);
  });

  it('orders with .after(), lifting the edge to the tasks that are siblings', async () => {
    const p = pipeline({ name: 'after' }, () => {
      const first = echo({ text: 'first' });
      const loop = forEach(['a', 'b'], (text) => {
        echo({ text }).after(first);
      });
      echo({ text: 'last' }).after(loop);
    });
    const spec = await compile(p);
    assert.deepEqual(
      spec.tasks.map((t) => [t.name, t.dependsOn]),
      [
        ['echo', []],
        ['loop-1', ['echo']],
        ['echo-3', ['loop-1']],
      ],
    );
  });

  it('refuses a dependency cycle, naming it', async () => {
    const p = pipeline({ name: 'cycle' }, () => {
      const a = echo({ text: 'a' });
      const b = echo({ text: 'b' }).after(a);
      const c = echo({ text: 'c' }).after(b);
      a.after(c);
    });
    await rejects(compile(p), /pipeline 'cycle' has a dependency cycle: echo → echo-3 → echo-2 → echo/);
    const inside = pipeline({ name: 'inside' }, () => {
      let inner: ReturnType<typeof echo> | undefined;
      const loop = forEach([1], () => {
        inner = echo({ text: 'x' });
      });
      inner!.after(loop);
    });
    await rejects(compile(inside), /cannot hold: one of them contains the other/);
  });

  it('is deterministic: the same pipeline compiles to the same spec', async () => {
    const make = () =>
      pipeline({ name: 'twice', params: { source: 'string' } }, ({ source }) => {
        const l = load({ source });
        when(l.outputs.rows.gt(0), () => fit({ data: l.outputs.data }));
      });
    assert.deepEqual(await compile(make()), await compile(make()));
  });
});

describe('compiling control flow', () => {
  it('evaluates a condition where it stands; branch tasks see outer outputs; both-branch outputs are usable', async () => {
    const p = pipeline({ name: 'branches', params: { min: 'number' } }, ({ min }) => {
      const loaded = load({ source: 's' });
      const chosen = when(loaded.outputs.rows.gte(min).and(loaded.outputs.rows.lt(1e6)), () =>
        fit({ data: loaded.outputs.data }, { name: 'fit-all' }),
      ).otherwise(() => fit({ data: loaded.outputs.data, rate: 1 }, { name: 'fit-fast' }));
      score({ model: chosen.outputs.model });
    });
    const spec = await compile(p);
    const condition = spec.tasks[1] as ConditionTaskSpec;
    assert.deepEqual(condition.dependsOn, ['load']);
    assert.deepEqual(condition.if, {
      op: 'and',
      all: [
        { op: 'gte', left: { from: 'task', task: 'load', output: 'rows' }, right: { from: 'param', name: 'min' } },
        { op: 'lt', left: { from: 'task', task: 'load', output: 'rows' }, right: { from: 'constant', value: 1e6 } },
      ],
    });
    assert.deepEqual(
      [condition.whenTrue.map((t) => t.name), condition.whenFalse.map((t) => t.name)],
      [['fit-all'], ['fit-fast']],
    );
    assert.deepEqual(condition.outputs.model, {
      type: 'Model',
      whenTrue: { from: 'task', task: 'fit-all', output: 'model' },
      whenFalse: { from: 'task', task: 'fit-fast', output: 'model' },
    });
    assert.deepEqual((spec.tasks[2] as ComponentTaskSpec).inputs.model, {
      from: 'task',
      task: 'condition-1',
      output: 'model',
    });
  });

  it('loops over constants, parameters and task outputs; collects per-iteration values into lists', async () => {
    const p = pipeline({ name: 'loops', params: { sources: ['string'] } }, ({ sources }) => {
      const perSource = forEach(sources, (source) => ({ rows: load({ source }).outputs.rows }), { parallelism: 3 });
      const grid = forEach([{ rate: 0.1 }, { rate: 0.5 }], (point) => {
        const fitted = fit({
          data: load({ source: 'x' }, { name: 'load-grid' }).outputs.data,
          rate: point.get('rate'),
        });
        return { value: score({ model: fitted.outputs.model }).outputs.value };
      });
      const best = summarize({ values: collect(grid.outputs.value) });
      summarize({ values: collect(perSource.outputs.rows) }, { name: 'rows' }).after(best);
    });
    const spec = await compile(p);
    const [sourcesLoop, gridLoop] = spec.tasks as LoopTaskSpec[];
    assert.deepEqual(sourcesLoop!.items, { from: 'param', name: 'sources' });
    assert.equal(sourcesLoop!.itemType, 'string');
    assert.equal(sourcesLoop!.parallelism, 3);
    assert.deepEqual(gridLoop!.items, { from: 'constant', value: [{ rate: 0.1 }, { rate: 0.5 }] });
    assert.equal(gridLoop!.parallelism, null);
    assert.deepEqual((gridLoop!.tasks[1] as ComponentTaskSpec).inputs.rate, {
      from: 'item',
      loop: 'loop-2',
      path: ['rate'],
      type: 'number',
    });
    assert.deepEqual(gridLoop!.outputs, {
      value: { type: { list: 'number' }, from: { from: 'task', task: 'score', output: 'value' } },
    });
    assert.deepEqual(
      spec.tasks.slice(2).map((t) => [t.name, t.dependsOn]),
      [
        ['summarize', ['loop-2']],
        ['rows', ['loop-1', 'summarize']],
      ],
    );
  });

  it('collects a task output recorded in a loop body, and lists of lists across nested loops', async () => {
    const p = pipeline({ name: 'nested-loops' }, () => {
      let inner: ReturnType<typeof load> | undefined;
      const outer = forEach(['a', 'b'], (source) => {
        forEach([1, 2], () => {
          inner = load({ source });
        });
        return { rows: collect(inner!.outputs.rows) };
      });
      echo({ text: 'done' }).after(outer);
      return { table: collect(outer.outputs.rows) };
    });
    const spec = await compile(p);
    const outer = spec.tasks[0] as LoopTaskSpec;
    const inner = outer.tasks[0] as LoopTaskSpec;
    assert.deepEqual(inner.outputs, {
      'load-rows': { type: { list: 'number' }, from: { from: 'task', task: 'load', output: 'rows' } },
    });
    assert.deepEqual(spec.outputs.table!.type, { list: { list: 'number' } });
  });

  it('inlines each sub-pipeline once, by name, and binds its parameters per call', async () => {
    const train = pipeline({ name: 'train', params: { source: 'string', rate: 'number' } }, ({ source, rate }) => {
      const fitted = fit({ data: load({ source }).outputs.data, rate });
      return { model: fitted.outputs.model };
    });
    const p = pipeline({ name: 'outer' }, () => {
      const a = train({ source: 'a', rate: 0.1 }, { name: 'train-a' });
      train({ source: 'b', rate: 0.2 }, { name: 'train-b' }).after(a);
      score({ model: a.outputs.model });
    });
    const spec = await compile(p);
    assert.deepEqual(Object.keys(spec.pipelines), ['train']);
    assert.deepEqual(spec.pipelines.train!.outputs.model!.from, { from: 'task', task: 'fit', output: 'model' });
    const [a, b] = spec.tasks as PipelineTaskSpec[];
    assert.deepEqual(a!.inputs, { source: { from: 'constant', value: 'a' }, rate: { from: 'constant', value: 0.1 } });
    assert.deepEqual(b!.dependsOn, ['train-a']);
    assert.deepEqual((spec.tasks[2] as ComponentTaskSpec).inputs.model, {
      from: 'task',
      task: 'train-a',
      output: 'model',
    });
  });

  it('refuses pipelines that contain themselves or share a name with a different pipeline', async () => {
    const first = pipeline({ name: 'twin' }, () => void echo({ text: '1' }));
    const second = pipeline({ name: 'twin' }, () => void echo({ text: '2' }));
    await rejects(
      compile(
        pipeline({ name: 'both' }, () => {
          first();
          second();
        }),
      ),
      /two different pipelines are named 'twin'/,
    );
    const loop: { self?: () => unknown } = {};
    const selfish = pipeline({ name: 'selfish' }, () => {
      loop.self?.();
    });
    loop.self = selfish;
    await rejects(compile(selfish), /pipeline 'selfish' contains itself/);
    await rejects(compile(pipeline({ name: 'empty' }, () => {})), /pipeline 'empty' has no tasks/);
  });
});
