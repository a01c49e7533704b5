/**
 * Tensor elements as raw bytes, shared by Triton's binary tensor data extension (REST) and the gRPC
 * `raw_input_contents` / `raw_output_contents` fields:
 *
 * "Tensor data represented as binary data is organized in little-endian byte order, row major, without
 * stride or padding between elements. [...] For BOOL type element true is a single byte with value 1 and
 * false is a single byte with value 0. For BYTES type an element is represented by a 4-byte unsigned integer
 * giving the length followed by the actual bytes."
 * (triton-inference-server/server, docs/protocol/extension_binary_data.md)
 */
import { endianness } from 'node:os';
import { invalidArgument, OspreyError } from '../../core/errors.js';
import { allocateData, type Datatype, ELEMENT_BYTES, type TensorDataMap } from '../tensor.js';

if (endianness() !== 'LE')
  throw new OspreyError(
    'INTERNAL',
    'the binary tensor codec assumes a little-endian host (typed arrays use host order)',
  );

/**
 * Decodes `count` elements of `datatype` from `bytes`, which must hold exactly those elements. The result is a
 * view of `bytes` (no copy) when they are aligned for the datatype, else a copy: either way it must be read only.
 */
export function decodeBinaryData<D extends Datatype>(
  datatype: D,
  bytes: Uint8Array,
  count: number,
  tensor: string,
): TensorDataMap[D] {
  if (datatype === 'BYTES') return decodeBytesElements(bytes, count, tensor) as TensorDataMap[D];
  const size = ELEMENT_BYTES[datatype]!;
  if (bytes.byteLength !== count * size)
    throw invalidArgument(
      `${tensor}: ${count} ${datatype} elements take ${count * size} bytes, but ${bytes.byteLength} bytes were sent`,
      { tensor },
    );
  let data: Exclude<TensorDataMap[Datatype], Uint8Array[]>;
  if (bytes.byteOffset % size === 0) data = viewAs(datatype, bytes, count);
  else {
    // A typed array must start at a multiple of its element size: a misaligned slice of a body is copied.
    data = allocateData(datatype, count) as Exclude<TensorDataMap[Datatype], Uint8Array[]>;
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  }
  if (datatype === 'BOOL') {
    const index = (data as Uint8Array).findIndex((b) => b > 1);
    if (index >= 0)
      throw invalidArgument(`${tensor}: BOOL element ${index} is byte ${(data as Uint8Array)[index]}, not 0 or 1`, {
        tensor,
      });
  }
  return data as TensorDataMap[D];
}

/** BYTES elements: each a 4-byte little-endian unsigned length followed by that many bytes. */
function decodeBytesElements(bytes: Uint8Array, count: number, tensor: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (elements.length === count)
      throw invalidArgument(
        `${tensor}: ${bytes.byteLength - offset} bytes left over after the ${count} BYTES elements the shape holds`,
        { tensor },
      );
    if (offset + 4 > bytes.byteLength)
      throw invalidArgument(`${tensor}: BYTES element ${elements.length} is cut off inside its 4-byte length`, {
        tensor,
      });
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength)
      throw invalidArgument(
        `${tensor}: BYTES element ${elements.length} declares ${length} bytes but only ${bytes.byteLength - offset} remain`,
        { tensor },
      );
    elements.push(bytes.slice(offset, offset + length));
    offset += length;
  }
  if (elements.length !== count)
    throw invalidArgument(`${tensor}: the shape holds ${count} BYTES elements but the data has ${elements.length}`, {
      tensor,
    });
  return elements;
}

/** The raw bytes of a tensor's elements (a view, not a copy, for fixed-size datatypes). */
export function encodeBinaryData(datatype: Datatype, data: TensorDataMap[Datatype]): Uint8Array {
  if (datatype === 'BYTES') {
    const elements = data as Uint8Array[];
    const out = new Uint8Array(elements.reduce((total, e) => total + 4 + e.byteLength, 0));
    const view = new DataView(out.buffer);
    let offset = 0;
    for (const element of elements) {
      view.setUint32(offset, element.byteLength, true);
      out.set(element, offset + 4);
      offset += 4 + element.byteLength;
    }
    return out;
  }
  const typed = data as Exclude<TensorDataMap[Datatype], Uint8Array[]>;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

const VIEWS: {
  [D in Exclude<Datatype, 'BYTES'>]: new (
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
  ) => TensorDataMap[D];
} = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** The elements of an aligned byte range as a typed array over the same memory. */
function viewAs(datatype: Exclude<Datatype, 'BYTES'>, bytes: Uint8Array, count: number) {
  return new VIEWS[datatype](bytes.buffer, bytes.byteOffset, count) as Exclude<TensorDataMap[Datatype], Uint8Array[]>;
}
