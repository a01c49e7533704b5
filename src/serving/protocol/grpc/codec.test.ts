import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { isOspreyError } from '../../../core/errors.js';
import { DATATYPES, type Tensor } from '../../tensor.js';
import { plainData, sampleTensor } from '../../test-support/samples.js';
import type { InferenceRequest, InferInput, InferOutput } from '../types.js';
import {
  decodeModelInferRequest,
  decodeModelInferResponse,
  encodeModelInferRequest,
  encodeModelInferResponse,
} from './codec.js';
import {
  INFERENCE_SERVICE,
  loadInferenceProto,
  type ModelInferRequestMessage,
  type ModelInferResponseMessage,
} from './proto.js';

const modelInfer = (loadInferenceProto()[INFERENCE_SERVICE] as ServiceDefinition).ModelInfer!;
/** Through the wire format, as a client's message reaches the server (and back). */
const overTheWireRequest = (m: ModelInferRequestMessage) =>
  modelInfer.requestDeserialize(modelInfer.requestSerialize(m)) as ModelInferRequestMessage;
const overTheWireResponse = (m: ModelInferResponseMessage) =>
  modelInfer.responseDeserialize(modelInfer.responseSerialize(m)) as ModelInferResponseMessage;

const invalid = (pattern: RegExp) => (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message);
const inputsOf = (tensors: Tensor[]): InferInput[] =>
  tensors.map((t) => ({ name: `in_${t.datatype}`, parameters: {}, ...t }) as InferInput);

describe('gRPC ModelInfer codec', () => {
  it('round-trips every datatype through the wire, raw and typed (FP16 forces raw)', () => {
    const tensors = DATATYPES.map(sampleTensor);
    for (const raw of [true, false]) {
      const request: InferenceRequest = { id: 'req-7', parameters: {}, inputs: inputsOf(tensors), outputs: [] };
      const decoded = decodeModelInferRequest(overTheWireRequest(encodeModelInferRequest('m', request, { raw })));
      assert.equal(decoded.modelName, 'm');
      assert.equal(decoded.request.id, 'req-7');
      decoded.request.inputs.forEach((input, i) => {
        assert.equal(input.datatype, tensors[i]!.datatype);
        assert.deepEqual(input.shape, [2, 2]);
        assert.deepEqual(plainData(input), plainData(tensors[i]!), `${input.datatype} raw=${raw}`);
      });
      const withoutFp16 = tensors.filter((t) => t.datatype !== 'FP16');
      const typed = encodeModelInferRequest(
        'm',
        { parameters: {}, inputs: inputsOf(withoutFp16), outputs: [] },
        { raw },
      );
      assert.equal(typed.raw_input_contents?.length, raw ? withoutFp16.length : 0);
      const back = decodeModelInferRequest(overTheWireRequest(typed));
      back.request.inputs.forEach((input, i) => {
        assert.deepEqual(plainData(input), plainData(withoutFp16[i]!));
      });
    }
  });

  it('encodes responses raw by default, typed on request, and reads both back', () => {
    const outputs = DATATYPES.filter((d) => d !== 'FP16').map((d) => ({ name: d, ...sampleTensor(d) }) as InferOutput);
    for (const raw of [undefined, false]) {
      const message = encodeModelInferResponse(
        { modelName: 'm', modelVersion: '2', id: 'r', outputs },
        raw === undefined ? {} : { raw },
      );
      assert.equal(message.raw_output_contents?.length, raw === false ? 0 : outputs.length);
      if (raw === false) assert.deepEqual(message.outputs[2]?.contents, { uint_contents: [0, 1, 300, 65535] });
      const decoded = decodeModelInferResponse(overTheWireResponse(message));
      assert.equal(decoded.modelName, 'm');
      assert.equal(decoded.modelVersion, '2');
      assert.equal(decoded.id, 'r');
      decoded.outputs.forEach((output, i) => {
        assert.deepEqual(plainData(output), plainData(outputs[i]!), output.name);
      });
    }
    const half: InferOutput = { name: 'h', ...sampleTensor('FP16') } as InferOutput;
    assert.equal(
      encodeModelInferResponse({ modelName: 'm', outputs: [half] }, { raw: false }).raw_output_contents?.length,
      1,
    );
  });

  it('carries parameters of every kind: bool, string, int64, uint64 beyond int64, double', () => {
    const request: InferenceRequest = {
      parameters: { flag: true, label: 'x', count: -3, huge: 2n ** 64n - 1n, ratio: 0.5 },
      inputs: inputsOf([sampleTensor('FP32')]),
      outputs: [{ name: 'out', parameters: { binary_data: true } }],
    };
    const decoded = decodeModelInferRequest(overTheWireRequest(encodeModelInferRequest('m', request))).request;
    assert.deepEqual(decoded.parameters, { flag: true, label: 'x', count: -3, huge: 2n ** 64n - 1n, ratio: 0.5 });
    assert.deepEqual(decoded.outputs, [{ name: 'out', parameters: { binary_data: true } }]);
  });

  it('decodes a message as a KServe client writes it (typed contents, int64 shape)', () => {
    const decoded = decodeModelInferRequest(
      overTheWireRequest({
        model_name: 'tabular',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3], contents: { fp32_contents: [0.5, 1, 1.5] } }],
        outputs: [{ name: 'label' }],
      }),
    );
    assert.equal(decoded.modelVersion, '');
    assert.equal(decoded.request.id, undefined);
    assert.deepEqual(
      decoded.request.inputs.map((i) => [i.name, i.datatype, i.shape, plainData(i)]),
      [['features', 'FP32', [1, 3], [0.5, 1, 1.5]]],
    );
  });

  it('refuses inconsistent messages, naming the tensor', () => {
    const fp32 = { name: 'x', datatype: 'FP32', shape: [2], contents: { fp32_contents: [1, 2] } };
    const cases: [ModelInferRequestMessage, RegExp][] = [
      [
        { model_name: 'm', inputs: [fp32, { ...fp32, name: 'y' }], raw_input_contents: [new Uint8Array(8)] },
        /raw_input_contents has 1 entries for 2 inputs/,
      ],
      [
        { model_name: 'm', inputs: [fp32], raw_input_contents: [new Uint8Array(8)] },
        /input 'x': has typed contents although raw_input_contents is used/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, shape: [2], contents: null }], raw_input_contents: [new Uint8Array(7)] },
        /input 'x': 2 FP32 elements take 8 bytes, but 7/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, contents: { fp64_contents: [1, 2] } }] },
        /input 'x': a FP32 tensor's elements belong in fp32_contents, but fp64_contents is set/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, shape: [3] }] },
        /input 'x': the shape holds 3 elements but fp32_contents has 2/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, datatype: 'FP16', contents: null }] },
        /input 'x': FP16 elements can only be sent in raw_input_contents/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, datatype: 'INT8', contents: { int_contents: [1, 200] } }] },
        /input 'x': element 1 is 200, outside the INT8 range -128..127/,
      ],
      [
        { model_name: 'm', inputs: [{ ...fp32, datatype: 'UINT16', contents: { uint_contents: [70000, 1] } }] },
        /outside the UINT16 range/,
      ],
      [{ model_name: 'm', inputs: [{ ...fp32, datatype: 'float' }] }, /input 'x': unknown datatype "float"/],
      [
        { model_name: 'm', inputs: [{ ...fp32, shape: [-1] }] },
        /input 'x': shape dimensions must be non-negative integers/,
      ],
      [{ model_name: 'm', inputs: [{ ...fp32, name: '' }] }, /input #0: "name" must be a non-empty string/],
      [{ model_name: 'm', inputs: [fp32], outputs: [{ name: '' }] }, /requested output #0/],
    ];
    for (const [message, pattern] of cases)
      assert.throws(() => decodeModelInferRequest(overTheWireRequest(message)), invalid(pattern), String(pattern));
  });
});
