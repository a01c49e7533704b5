/**
 * Encodes a Model (onnx-model.ts) as an ONNX protobuf file. Field numbers are those of onnx/onnx.proto (ONNX 1.12):
 *
 *   ModelProto:          ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8,
 *                        metadata_props 14
 *   OperatorSetIdProto:  domain 1, version 2          StringStringEntryProto: key 1, value 2
 *   GraphProto:          node 1, name 2, initializer 5, doc_string 10, input 11, output 12
 *   NodeProto:           input 1, output 2, name 3, op_type 4, attribute 5, domain 7
 *   AttributeProto:      name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9, type 20
 *                        (AttributeType FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8)
 *   TensorProto:         dims 1, data_type 2, float_data 4 (packed), string_data 6, int64_data 7 (packed), name 8,
 *                        raw_data 9 (little-endian)
 *   ValueInfoProto:      name 1, type 2, doc_string 3
 *   TypeProto:           tensor_type 1 → Tensor: elem_type 1, shape 2 → TensorShapeProto: dim 1 →
 *                        Dimension: dim_value 1, dim_param 2
 *
 * onnx.proto is proto2: repeated scalars not declared `[packed = true]` (dims, AttributeProto.floats/ints) are
 * written one element per tag, as the declaration says.
 */
import { invalidArgument } from '../../core/errors.js';
import {
  type Attribute,
  ELEMENT_TYPES,
  type Graph,
  type Model,
  type Node,
  type Tensor,
  type ValueInfo,
} from './onnx-model.js';
import { ProtobufWriter } from './protobuf-writer.js';

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

export function encodeModel(model: Model): Uint8Array {
  const w = new ProtobufWriter().int(1, model.irVersion).string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  w.bytes(7, encodeGraph(model.graph));
  for (const opset of model.opsetImports)
    w.bytes(8, new ProtobufWriter().string(1, opset.domain).int(2, opset.version).finish());
  for (const [key, value] of Object.entries(model.metadata ?? {}))
    w.bytes(14, new ProtobufWriter().string(1, key).string(2, value).finish());
  return w.finish();
}

function encodeGraph(graph: Graph): Uint8Array {
  const w = new ProtobufWriter();
  for (const node of graph.nodes) w.bytes(1, encodeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers ?? []) w.bytes(5, encodeTensor(tensor));
  if (graph.docString !== undefined) w.string(10, graph.docString);
  for (const input of graph.inputs) w.bytes(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.bytes(12, encodeValueInfo(output));
  return w.finish();
}

function encodeNode(node: Node): Uint8Array {
  const w = new ProtobufWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attributes ?? []) w.bytes(5, encodeAttribute(attribute));
  if (node.domain) w.string(7, node.domain);
  return w.finish();
}

export function encodeAttribute(attribute: Attribute): Uint8Array {
  const w = new ProtobufWriter().string(1, attribute.name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value);
      break;
    case 'int':
      w.int(3, attribute.value);
      break;
    case 'string':
      w.string(4, attribute.value);
      break;
    case 'tensor':
      w.bytes(5, encodeTensor(attribute.value));
      break;
    case 'floats':
      for (let i = 0; i < attribute.value.length; i++) w.float(7, attribute.value[i]!);
      break;
    case 'ints':
      for (let i = 0; i < attribute.value.length; i++) w.int(8, attribute.value[i]!);
      break;
    case 'strings':
      for (const value of attribute.value) w.string(9, value);
      break;
  }
  return w.int(20, ATTRIBUTE_TYPES[attribute.type]).finish();
}

export function encodeTensor(tensor: Tensor): Uint8Array {
  const expected = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (tensor.data.length !== expected)
    throw invalidArgument(
      `tensor ${tensor.name ?? '(unnamed)'} has ${tensor.data.length} values but its dims [${tensor.dims.join(', ')}] need ${expected}`,
    );
  const w = new ProtobufWriter();
  for (const dim of tensor.dims) w.int(1, dim);
  w.int(2, ELEMENT_TYPES[tensor.dataType]);
  if (tensor.name !== undefined) w.string(8, tensor.name);
  switch (tensor.dataType) {
    case 'float':
      if (tensor.raw) w.bytes(9, littleEndianFloats(tensor.data));
      else w.packedFloats(4, tensor.data);
      break;
    case 'int64':
      w.packedInts(7, tensor.data);
      break;
    case 'string':
      for (const value of tensor.data) w.string(6, value);
      break;
  }
  return w.finish();
}

function encodeValueInfo(info: ValueInfo): Uint8Array {
  const shape = new ProtobufWriter();
  for (const dim of info.shape) {
    const dimension = new ProtobufWriter();
    if (typeof dim === 'string') dimension.string(2, dim);
    else dimension.int(1, dim);
    shape.bytes(1, dimension.finish());
  }
  const tensorType = new ProtobufWriter().int(1, ELEMENT_TYPES[info.elementType]).bytes(2, shape.finish());
  const type = new ProtobufWriter().bytes(1, tensorType.finish());
  const w = new ProtobufWriter().string(1, info.name).bytes(2, type.finish());
  if (info.docString !== undefined) w.string(3, info.docString);
  return w.finish();
}

function littleEndianFloats(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}
