import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { isOspreyError } from '../../core/errors.js';
import { encodeModel, encodeTensor } from './onnx-encoder.js';
import { attr, IR_VERSION, type Model, ONNX_ML_DOMAIN, ONNX_ML_OPSET, ONNX_OPSET } from './onnx-model.js';
import { ProtobufWriter } from './protobuf-writer.js';

// An independent decoder: protobufjs with the fields of onnx.proto we write (fixtures/onnx-subset.proto).
// int64 fields come back as decimal strings, bytes as arrays of numbers.
const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/onnx-subset.proto', import.meta.url)));
interface DecodedTensor {
  dims: string[];
  dataType: number;
  name?: string;
  floatData: number[];
  int64Data: string[];
  stringData: number[][];
  rawData?: number[];
}
interface DecodedAttribute {
  name: string;
  type: number;
  f?: number;
  i?: string;
  s?: number[];
  t?: DecodedTensor;
  floats: number[];
  ints: string[];
  strings: number[][];
}
interface DecodedNode {
  input: string[];
  output: string[];
  opType: string;
  domain?: string;
  attribute: DecodedAttribute[];
}
interface DecodedGraph {
  name: string;
  docString?: string;
  node: DecodedNode[];
  initializer: DecodedTensor[];
  input: unknown[];
  output: { type: unknown }[];
}
interface DecodedModel {
  irVersion: string;
  producerName: string;
  producerVersion?: string;
  opsetImport: unknown[];
  metadataProps: unknown[];
  graph: DecodedGraph;
}
function decodeModel(bytes: Uint8Array): DecodedModel {
  const message = root.lookupType('onnx.ModelProto');
  return message.toObject(message.decode(bytes), { longs: String, bytes: Array, arrays: true }) as DecodedModel;
}
const text = (bytes: number[] | undefined) => Buffer.from(bytes ?? []).toString();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtobufWriter', () => {
  test('writes varints, negative int64s, floats, strings and packed runs as the wire format says', () => {
    assert.equal(hex(new ProtobufWriter().int(1, 300).finish()), '08ac02');
    assert.equal(hex(new ProtobufWriter().int(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtobufWriter().int(2, 2n ** 62n).finish()), '10808080808080808040');
    assert.equal(hex(new ProtobufWriter().float(2, 1.5).finish()), '150000c03f');
    assert.equal(hex(new ProtobufWriter().string(3, 'hé').finish()), '1a0368c3a9');
    assert.equal(hex(new ProtobufWriter().packedInts(7, [1, 150]).finish()), '3a03019601');
    assert.equal(hex(new ProtobufWriter().packedFloats(4, [1]).finish()), '22040000803f');
  });

  test('refuses field numbers and integers it cannot write', () => {
    assert.throws(() => new ProtobufWriter().int(0, 1), /field number/);
    assert.throws(() => new ProtobufWriter().int(1, 2 ** 60), /safe integer/);
  });
});

describe('encodeModel', () => {
  const model: Model = {
    irVersion: IR_VERSION,
    opsetImports: [
      { domain: '', version: ONNX_OPSET },
      { domain: ONNX_ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: 'osprey',
    producerVersion: '0.1.0',
    docString: 'adds a constant, then looks up names',
    metadata: { classes: '["a","b"]' },
    graph: {
      name: 'test_graph',
      docString: 'graph doc',
      nodes: [
        {
          opType: 'Constant',
          name: 'offsets',
          inputs: [],
          outputs: ['offset'],
          attributes: [attr.tensor('value', { dataType: 'float', dims: [3], data: [0.5, -1, 2], raw: true })],
        },
        { opType: 'Add', name: 'add', inputs: ['x', 'offset'], outputs: ['y'] },
        {
          opType: 'LabelEncoder',
          domain: ONNX_ML_DOMAIN,
          name: 'names',
          inputs: ['index'],
          outputs: ['name'],
          attributes: [
            attr.ints('keys_int64s', [-3, 0, 7]),
            attr.strings('values_strings', ['minus three', 'zero', 'seven']),
            attr.string('default_string', 'other'),
          ],
        },
      ],
      initializers: [{ name: 'unused', dataType: 'int64', dims: [2], data: [-5n, 2n ** 40n] }],
      inputs: [
        { name: 'x', elementType: 'float', shape: ['batch', 3], docString: 'three numbers' },
        { name: 'index', elementType: 'int64', shape: ['batch'] },
      ],
      outputs: [
        { name: 'y', elementType: 'float', shape: ['batch', 3] },
        { name: 'name', elementType: 'string', shape: ['batch'] },
      ],
    },
  };

  test('decodes, with an independent protobuf decoder, to the fields of onnx.proto', () => {
    const decoded = decodeModel(encodeModel(model));
    assert.equal(decoded.irVersion, String(IR_VERSION));
    assert.equal(decoded.producerName, 'osprey');
    assert.equal(decoded.producerVersion, '0.1.0');
    assert.deepEqual(decoded.opsetImport, [
      { domain: '', version: String(ONNX_OPSET) },
      { domain: 'ai.onnx.ml', version: String(ONNX_ML_OPSET) },
    ]);
    assert.deepEqual(decoded.metadataProps, [{ key: 'classes', value: '["a","b"]' }]);
    const graph = decoded.graph;
    assert.equal(graph.name, 'test_graph');
    assert.equal(graph.docString, 'graph doc');
    assert.deepEqual(
      graph.node.map((n) => [n.opType, n.domain ?? '', n.input, n.output]),
      [
        ['Constant', '', [], ['offset']],
        ['Add', '', ['x', 'offset'], ['y']],
        ['LabelEncoder', 'ai.onnx.ml', ['index'], ['name']],
      ],
    );
    const constant = graph.node[0]!.attribute[0]!;
    assert.equal(constant.type, 4); // TENSOR
    assert.deepEqual(constant.t?.dims, ['3']);
    assert.equal(constant.t?.dataType, 1);
    assert.deepEqual([...new Float32Array(new Uint8Array(constant.t?.rawData ?? []).buffer)], [0.5, -1, 2]);
    const [keys, values, fallback] = graph.node[2]!.attribute as [DecodedAttribute, DecodedAttribute, DecodedAttribute];
    assert.deepEqual([keys.name, keys.type, keys.ints], ['keys_int64s', 7, ['-3', '0', '7']]);
    assert.deepEqual(values.strings.map(text), ['minus three', 'zero', 'seven']);
    assert.deepEqual([fallback.type, text(fallback.s)], [3, 'other']);
    const initializer = graph.initializer[0]!;
    assert.deepEqual(
      [initializer.name, initializer.dims, initializer.dataType, initializer.int64Data],
      ['unused', ['2'], 7, ['-5', String(2 ** 40)]],
    );
    assert.deepEqual(graph.input[0], {
      name: 'x',
      docString: 'three numbers',
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: '3' }] } } },
    });
    assert.deepEqual(graph.output[1]?.type, { tensorType: { elemType: 8, shape: { dim: [{ dimParam: 'batch' }] } } });
  });

  test('writes every attribute and tensor kind', () => {
    const attributes = encodeModel({
      ...model,
      graph: {
        ...model.graph,
        nodes: [
          {
            opType: 'Any',
            inputs: [],
            outputs: [],
            attributes: [
              attr.float('f', 0.25),
              attr.int('i', -2),
              attr.floats('fs', [1.5, 0]),
              attr.tensor('strings', { dataType: 'string', dims: [2], data: ['a', ''] }),
              attr.tensor('floats', { dataType: 'float', dims: [1, 2], data: [3, 4] }),
            ],
          },
        ],
      },
    });
    const [f, i, fs, strings, floats] = decodeModel(attributes).graph.node[0]!.attribute as DecodedAttribute[];
    assert.deepEqual([f!.type, f!.f], [1, 0.25]);
    assert.deepEqual([i!.type, i!.i], [2, '-2']);
    assert.deepEqual([fs!.type, fs!.floats], [6, [1.5, 0]]);
    assert.deepEqual(strings!.t?.stringData.map(text), ['a', '']);
    assert.deepEqual(
      [floats!.t?.dims, floats!.t?.floatData],
      [
        ['1', '2'],
        [3, 4],
      ],
    );
  });

  test('ONNX Runtime loads and runs the model: tensor attributes, ai.onnx.ml nodes, symbolic dims', async () => {
    const session = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3 });
    try {
      assert.deepEqual(
        session.inputMetadata.map((m) => (m.isTensor ? [m.name, m.type, m.shape] : [])),
        [
          ['x', 'float32', ['batch', 3]],
          ['index', 'int64', ['batch']],
        ],
      );
      const out = await session.run({
        x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 0, 0, 0]), [2, 3]),
        index: new ort.Tensor('int64', BigInt64Array.from([-3n, 5n]), [2]),
      });
      assert.deepEqual([...(out.y!.data as Float32Array)], [1.5, 1, 5, 0.5, -1, 2]);
      assert.deepEqual(out.name!.data, ['minus three', 'other']);
    } finally {
      await session.release();
    }
  });

  test('refuses a tensor whose data does not fill its dims', () => {
    assert.throws(
      () => encodeTensor({ name: 'w', dataType: 'float', dims: [2, 3], data: [1, 2, 3] }),
      (error) =>
        isOspreyError(error, 'INVALID_ARGUMENT') &&
        /tensor w has 3 values but its dims \[2, 3\] need 6/.test(error.message),
    );
  });
});
