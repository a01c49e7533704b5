import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { DATATYPES, type Tensor } from '../tensor.js';
import { plainData, sampleTensor } from '../test-support/samples.js';
import { decodeBinaryData, encodeBinaryData } from './binary-data.js';
import { decodeJsonData, encodeJsonData } from './json-data.js';
import { DEFAULT_MAX_BODY_BYTES, decodeRestInferRequest } from './rest-request.js';
import { encodeRestInferResponse, wantsBinaryOutput } from './rest-response.js';
import type { InferOutput } from './types.js';

const invalid = (pattern: RegExp) => (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A body of the binary tensor data extension: JSON header, then the segments; and the header's length. */
function binaryBody(header: unknown, ...segments: Uint8Array[]) {
  const head = json(header);
  return { body: Buffer.concat([head, ...segments]), inferenceHeaderContentLength: String(head.byteLength) };
}

describe('REST inference request (JSON)', () => {
  it('decodes the specification example: id, flat and nested data, requested outputs', () => {
    const request = decodeRestInferRequest(
      json({
        id: '42',
        inputs: [
          { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
          { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
          {
            name: 'input2',
            shape: [2, 1],
            datatype: 'BYTES',
            data: [['a'], ['b']],
            parameters: { content_type: 'str' },
          },
        ],
        outputs: [{ name: 'output0' }],
      }),
    );
    assert.equal(request.id, '42');
    assert.deepEqual(request.parameters, {});
    assert.deepEqual(
      request.inputs.map((i) => [i.name, i.datatype, i.shape, plainData(i)]),
      [
        ['input0', 'UINT32', [2, 2], [1, 2, 3, 4]],
        ['input1', 'BOOL', [3], [1, 0, 1]],
        ['input2', 'BYTES', [2, 1], [[0x61], [0x62]]],
      ],
    );
    assert.deepEqual(request.inputs[2]?.parameters, { content_type: 'str' });
    assert.deepEqual(request.outputs, [{ name: 'output0', parameters: {} }]);
  });

  it('decodes a request for every datatype', () => {
    for (const datatype of DATATYPES.filter((d) => d !== 'INT64' && d !== 'UINT64')) {
      const tensor = sampleTensor(datatype);
      const data = JSON.parse(encodeJsonData(datatype, tensor.data));
      const request = decodeRestInferRequest(json({ inputs: [{ name: 'x', shape: tensor.shape, datatype, data }] }));
      assert.deepEqual(plainData(request.inputs[0]!), plainData(tensor), datatype);
    }
  });

  it('refuses malformed requests with a message naming the problem', () => {
    const input = { name: 'x', shape: [1], datatype: 'FP32', data: [1] };
    const cases: [unknown, RegExp][] = [
      [[input], /the request body must be a JSON object/],
      [{ inputs: {} }, /"inputs" must be an array/],
      [{ id: 7, inputs: [input] }, /"id" must be a string/],
      [{ inputs: [input], parameters: { a: [1] } }, /the request: parameter "a" must be a string, number or boolean/],
      [{ inputs: [input], parameters: { binary_data_output: 'yes' } }, /"binary_data_output" must be true or false/],
      [{ inputs: [{ ...input, name: '' }] }, /input #0: "name" must be a non-empty string/],
      [{ inputs: [{ ...input, datatype: 'FLOAT32' }] }, /input 'x': unknown datatype "FLOAT32"/],
      [{ inputs: [{ ...input, shape: [-1] }] }, /input 'x': shape dimensions must be non-negative integers/],
      [{ inputs: [{ ...input, shape: '1' }] }, /input 'x': "shape" must be an array/],
      [{ inputs: [{ ...input, shape: Array(65).fill(1) }] }, /65 dimensions, more than the 64/],
      [{ inputs: [{ ...input, shape: [2 ** 30, 2 ** 30, 2 ** 30] }] }, /holds more elements than can be sent/],
      [
        { inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] },
        /input 'x': has neither "data" nor a "binary_data_size"/,
      ],
      [{ inputs: [{ ...input, data: [1, 2] }] }, /input 'x': shape \[1\] holds 1 elements but "data" has 2/],
      [
        { inputs: [input], outputs: [{ name: 'y', parameters: { binary_data: 1 } }] },
        /requested output 'y': parameter "binary_data" must be true or false/,
      ],
      [{ inputs: [input], outputs: [{}] }, /requested output #0: "name" must be a non-empty string/],
    ];
    for (const [body, message] of cases)
      assert.throws(() => decodeRestInferRequest(json(body)), invalid(message), String(message));
    assert.throws(
      () => decodeRestInferRequest(Buffer.from('{"inputs": [')),
      invalid(/the request body must be a JSON inference request/),
    );
    assert.throws(
      () => decodeRestInferRequest(Buffer.from([0x7b, 0xff, 0x7d])),
      invalid(/must be a JSON inference request/),
    );
  });

  it('bounds the body size', () => {
    const body = json({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3] }] });
    assert.equal(DEFAULT_MAX_BODY_BYTES, 64 * 1024 * 1024);
    assert.throws(
      () => decodeRestInferRequest(body, { maxBodyBytes: body.byteLength - 1 }),
      invalid(
        new RegExp(`the request body is ${body.byteLength} bytes, more than the limit of ${body.byteLength - 1} bytes`),
      ),
    );
    assert.equal(decodeRestInferRequest(body, { maxBodyBytes: body.byteLength }).inputs.length, 1);
  });
});

describe("REST inference request (Triton's binary tensor data extension)", () => {
  it("decodes the extension's example: UINT32 [2,2] and BOOL [3] as 19 bytes after the JSON", () => {
    const { body, inferenceHeaderContentLength } = binaryBody(
      {
        model_name: 'mymodel',
        inputs: [
          { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
          { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
        ],
        outputs: [{ name: 'output0', parameters: { binary_data: true } }],
      },
      encodeBinaryData('UINT32', Uint32Array.of(1, 2, 3, 4)),
      Uint8Array.of(1, 0, 1),
    );
    const request = decodeRestInferRequest(body, { inferenceHeaderContentLength });
    assert.deepEqual(plainData(request.inputs[0]!), [1, 2, 3, 4]);
    assert.deepEqual(plainData(request.inputs[1]!), [1, 0, 1]);
    assert.equal(wantsBinaryOutput(request, 'output0'), true);
  });

  it('mixes binary and JSON inputs, binary segments in input order; every datatype travels binary', () => {
    const tensors = DATATYPES.map(sampleTensor);
    const segments = tensors.map((t) => encodeBinaryData(t.datatype, t.data));
    const inputs = tensors.map((t, i) => ({
      name: `in_${t.datatype}`,
      shape: t.shape,
      datatype: t.datatype,
      parameters: { binary_data_size: segments[i]!.byteLength },
    }));
    inputs.splice(1, 0, { name: 'json_input', shape: [1], datatype: 'FP32', data: [0.5] } as never);
    const { body, inferenceHeaderContentLength } = binaryBody({ inputs }, ...segments);
    const request = decodeRestInferRequest(body, { inferenceHeaderContentLength });
    assert.deepEqual(plainData(request.inputs[1]!), [0.5]);
    const binaryInputs = request.inputs.filter((i) => i.name !== 'json_input');
    binaryInputs.forEach((input, i) => {
      assert.deepEqual(plainData(input), plainData(tensors[i]!), input.name);
    });
  });

  it('refuses a wrong Inference-Header-Content-Length and sizes that do not add up', () => {
    const header = {
      inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }],
    };
    const { body, inferenceHeaderContentLength } = binaryBody(header, encodeBinaryData('FP32', Float32Array.of(1, 2)));
    const length = Number(inferenceHeaderContentLength);
    const decode =
      (h: string | undefined, b: Uint8Array = body) =>
      () =>
        decodeRestInferRequest(b, { inferenceHeaderContentLength: h });
    assert.deepEqual(plainData(decodeRestInferRequest(body, { inferenceHeaderContentLength }).inputs[0]!), [1, 2]);
    assert.throws(decode('abc'), invalid(/Inference-Header-Content-Length must be a byte count, got "abc"/));
    assert.throws(decode('-5'), invalid(/must be a byte count/));
    assert.throws(decode(String(body.byteLength + 1)), invalid(/is \d+ but the body has only \d+ bytes/));
    assert.throws(
      decode(String(length - 1)),
      invalid(
        new RegExp(
          `the first ${length - 1} bytes of the body \\(Inference-Header-Content-Length\\) must be a JSON inference request`,
        ),
      ),
    );
    assert.throws(decode(String(length + 2)), invalid(/must be a JSON inference request/));
    assert.throws(decode('0'), invalid(/the first 0 bytes/));
    assert.throws(decode(undefined), invalid(/the request body must be a JSON inference request/));
    // sizes: declared more than sent, less than sent, binary size on a body without the header
    const short = binaryBody(header, encodeBinaryData('FP32', Float32Array.of(1)));
    assert.throws(
      () => decodeRestInferRequest(short.body, short),
      invalid(/input 'x': binary_data_size is 8 but only 4 bytes of binary data remain/),
    );
    const long = binaryBody(header, new Uint8Array(12));
    assert.throws(
      () => decodeRestInferRequest(long.body, long),
      invalid(/the body has 12 bytes after the \d+-byte JSON header, but the inputs' binary_data_size add up to 8/),
    );
    assert.throws(
      () => decodeRestInferRequest(json(header)),
      invalid(/input 'x': has "binary_data_size" but the request has no Inference-Header-Content-Length header/),
    );
    const wrongSize = binaryBody(
      { inputs: [{ ...header.inputs[0], parameters: { binary_data_size: 4 } }] },
      new Uint8Array(4),
    );
    assert.throws(
      () => decodeRestInferRequest(wrongSize.body, wrongSize),
      invalid(/input 'x': 2 FP32 elements take 8 bytes, but 4 bytes were sent/),
    );
    const both = binaryBody({ inputs: [{ ...header.inputs[0], data: [1, 2] }] }, new Uint8Array(8));
    assert.throws(
      () => decodeRestInferRequest(both.body, both),
      invalid(/input 'x': has both "data" and a "binary_data_size"/),
    );
    const negative = binaryBody({ inputs: [{ ...header.inputs[0], parameters: { binary_data_size: -8 } }] });
    assert.throws(
      () => decodeRestInferRequest(negative.body, negative),
      invalid(/"binary_data_size" must be a non-negative integer/),
    );
  });
});

describe('REST inference response', () => {
  const probabilities: InferOutput = {
    name: 'probabilities',
    datatype: 'FP32',
    shape: [1, 2],
    data: Float32Array.of(0.25, 0.75),
  };
  const label: InferOutput = { name: 'label', datatype: 'INT64', shape: [1], data: BigInt64Array.of(2n ** 62n + 1n) };

  it('writes JSON outputs with the request id, and INT64 exactly', () => {
    const encoded = encodeRestInferResponse(
      { modelName: 'iris', modelVersion: '3', id: 'r-1', outputs: [probabilities, label] },
      { parameters: {}, outputs: [] },
    );
    assert.equal(encoded.contentType, 'application/json');
    assert.equal(encoded.inferenceHeaderContentLength, undefined);
    const text = encoded.body.toString();
    assert.ok(text.includes('"data":[4611686018427387905]'), text);
    assert.deepEqual(JSON.parse(text), {
      model_name: 'iris',
      model_version: '3',
      id: 'r-1',
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.25, 0.75] },
        { name: 'label', datatype: 'INT64', shape: [1], data: [4611686018427388000] },
      ],
    });
  });

  it('returns binary outputs as the extension example does: binary_data_size and bytes after the JSON', () => {
    const output0: InferOutput = {
      name: 'output0',
      datatype: 'FP32',
      shape: [3, 2],
      data: Float32Array.of(1, 1.5, 2, 2.5, 3, 3.5),
    };
    const encoded = encodeRestInferResponse(
      { modelName: 'mymodel', outputs: [output0] },
      { parameters: {}, outputs: [{ name: 'output0', parameters: { binary_data: true } }] },
    );
    assert.equal(encoded.contentType, 'application/octet-stream');
    const headerLength = encoded.inferenceHeaderContentLength!;
    assert.equal(encoded.body.byteLength, headerLength + 24);
    assert.deepEqual(JSON.parse(encoded.body.subarray(0, headerLength).toString()), {
      model_name: 'mymodel',
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2], parameters: { binary_data_size: 24 } }],
    });
    assert.deepEqual(
      [...decodeBinaryData('FP32', encoded.body.subarray(headerLength), 6, 'output0')],
      [1, 1.5, 2, 2.5, 3, 3.5],
    );
  });

  it('binary_data_output makes every output binary unless an output says binary_data: false', () => {
    const request = {
      parameters: { binary_data_output: true },
      outputs: [{ name: 'label', parameters: { binary_data: false } }],
    };
    assert.equal(wantsBinaryOutput(request, 'probabilities'), true);
    assert.equal(wantsBinaryOutput(request, 'label'), false);
    const encoded = encodeRestInferResponse({ modelName: 'm', outputs: [probabilities, label] }, request);
    const headerLength = encoded.inferenceHeaderContentLength!;
    const header = JSON.parse(encoded.body.subarray(0, headerLength).toString());
    assert.deepEqual(header.outputs[0].parameters, { binary_data_size: 8 });
    assert.equal(header.outputs[0].data, undefined);
    assert.deepEqual(header.outputs[1].data, [4611686018427388000]);
    assert.equal(encoded.body.byteLength, headerLength + 8);
  });

  it('round-trips every datatype, JSON and binary', () => {
    const outputs = DATATYPES.map((d) => ({ name: d, ...sampleTensor(d) }) as InferOutput);
    for (const binary of [false, true]) {
      const encoded = encodeRestInferResponse(
        { modelName: 'm', outputs },
        { parameters: { binary_data_output: binary }, outputs: [] },
      );
      const headerLength = encoded.inferenceHeaderContentLength ?? encoded.body.byteLength;
      const header = JSON.parse(encoded.body.subarray(0, headerLength).toString());
      let offset = headerLength;
      header.outputs.forEach(
        (
          out: { name: string; shape: number[]; data?: unknown; parameters?: { binary_data_size: number } },
          i: number,
        ) => {
          const original = outputs[i]!;
          assert.equal(out.name, original.datatype);
          if (original.datatype === 'INT64' || original.datatype === 'UINT64') {
            if (!binary) return; // exact digits checked above; JSON.parse rounds them
          }
          let data: Tensor['data'];
          if (binary) {
            const size = out.parameters!.binary_data_size;
            data = decodeBinaryData(
              original.datatype,
              encoded.body.subarray(offset, offset + size),
              original.data.length,
              out.name,
            );
            offset += size;
          } else data = decodeJsonData(original.datatype, out.shape, out.data, out.name);
          assert.deepEqual(plainData({ data } as Tensor), plainData(original), `${original.datatype} binary=${binary}`);
        },
      );
      if (binary) assert.equal(offset, encoded.body.byteLength);
    }
  });
});
