import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { forEach, onExit, pipeline, when } from '../dsl/index.js';
import type { NumberRef, RefBase } from '../dsl/refs.js';
import { compile } from './compile.js';
import { echo, fit, load, score, summarize } from './test-support/steps.js';

// A value exists only where its producer runs: once per loop iteration, in one branch, in the exit handler.
// TypeScript cannot see scopes, so the compiler checks them and says what to do instead.

async function refuses(body: () => void, message: RegExp): Promise<void> {
  await assert.rejects(compile(pipeline({ name: 's' }, body)), (error: unknown) => {
    assert.ok(isOspreyError(error, 'INVALID_ARGUMENT'), String(error));
    assert.match(error.message, message);
    return true;
  });
}

describe('values used outside the scope that produces them', () => {
  it('a loop body value used after the loop needs collect(...)', async () => {
    await refuses(() => {
      let rows: NumberRef | undefined;
      forEach(['a', 'b'], (source) => {
        rows = load({ source }).outputs.rows;
      });
      summarize({ values: [0] }).after(echo({ text: 'x' }));
      when(rows!.gt(0), () => {});
    }, /pipeline 's' condition 'condition-1': 'load.rows' is produced once per iteration of loop 'loop-1': use collect/);
  });

  it('a value from one branch used after the condition must come from both branches', async () => {
    await refuses(() => {
      const loaded = load({ source: 's' });
      let model: ReturnType<typeof fit>['outputs']['model'] | undefined;
      when(loaded.outputs.rows.gt(0), () => {
        model = fit({ data: loaded.outputs.data }).outputs.model;
      });
      score({ model: model! });
    }, /task 'score' input 'model': 'fit.model' only exists when 'condition-1' takes its when-branch: return it from both/);
    await refuses(() => {
      const loaded = load({ source: 's' });
      let model: ReturnType<typeof fit>['outputs']['model'] | undefined;
      when(loaded.outputs.rows.gt(0), () => {}).otherwise(() => {
        model = fit({ data: loaded.outputs.data }).outputs.model;
      });
      score({ model: model! });
    }, /only exists when 'condition-1' takes its otherwise-branch/);
  });

  it('the exit handler uses parameters, constants and run facts only', async () => {
    await refuses(() => {
      const loaded = load({ source: 's' });
      onExit(() => summarize({ values: [0] }).after(loaded));
    }, /\.after\('load'\) crosses the exit handler/);
    await refuses(() => {
      const loaded = load({ source: 's' });
      onExit(() => fit({ data: loaded.outputs.data }));
    }, /the exit handler can only use parameters, constants and run.status\/run.failedTasks, not 'load.data'/);
  });

  it('loop items inside their loop only; run facts inside the exit handler only', async () => {
    await refuses(() => {
      let item: RefBase<'string'> | undefined;
      forEach(['a'], (source) => {
        item = source;
        echo({ text: source });
      });
      echo({ text: item! });
    }, /task 'echo-2' input 'text': the item of loop 'loop-1' is only available inside the body of that loop/);
    await refuses(() => {
      let status: RefBase<'string'> | undefined;
      onExit((run) => {
        status = run.status;
        echo({ text: run.status });
      });
      echo({ text: status! });
    }, /run.status is only known in the exit handler/);
  });

  it('a value defined inside the exit handler is not visible to the main graph', async () => {
    await refuses(() => {
      let rows: NumberRef | undefined;
      onExit(() => {
        rows = load({ source: 'x' }).outputs.rows;
      });
      summarize({ values: [0] });
      when(rows!.gt(1), () => {});
    }, /'load.rows' is produced by the exit handler/);
  });
});
