import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { componentDigest } from './digest.js';
import { parseSpec } from './schema.js';
import { sampleSpec } from './test-support/sample-spec.js';
import type { ComponentTaskSpec, ConditionTaskSpec, LoopTaskSpec, PipelineSpec } from './types.js';

/** parseSpec must refuse `spec` with INVALID_ARGUMENT and a message containing every `expected` fragment. */
function assertRejected(spec: unknown, ...expected: string[]): void {
  assert.throws(
    () => parseSpec(spec),
    (error: unknown) => {
      assert.ok(isOspreyError(error, 'INVALID_ARGUMENT'), String(error));
      for (const fragment of expected)
        assert.ok(error.message.includes(fragment), `${fragment}\n  in: ${error.message}`);
      return true;
    },
  );
}

/** A sample spec changed by `edit` (the sample is rebuilt each time, so edits never leak). */
function edited(edit: (spec: PipelineSpec) => void): PipelineSpec {
  const spec = sampleSpec();
  edit(spec);
  return spec;
}

const loop = (spec: PipelineSpec) => spec.tasks[0] as LoopTaskSpec;
const pick = (spec: PipelineSpec) => spec.tasks[1] as ComponentTaskSpec;
const final = (spec: PipelineSpec) => spec.tasks[2] as ComponentTaskSpec;
const gate = (spec: PipelineSpec) => spec.tasks[3] as ConditionTaskSpec;

describe('parseSpec accepts', () => {
  it('a hand-written spec using every construct, as an object or as JSON text', () => {
    assert.deepEqual(parseSpec(sampleSpec()), sampleSpec());
    assert.deepEqual(parseSpec(JSON.stringify(sampleSpec())), sampleSpec());
  });
});

describe('parseSpec refuses malformed documents, naming the location', () => {
  it('text that is not JSON', () => assertRejected('{"apiVersion":', 'not valid JSON'));

  it('another spec version', () =>
    assertRejected(
      { ...sampleSpec(), apiVersion: 'osprey.pipeline/v2' },
      '"osprey.pipeline/v2"',
      'reads osprey.pipeline/v1',
    ));

  it('unknown fields, bad names and bad types', () => {
    assertRejected({ ...sampleSpec(), extra: 1 }, 'Unrecognized key: "extra"');
    assertRejected(
      edited((s) => {
        pick(s).name = '1st';
      }),
      'tasks[1].name: must start with a letter',
    );
    assertRejected(
      edited((s) => {
        s.params.threshold = { type: 'float' as never };
      }),
      'params.threshold.type: must be a type',
    );
    assertRejected(
      edited((s) => {
        loop(s).parallelism = 0;
      }),
      'tasks[0].parallelism',
    );
  });
});

describe('parseSpec refuses specs whose meaning is wrong', () => {
  it('a reference to a task that is not visible', () => {
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'task', task: 'trial', output: 'metrics', path: ['accuracy'], type: 'number' };
      }),
      "task 'final'",
      "task 'trial' is not visible here",
    );
  });

  it('an unknown output, param, loop or component', () => {
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'task', task: 'pick', output: 'worst' };
      }),
      "task 'pick' has no output 'worst'",
    );
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'param', name: 'rate' };
      }),
      "unknown param 'rate'",
    );
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'item', loop: 'sweep' };
      }),
      "'sweep' is not an enclosing loop",
    );
    assertRejected(
      edited((s) => {
        final(s).component = 'fit';
      }),
      "unknown component 'fit'",
    );
  });

  it('type mismatches, in inputs and conditions', () => {
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'param', name: 'data' };
      }),
      "task 'final' input 'lr': expects number, but param 'data' is Dataset",
    );
    assertRejected(
      edited((s) => {
        final(s).inputs.lr = { from: 'constant', value: 'fast' };
      }),
      'input \'lr\': expects number, got "fast"',
    );
    assertRejected(
      edited((s) => {
        gate(s).if = { op: 'gt', left: { from: 'param', name: 'data' }, right: { from: 'constant', value: 1 } };
      }),
      "'gt' compares numbers, not Dataset",
    );
  });

  it('inputs that are not bound, or bound twice over', () => {
    assertRejected(
      edited((s) => {
        delete final(s).inputs.lr;
      }),
      "input 'lr' is not bound",
    );
    assertRejected(
      edited((s) => {
        final(s).inputs.epochs = { from: 'constant', value: 3 };
      }),
      "binds unknown input 'epochs'",
    );
  });

  it('dependencies that are missing, unknown or out of order', () => {
    assertRejected(
      edited((s) => {
        final(s).dependsOn = [];
      }),
      "task 'final': uses 'pick' but does not list it in dependsOn",
    );
    assertRejected(
      edited((s) => {
        pick(s).dependsOn = ['sweep', 'final'];
      }),
      "dependsOn 'final', listed after it",
    );
    assertRejected(
      edited((s) => {
        pick(s).dependsOn = ['sweep', 'nothing'];
      }),
      "dependsOn 'nothing', which is not in the same task list",
    );
  });

  it('run facts outside the exit handler, duplicate task names, recursion', () => {
    assertRejected(
      edited((s) => {
        s.exitHandler = [];
        s.components.notify!.inputs.status = { type: 'string' };
        (gate(s).whenFalse as ComponentTaskSpec[]).push({
          ...(s.pipelines.announce!.tasks[0] as ComponentTaskSpec),
          inputs: { status: { from: 'run', field: 'status' } },
        });
      }),
      'run.status is only available in the exit handler',
    );
    assertRejected(
      edited((s) => {
        final(s).name = 'trial';
        gate(s).dependsOn = ['trial'];
      }),
      "task name 'trial' is used twice",
    );
    assertRejected(
      edited((s) => {
        s.pipelines.announce!.tasks.push({
          kind: 'pipeline',
          name: 'again',
          dependsOn: [],
          pipeline: 'announce',
          inputs: { model: { from: 'param', name: 'model' } },
        });
      }),
      'calls itself: sample → announce → announce',
    );
  });

  it('a component whose digest does not match its content', () => {
    assertRejected(
      edited((s) => {
        s.components.train!.outputs.extra = { type: 'number' };
      }),
      "component 'train': digest does not match",
    );
  });

  it('command placeholders that name unknown or wrongly used inputs', () => {
    const spec = edited((s) => {
      const notify = s.components.notify!;
      if (notify.implementation.kind === 'command') notify.implementation.command.push({ inputPath: 'status' });
      notify.digest = componentDigest(notify);
    });
    assertRejected(spec, "parameter input 'status' as a path");
  });
});
