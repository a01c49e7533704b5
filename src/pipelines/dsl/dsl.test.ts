import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { echo, fit, load, score, summarize } from '../compiler/test-support/steps.js';
import { commandComponent } from './command.js';
import { component } from './component.js';
import { collect, forEach, onExit, when } from './control.js';
import { pipeline } from './pipeline.js';
import { Dataset, Model } from './types.js';

// What a JavaScript caller (or a TypeScript cast) gets instead of a type error: a clear INVALID_ARGUMENT error
// naming the pipeline, the task and the field, thrown while the body records the graph — before anything runs.
// Casts to `never` stand for untyped callers.

/** A reference seen by an untyped caller: every method callable with anything. */
const loose = (ref: unknown) =>
  ref as { get(key: unknown): never; gt(other: unknown): never; eq(other: unknown): never };

/** Builds a one-off pipeline whose body is `body`, expecting INVALID_ARGUMENT matching `message`. */
function refuses(body: () => unknown, message: RegExp): void {
  const p = pipeline({ name: 'p', params: { n: 'number', data: Dataset } }, body as () => void);
  assert.throws(
    () => p.definition.build(),
    (error: unknown) => isOspreyError(error, 'INVALID_ARGUMENT') && message.test(error.message),
  );
}

describe('wiring mistakes are named at the call', () => {
  it('using a component outside a pipeline body', () => {
    assert.throws(() => echo({ text: 'x' }), /component 'echo' can only be used inside a pipeline body/);
  });

  it('unknown, missing and ill-typed inputs', () => {
    refuses(() => echo({ txt: 'x' } as never), /pipeline 'p': task 'echo': unknown input 'txt' \(inputs: text\)/);
    refuses(() => fit({} as never), /task 'fit' input 'data' is missing \(Dataset\)/);
    refuses(() => echo({ text: 3 } as never), /task 'echo' input 'text' expects string, got 3/);
    refuses(
      () => score({ model: load({ source: 's' }).outputs.data } as never),
      /task 'score' input 'model' expects Model, but 'load.data' is Dataset/,
    );
    refuses(
      () => fit({ data: 'weather.csv' } as never),
      /input 'data' expects a Dataset artifact, which cannot be given/,
    );
  });

  it('unknown outputs and parameters', () => {
    refuses(
      () => (load({ source: 's' }).outputs as Record<string, unknown>).nope,
      /task 'load' \(component 'load'\) has no output 'nope' \(outputs: data, rows\)/,
    );
    const p = pipeline({ name: 'params', params: { n: 'number' } }, (params) => {
      echo({ text: (params as unknown as { m: never }).m });
    });
    assert.throws(() => p.definition.build(), /pipeline 'params' has no parameter 'm' \(params: n\)/);
  });

  it('a value from another pipeline, and an asynchronous body', () => {
    let leaked: unknown;
    pipeline({ name: 'a', params: { text: 'string' } }, ({ text }) => {
      leaked = text;
      echo({ text });
    }).definition.build();
    refuses(
      () => echo({ text: leaked } as never),
      /param 'text' belongs to pipeline 'a'; pass it in as a parameter of 'p'/,
    );
    refuses(async () => echo({ text: 'x' }), /the body of pipeline 'p' must be synchronous/);
  });
});

describe('conditions, loops and the exit handler check their use', () => {
  it('comparisons compare values of matching types', () => {
    refuses(() => loose(load({ source: 's' }).outputs.rows).get('x'), /\.get\("x"\) on 'load.rows'/);
    refuses(() => {
      const label = score({ model: fit({ data: load({ source: 's' }).outputs.data }).outputs.model }).outputs.label;
      loose(label).gt(1);
    }, /gt compares numbers, not string with number/);
    refuses(() => loose(load({ source: 's' }).outputs.rows).eq('many'), /compares number with string/);
    refuses(() => when(true as never, () => {}), /when\(\.\.\.\) expects a condition/);
  });

  it('an otherwise-branch must return what the then-branch returns', () => {
    refuses(() => {
      const fitted = fit({ data: load({ source: 's' }).outputs.data });
      when(fitted.outputs.metrics.get('accuracy').gt(0.5), () => ({ m: fitted.outputs.model })).otherwise(
        () => ({}) as never,
      );
    }, /the otherwise-branch of 'condition-1' must return 'm'/);
    refuses(() => {
      const loaded = load({ source: 's' });
      const fitted = fit({ data: loaded.outputs.data });
      when(loaded.outputs.rows.gt(0), () => ({ m: fitted.outputs.model })).otherwise(
        () => ({ m: loaded.outputs.rows }) as never,
      );
    }, /returns 'm' as number, the then-branch as Model/);
  });

  it('loops need lists; their values need collect(...) outside', () => {
    refuses(
      () => forEach(load({ source: 's' }).outputs.rows as never, () => {}),
      /needs a list to iterate over, but 'load.rows' is number/,
    );
    refuses(() => forEach([1], () => {}, { parallelism: 0 }), /parallelism must be a whole number ≥ 1, got 0/);
    refuses(() => {
      const loop = forEach([1, 2], () => ({ rows: load({ source: 's' }).outputs.rows }));
      summarize({ values: loop.outputs.rows } as never);
    }, /'loop-1.rows' has one value per loop iteration; wrap it in collect/);
    refuses(() => collect(load({ source: 's' }).outputs.rows), /only a task output recorded directly in a loop body/);
    refuses(() => {
      forEach([1], () => {
        const rows = load({ source: 's' }).outputs.rows;
        summarize({ values: collect(rows) });
      });
    }, /collect\(\.\.\.\) of loop 'loop-1' is used inside that loop/);
  });

  it('one exit handler, at the top level', () => {
    refuses(() => {
      onExit(() => echo({ text: 'a' }));
      onExit(() => echo({ text: 'b' }));
    }, /onExit\(\.\.\.\) is given twice/);
    refuses(() => {
      when(load({ source: 's' }).outputs.rows.gt(0), () => onExit(() => echo({ text: 'a' })));
    }, /onExit\(\.\.\.\) must be called at the top level/);
  });
});

describe('definitions are checked when they are made', () => {
  it('names, types, defaults and policies', () => {
    assert.throws(() => component({ name: '1st' }, async () => {}), /component name "1st" is invalid/);
    assert.throws(
      () => component({ name: 'c', inputs: { 'a b': 'string' } }, async () => {}),
      /input name "a b" is invalid/,
    );
    assert.throws(
      () => component({ name: 'c', inputs: { a: 'float' as never } }, async () => {}),
      /"float" is not a type/,
    );
    assert.throws(
      () => component({ name: 'c', inputs: { a: { type: 'number', default: 'x' as never } } }, async () => {}),
      /input 'a' default: expects number, got "x"/,
    );
    assert.throws(
      () => component({ name: 'c', inputs: { d: { type: Dataset, default: 'x.csv' as never } } }, async () => {}),
      /an artifact input cannot have a default/,
    );
    assert.throws(
      () => component({ name: 'c', outputs: { m: [Model] as never } }, async () => {}),
      /cannot output a list of artifacts/,
    );
    assert.throws(() => component({ name: 'c', retry: { attempts: 0 } }, async () => {}), /retry.attempts must be ≥ 1/);
    assert.throws(
      () => component({ name: 'c', timeoutMs: 1.5 }, async () => {}),
      /timeoutMs must be a positive whole number/,
    );
    assert.throws(() => pipeline({ name: 'x y' }, () => {}), /pipeline name "x y" is invalid/);
  });

  it('command components check their placeholders and image', () => {
    const base = {
      name: 'cmd',
      image: 'alpine:3.20',
      inputs: { data: Dataset, n: 'number' },
      outputs: { out: Dataset },
    } as const;
    assert.throws(
      () =>
        commandComponent({
          ...base,
          command: ({ inputs }) => ['cat', (inputs as unknown as { file: never }).file],
        }),
      /the command uses unknown input 'file' \(declared: data, n\)/,
    );
    assert.throws(
      () => commandComponent({ ...base, command: ({ inputs }) => ['cat', `${inputs.data}`] }),
      /inputs.data is a file: use inputs.data.path/,
    );
    assert.throws(() => commandComponent({ ...base, command: [] }), /command must be a non-empty list/);
    assert.throws(
      () => commandComponent({ ...base, image: 'two words', command: ['true'] }),
      /image must be an image reference/,
    );
    const cmd = commandComponent({
      ...base,
      command: ({ inputs, outputs }) => ['head', `-n${inputs.n}`, inputs.data.path, outputs.out.path],
    });
    assert.deepEqual(cmd.definition.kind === 'command' && cmd.definition.command, [
      'head',
      { concat: ['-n', { inputValue: 'n' }] },
      { inputPath: 'data' },
      { outputPath: 'out' },
    ]);
  });
});
