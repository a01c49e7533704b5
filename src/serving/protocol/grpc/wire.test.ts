import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { isOspreyError } from '../../../core/errors.js';
import { DATATYPES, type Tensor } from '../../tensor.js';
import { plainData, sampleTensor } from '../../test-support/samples.js';
import type { InferenceRequest, InferenceResponse, InferInput, InferOutput } from '../types.js';
import { decodeModelInferRequest, encodeModelInferRequest, encodeModelInferResponse } from './codec.js';
import { INFERENCE_SERVICE, loadInferenceProto, type ModelInferRequestMessage } from './proto.js';
import { readModelInferRequest } from './wire-read.js';
import { writeModelInferResponseFrame } from './wire-write.js';

// The hand-written codec against protobufjs (through @grpc/proto-loader), the reference for our .proto.
const modelInfer = (loadInferenceProto()[INFERENCE_SERVICE] as ServiceDefinition).ModelInfer!;
const serialize = (m: ModelInferRequestMessage) => modelInfer.requestSerialize(m) as Buffer;

const invalid = (pattern: RegExp) => (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message);
const inputsOf = (tensors: Tensor[]): InferInput[] =>
  tensors.map((t) => ({ name: `in_${t.datatype}`, parameters: {}, ...t }) as InferInput);

/** Both readers, through codec.ts's validation: they must agree on every request. */
function bothWays(bytes: Buffer) {
  const ours = decodeModelInferRequest(readModelInferRequest(bytes));
  const reference = decodeModelInferRequest(modelInfer.requestDeserialize(bytes) as ModelInferRequestMessage);
  return { ours, reference };
}

const comparable = (request: InferenceRequest) => ({
  ...request,
  inputs: request.inputs.map((input) => ({ ...input, data: plainData(input) })),
});

describe('gRPC wire codec (ModelInfer)', () => {
  it('reads requests as protobufjs does: every datatype, raw and typed, parameters, outputs, id, version', () => {
    const tensors = DATATYPES.map(sampleTensor);
    for (const raw of [true, false]) {
      const inputs = inputsOf(raw ? tensors : tensors.filter((t) => t.datatype !== 'FP16'));
      inputs[0] = { ...inputs[0]!, parameters: { flag: true, count: 3, big: 2n ** 60n, text: 'é', ratio: 0.5 } };
      const request: InferenceRequest = {
        id: 'req-1',
        parameters: { timeout: 1000, binary_data_output: false, huge: 2n ** 64n - 1n, negative: -7 },
        inputs,
        outputs: [
          { name: 'y', parameters: { binary_data: true } },
          { name: 'z', parameters: {} },
        ],
      };
      const bytes = serialize(encodeModelInferRequest('my-model', request, { raw, modelVersion: '3' }));
      const { ours, reference } = bothWays(bytes);
      assert.equal(ours.modelName, 'my-model');
      assert.equal(ours.modelVersion, '3');
      assert.deepEqual(comparable(ours.request), comparable(reference.request), `raw=${raw}`);
      ours.request.inputs.forEach((input, i) => {
        assert.deepEqual(plainData(input), plainData(inputs[i]!), input.datatype);
      });
    }
  });

  it('reads an empty request, unknown fields, unpacked repeated scalars and fields sent twice', () => {
    assert.deepEqual(bothWays(Buffer.alloc(0)).ours, bothWays(Buffer.alloc(0)).reference);
    // model_name "m"; an unknown varint field 15; an input: name "x", datatype "FP32", shape 1 and 2 unpacked,
    // fp32_contents 1.5 unpacked then [2.5] packed; an unknown fixed64 field 14.
    const input = Buffer.concat([
      Buffer.from('0a0178', 'hex'),
      Buffer.from('120446503332', 'hex'),
      Buffer.from('18011802', 'hex'),
      Buffer.from('2a0b', 'hex'),
      Buffer.from('350000c03f', 'hex'),
      Buffer.from('320400002040', 'hex'),
    ]);
    const bytes = Buffer.concat([
      Buffer.from('0a016d', 'hex'),
      Buffer.from('7805', 'hex'),
      Buffer.from([0x2a, input.byteLength]),
      input,
      Buffer.from('71', 'hex'),
      Buffer.alloc(8),
    ]);
    const { ours, reference } = bothWays(bytes);
    assert.deepEqual(comparable(ours.request), comparable(reference.request));
    assert.deepEqual(ours.request.inputs[0]!.shape, [1, 2]);
    assert.deepEqual(plainData(ours.request.inputs[0]!), [1.5, 2.5]);
  });

  it('reads contents sent before the shape, and contents sent twice (merged)', () => {
    // An input: name "x", datatype "FP32", contents [1.5], then shape [1, 2], then contents [2.5] again.
    const input = Buffer.concat([
      Buffer.from('0a0178', 'hex'),
      Buffer.from('120446503332', 'hex'),
      Buffer.from('2a05350000c03f', 'hex'),
      Buffer.from('18011802', 'hex'),
      Buffer.from('2a06320400002040', 'hex'),
    ]);
    const bytes = Buffer.concat([Buffer.from('0a016d', 'hex'), Buffer.from([0x2a, input.byteLength]), input]);
    // Protobuf merges a message field sent twice (protobufjs keeps the last one, so it is no reference here).
    const { request } = decodeModelInferRequest(readModelInferRequest(bytes));
    assert.deepEqual(request.inputs[0]!.shape, [1, 2]);
    assert.deepEqual(plainData(request.inputs[0]!), [1.5, 2.5]);
  });

  it('refuses contents holding more elements than the shape before decoding them all', () => {
    const varint = (n: number) => {
      const out: number[] = [];
      for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
      return Buffer.from([...out, n]);
    };
    const delimited = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(body.byteLength), body]);
    /** A request whose one input, of `datatype` and shape [1], has these contents. */
    const request = (datatype: string, contents: Buffer) =>
      delimited(
        0x2a,
        Buffer.concat([
          delimited(0x0a, Buffer.from('x')),
          delimited(0x12, Buffer.from(datatype)),
          Buffer.from('1801', 'hex'),
          delimited(0x2a, contents),
        ]),
      );
    // A million packed BOOL varints (a megabyte), and half a million empty BYTES elements.
    const packed = request('BOOL', delimited(0x0a, Buffer.alloc(1_000_000, 1)));
    const strings = request('BYTES', Buffer.alloc(1_000_000, Buffer.from('4200', 'hex')));
    for (const bytes of [packed, strings])
      assert.throws(
        () => readModelInferRequest(bytes),
        invalid(/input 'x': shape \[1\] holds 1 elements but its contents hold more/),
      );
    // A shape of more dimensions than accepted is refused as it is read.
    const deep = delimited(0x2a, delimited(0x1a, Buffer.alloc(100_000, 1)));
    assert.throws(() => readModelInferRequest(deep), invalid(/more than the 64 dimensions/));
  });

  it('views raw_input_contents in place', () => {
    const features = Float32Array.from({ length: 20 }, (_, i) => i / 4);
    const bytes = serialize(
      encodeModelInferRequest('m', {
        parameters: {},
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 10], data: features, parameters: {} }],
        outputs: [],
      }),
    );
    const message = readModelInferRequest(bytes);
    assert.equal(message.raw_input_contents![0]!.buffer, bytes.buffer);
  });

  it('refuses bytes that are not protobuf, with INVALID_ARGUMENT', () => {
    const good = serialize(
      encodeModelInferRequest('m', {
        parameters: {},
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: Float32Array.of(1, 2), parameters: {} }],
        outputs: [],
      }),
    );
    assert.throws(() => readModelInferRequest(good.subarray(0, good.byteLength - 3)), invalid(/not valid protobuf/));
    assert.throws(() => readModelInferRequest(Buffer.from('ff', 'hex')), invalid(/varint is cut off/));
    assert.throws(() => readModelInferRequest(Buffer.from('0b', 'hex')), invalid(/wire type 3/));
    // A parameter map entry without a value is a parameter without a value (protobufjs fails on it).
    assert.throws(
      () => decodeModelInferRequest(readModelInferRequest(Buffer.from('22030a0170', 'hex'))),
      invalid(/parameter "p" has no value/),
    );
  });

  it('writes responses that protobufjs reads as it reads its own: raw and typed, every datatype, parameters', () => {
    const outputs = DATATYPES.map(
      (d, i) => ({ name: d, ...sampleTensor(d), ...(i % 3 === 0 ? { parameters: { n: i } } : {}) }) as InferOutput,
    );
    const cases: [InferenceResponse, boolean][] = [
      [{ modelName: 'm', modelVersion: '2', id: 'abc', outputs }, true],
      [{ modelName: 'm', outputs: outputs.filter((o) => o.datatype !== 'FP16') }, false],
      [{ modelName: 'm', outputs }, false], // FP16: raw anyway
      [
        {
          modelName: 'módel',
          parameters: { a: true, b: 'x', c: 1.5, d: -3, e: 2n ** 63n, f: 2n ** 62n, g: false },
          outputs: [
            { name: 'empty', datatype: 'FP32', shape: [0, 3], data: new Float32Array(0) },
            { name: 'big', datatype: 'INT32', shape: [300], data: Int32Array.from({ length: 300 }, (_, i) => i - 150) },
          ],
        },
        false,
      ],
      [{ modelName: '', outputs: [] }, true],
    ];
    for (const [response, raw] of cases) {
      const frame = writeModelInferResponseFrame(response, raw);
      assert.equal(frame[0], 0);
      assert.equal(frame.readUInt32BE(1), frame.byteLength - 5);
      const ours = modelInfer.responseDeserialize(frame.subarray(5));
      const reference = modelInfer.responseDeserialize(
        modelInfer.responseSerialize(encodeModelInferResponse(response, { raw })),
      );
      assert.deepEqual(ours, reference, `${response.modelName} raw=${raw}`);
    }
  });
});
