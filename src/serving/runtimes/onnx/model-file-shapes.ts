/**
 * Reads the declared shapes of a model's graph inputs and outputs straight from the ONNX file.
 *
 * ONNX Runtime's `inputMetadata`/`outputMetadata` report `[]` both for a scalar and for a tensor whose rank
 * the model does not declare; only the file tells them apart (a `TensorShapeProto` present with no dims is a
 * scalar, an absent one is "any rank"). This is a minimal protobuf walk over the few fields needed, from
 * onnx/onnx.proto:
 *
 *   ModelProto.graph = 7 · GraphProto.input = 11, .output = 12 · ValueInfoProto.name = 1, .type = 2 ·
 *   TypeProto.tensor_type = 1 · TypeProto.Tensor.shape = 2 · TensorShapeProto.dim = 1 ·
 *   Dimension.dim_value = 1 (int64), .dim_param = 2 (string)
 */
import { invalidArgument } from '../../../core/errors.js';

/** name → declared dims (-1 for a symbolic or unknown dimension), or null when no shape is declared. */
export type DeclaredShapes = Map<string, number[] | null>;

export function readDeclaredShapes(model: Uint8Array): { inputs: DeclaredShapes; outputs: DeclaredShapes } {
  const inputs: DeclaredShapes = new Map();
  const outputs: DeclaredShapes = new Map();
  try {
    for (const graph of fields(model, 7)) {
      for (const [fieldNumber, value] of allFields(graph)) {
        if (fieldNumber !== 11 && fieldNumber !== 12) continue;
        const info = readValueInfo(value as Uint8Array);
        if (info) (fieldNumber === 11 ? inputs : outputs).set(info.name, info.shape);
      }
    }
  } catch (cause) {
    throw invalidArgument(`cannot read the ONNX model's graph: ${(cause as Error).message}`);
  }
  return { inputs, outputs };
}

function readValueInfo(bytes: Uint8Array): { name: string; shape: number[] | null } | undefined {
  const name = fields(bytes, 1)[0];
  const type = fields(bytes, 2)[0];
  const tensorType = type && fields(type, 1)[0];
  if (name === undefined || tensorType === undefined) return undefined; // not a tensor (sequence, map…)
  const shape = fields(tensorType, 2)[0];
  return {
    name: new TextDecoder().decode(name),
    shape: shape === undefined ? null : fields(shape, 1).map(readDimension),
  };
}

function readDimension(bytes: Uint8Array): number {
  for (const [fieldNumber, value] of allFields(bytes)) {
    if (fieldNumber === 1 && typeof value === 'bigint' && value < 1n << 63n) return Number(value); // not a negative int64
  }
  return -1; // dim_param (symbolic) or nothing at all
}

/** The length-delimited values of one field number. */
function fields(bytes: Uint8Array, wanted: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (const [fieldNumber, value] of allFields(bytes))
    if (fieldNumber === wanted && value instanceof Uint8Array) found.push(value);
  return found;
}

/** Every (field number, value) of a protobuf message: varints as bigint, length-delimited as byte views. */
function* allFields(bytes: Uint8Array): Generator<[number, bigint | Uint8Array | undefined]> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (offset >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('varint longer than 10 bytes');
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const fieldNumber = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) yield [fieldNumber, varint()];
    else if (wireType === 2) {
      const length = Number(varint());
      if (offset + length > bytes.length) throw new Error('field runs past the end of its message');
      yield [fieldNumber, bytes.subarray(offset, offset + length)];
      offset += length;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
      yield [fieldNumber, undefined];
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  if (offset > bytes.length) throw new Error('fixed-width field runs past the end of its message');
}
