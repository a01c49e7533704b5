import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../../../core/errors.js';
import type { LoadedModel } from '../../runtime.js';
import { DATATYPES, type Datatype, type Tensor } from '../../tensor.js';
import { type ExpectedTensor, expected, fixtureModelPath } from '../../test-support/fixtures.js';
import { plainData, sampleTensor } from '../../test-support/samples.js';
import { OnnxRuntime } from './onnx-runtime.js';

const runtime = new OnnxRuntime();

function fp32(t: ExpectedTensor): Tensor {
  return { datatype: 'FP32', shape: t.shape, data: Float32Array.from(t.data as number[]) };
}

function assertClose(actual: ArrayLike<number>, wanted: readonly number[], tolerance: number) {
  assert.equal(actual.length, wanted.length);
  for (let i = 0; i < wanted.length; i++)
    assert.ok(Math.abs(actual[i]! - wanted[i]!) <= tolerance, `element ${i}: ${actual[i]} vs ${wanted[i]}`);
}

describe('ONNX Runtime: tabular classifier exported by PyTorch', () => {
  let model: LoadedModel;
  before(async () => {
    model = await runtime.load({ path: fixtureModelPath('tabular_classifier') }, { intraOpThreads: 1 });
  });
  after(() => model.close());

  it('reads the signature from the model: FP32 features with a variable batch, two outputs', () => {
    assert.deepEqual(model.signature, {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 10] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    });
  });

  it("computes PyTorch's outputs for the same inputs", async () => {
    const { inputs, outputs } = expected.tabular_classifier;
    const result = await model.infer(new Map([['features', fp32(inputs.features!)]]));
    assert.deepEqual([...result.keys()], ['probabilities', 'label']);
    const probabilities = result.get('probabilities')!;
    assert.equal(probabilities.datatype, 'FP32');
    assert.deepEqual(probabilities.shape, [5, 3]);
    assertClose(probabilities.data as Float32Array, outputs.probabilities!.data as number[], 1e-6);
    const label = result.get('label')!;
    assert.equal(label.datatype, 'INT64');
    assert.deepEqual(label.shape, [5]);
    assert.deepEqual([...(label.data as BigInt64Array)], (outputs.label!.data as number[]).map(BigInt));
  });

  it('computes only the outputs asked for', async () => {
    const features = fp32(expected.tabular_classifier.inputs.features!);
    const result = await model.infer(new Map([['features', features]]), ['label']);
    assert.deepEqual([...result.keys()], ['label']);
  });

  it('keeps concurrent inferences on one session apart', async () => {
    const runs = Array.from({ length: 32 }, async (_, i) => {
      const features: Tensor = { datatype: 'FP32', shape: [1, 10], data: new Float32Array(10).fill(i / 8 - 2) };
      const alone = await model.infer(new Map([['features', features]]), ['probabilities']);
      return { features, alone };
    });
    const results = await Promise.all(runs);
    // the same inputs again, one at a time, must give the same outputs
    for (const { features, alone } of results) {
      const sequential = await model.infer(new Map([['features', features]]), ['probabilities']);
      assert.deepEqual(
        [...(alone.get('probabilities')!.data as Float32Array)],
        [...(sequential.get('probabilities')!.data as Float32Array)],
      );
    }
    const distinct = new Set(results.map((r) => (r.alone.get('probabilities')!.data as Float32Array)[0]));
    assert.ok(distinct.size > 16, `${distinct.size} distinct outputs for 32 distinct inputs`);
  });

  it('runs batch sizes 1 and 64 on the same session', async () => {
    for (const batch of [1, 64]) {
      const features: Tensor = { datatype: 'FP32', shape: [batch, 10], data: new Float32Array(batch * 10).fill(0.5) };
      const probabilities = (await model.infer(new Map([['features', features]]))).get('probabilities')!;
      assert.deepEqual(probabilities.shape, [batch, 3]);
      const data = probabilities.data as Float32Array;
      for (let row = 0; row < batch; row++)
        assertClose([data[row * 3]! + data[row * 3 + 1]! + data[row * 3 + 2]!], [1], 1e-6);
    }
  });
});

describe('ONNX Runtime: INT64 and BOOL inputs (PyTorch embedding model)', () => {
  it("computes PyTorch's scores, and refuses a token id outside the vocabulary", async () => {
    const model = await runtime.load({ path: fixtureModelPath('token_scorer') });
    try {
      assert.deepEqual(model.signature.inputs, [
        { name: 'token_ids', datatype: 'INT64', shape: [-1, -1] },
        { name: 'mask', datatype: 'BOOL', shape: [-1, -1] },
      ]);
      const { inputs, outputs } = expected.token_scorer;
      const tokenIds: Tensor = {
        datatype: 'INT64',
        shape: inputs.token_ids!.shape,
        data: BigInt64Array.from((inputs.token_ids!.data as number[]).map(BigInt)),
      };
      const mask: Tensor = {
        datatype: 'BOOL',
        shape: inputs.mask!.shape,
        data: Uint8Array.from((inputs.mask!.data as boolean[]).map(Number)),
      };
      const score = (
        await model.infer(
          new Map<string, Tensor>([
            ['token_ids', tokenIds],
            ['mask', mask],
          ]),
        )
      ).get('score')!;
      assert.deepEqual(score.shape, [4, 1]);
      assertClose(score.data as Float32Array, outputs.score!.data as number[], 1e-6);

      const outOfVocabulary: Tensor = { datatype: 'INT64', shape: [1, 1], data: BigInt64Array.of(99n) };
      const oneMask: Tensor = { datatype: 'BOOL', shape: [1, 1], data: Uint8Array.of(1) };
      await assert.rejects(
        model.infer(
          new Map<string, Tensor>([
            ['token_ids', outOfVocabulary],
            ['mask', oneMask],
          ]),
        ),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /inference failed/.test(e.message),
      );
    } finally {
      await model.close();
    }
  });
});

/** Four elements of each datatype at the edges of its range, as the identity model's [n] inputs take them. */
const edgeValues = (datatype: Datatype): Tensor => ({ ...sampleTensor(datatype), shape: [4] });

describe('ONNX Runtime: every protocol datatype through a real session', () => {
  let model: LoadedModel;
  before(async () => {
    model = await runtime.load({ bytes: readFileSync(fixtureModelPath('all_types_identity')) });
  });
  after(() => model.close());

  it('maps every ONNX element type to its protocol datatype', () => {
    assert.deepEqual(
      model.signature.inputs.map((s) => [s.name, s.datatype, s.shape]),
      DATATYPES.map((d) => [`${d}_in`, d, [-1]]),
    );
    assert.deepEqual(
      model.signature.outputs.map((s) => s.datatype),
      [...DATATYPES],
    );
  });

  it('passes edge values of every datatype through Identity unchanged', async () => {
    const inputs = new Map(DATATYPES.map((d) => [`${d}_in`, edgeValues(d)]));
    const outputs = await model.infer(inputs);
    for (const datatype of DATATYPES) {
      const output = outputs.get(`${datatype}_out`)!;
      const input = inputs.get(`${datatype}_in`)!;
      assert.equal(output.datatype, datatype);
      assert.deepEqual(output.shape, [4]);
      assert.deepEqual(plainData(output), plainData(input), datatype);
    }
  });

  it('refuses BYTES that are not UTF-8 text, naming the input', async () => {
    const inputs = new Map(DATATYPES.map((d) => [`${d}_in`, edgeValues(d)]));
    inputs.set('BYTES_in', {
      datatype: 'BYTES',
      shape: [4],
      data: [Uint8Array.of(0x61), Uint8Array.of(0xff, 0xfe), Uint8Array.of(), Uint8Array.of()],
    });
    await assert.rejects(
      model.infer(inputs),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /'BYTES_in'.*element 1/.test(e.message),
    );
  });
});

describe('ONNX Runtime: shapes the runtime reports ambiguously', () => {
  it('tells a scalar ([]) from a tensor of undeclared rank (null) by reading the model file', async () => {
    const model = await runtime.load({ path: fixtureModelPath('shape_edge_cases') });
    try {
      assert.deepEqual(model.signature, {
        inputs: [
          { name: 'scalar', datatype: 'FP32', shape: [] },
          { name: 'any_rank', datatype: 'FP32', shape: null },
        ],
        outputs: [
          { name: 'scalar_out', datatype: 'FP32', shape: [] },
          { name: 'any_rank_out', datatype: 'FP32', shape: null },
        ],
      });
      const outputs = await model.infer(
        new Map<string, Tensor>([
          ['scalar', { datatype: 'FP32', shape: [], data: Float32Array.of(2.5) }],
          ['any_rank', { datatype: 'FP32', shape: [2, 1, 2], data: Float32Array.of(1, 2, 3, 4) }],
        ]),
      );
      assert.deepEqual(outputs.get('scalar_out')?.shape, []);
      assert.deepEqual([...(outputs.get('scalar_out')!.data as Float32Array)], [2.5]);
      assert.deepEqual(outputs.get('any_rank_out')?.shape, [2, 1, 2]);
    } finally {
      await model.close();
    }
  });
});

describe('ONNX Runtime: loading and lifecycle', () => {
  it('a missing file is NOT_FOUND; bytes that are not a model are INVALID_ARGUMENT', async () => {
    await assert.rejects(runtime.load({ path: '/nonexistent/model.onnx' }), (e: unknown) =>
      isOspreyError(e, 'NOT_FOUND'),
    );
    await assert.rejects(
      runtime.load({ bytes: new TextEncoder().encode('not an onnx model') }),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /cannot load ONNX model/.test(e.message),
    );
  });

  it('refuses models the protocol cannot serve, saying why', async () => {
    await assert.rejects(
      runtime.load({ path: fixtureModelPath('bfloat16_input') }),
      (e: unknown) =>
        isOspreyError(e, 'INVALID_ARGUMENT') &&
        /ONNX element type BFLOAT16, which the inference protocol cannot carry/.test(e.message),
    );
    await assert.rejects(
      runtime.load({ path: fixtureModelPath('sequence_output') }),
      (e: unknown) =>
        isOspreyError(e, 'INVALID_ARGUMENT') &&
        /model output 'items' is not a tensor \(a sequence or map\)/.test(e.message),
    );
  });

  it('takes intra- and inter-op thread counts, and refuses impossible ones', async () => {
    const model = await runtime.load(
      { path: fixtureModelPath('tabular_classifier') },
      { intraOpThreads: 2, interOpThreads: 2 },
    );
    const features: Tensor = { datatype: 'FP32', shape: [2, 10], data: new Float32Array(20) };
    assert.deepEqual((await model.infer(new Map([['features', features]]))).get('probabilities')?.shape, [2, 3]);
    await model.close();
    for (const options of [{ intraOpThreads: 0 }, { interOpThreads: 1.5 }])
      await assert.rejects(
        runtime.load({ path: fixtureModelPath('tabular_classifier') }, options),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /Threads must be an integer/.test(e.message),
      );
  });

  it('close waits for an inference in flight, then refuses new ones', async () => {
    const model = await runtime.load({ path: fixtureModelPath('tabular_classifier') }, { warmUp: false });
    const features: Tensor = { datatype: 'FP32', shape: [256, 10], data: new Float32Array(2560).fill(1) };
    const running = model.infer(new Map([['features', features]]));
    await model.close();
    assert.deepEqual((await running).get('probabilities')?.shape, [256, 3]);
    await assert.rejects(model.infer(new Map([['features', features]])), (e: unknown) =>
      isOspreyError(e, 'UNAVAILABLE'),
    );
    await model.close(); // a second close is harmless
  });
});
