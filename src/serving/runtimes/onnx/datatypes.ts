/**
 * The one table between Open Inference Protocol datatypes and ONNX Runtime tensor types, and the
 * conversions between Osprey's tensors and ONNX Runtime's.
 *
 * ONNX element types with no protocol datatype (bfloat16, 4-bit integers, complex, float8) are refused when a
 * model is loaded, naming the tensor.
 */
import * as ort from 'onnxruntime-node';
import { invalidArgument } from '../../../core/errors.js';
import type { Datatype, Tensor, TensorDataMap } from '../../tensor.js';

type OrtType = ort.Tensor.Type;

export const V2_TO_ORT: Readonly<Record<Datatype, OrtType>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const ORT_TO_V2: ReadonlyMap<string, Datatype> = new Map(
  Object.entries(V2_TO_ORT).map(([v2, type]) => [type, v2 as Datatype]),
);

/** The protocol datatype of an ONNX Runtime tensor type, or undefined when the protocol has none. */
export const datatypeOfOrtType = (type: string): Datatype | undefined => ORT_TO_V2.get(type);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * An ONNX Runtime tensor holding the same elements. Numeric data is shared, not copied. BYTES elements become
 * strings (ONNX string tensors hold text): an element that is not valid UTF-8 is refused, naming the tensor.
 */
export function toOrtTensor(name: string, tensor: Tensor): ort.Tensor {
  const dims = [...tensor.shape];
  if (tensor.datatype === 'BYTES') {
    const strings = tensor.data.map((element, index) => {
      try {
        return utf8.decode(element);
      } catch {
        throw invalidArgument(
          `input '${name}': BYTES element ${index} is not valid UTF-8 (ONNX string tensors hold text)`,
        );
      }
    });
    return new ort.Tensor('string', strings, dims);
  }
  return new ort.Tensor(
    V2_TO_ORT[tensor.datatype],
    tensor.data as Exclude<TensorDataMap[Datatype], Uint8Array[]>,
    dims,
  );
}

/** Osprey's tensor for an ONNX Runtime output; strings become their UTF-8 bytes. */
export function fromOrtTensor(name: string, value: ort.Tensor): Tensor {
  const datatype = datatypeOfOrtType(value.type);
  if (datatype === undefined)
    throw invalidArgument(`output '${name}' has ONNX type ${value.type}, which the inference protocol cannot carry`);
  const shape = [...value.dims];
  const data = value.data;
  if (datatype === 'BYTES') return { datatype, shape, data: (data as string[]).map((s) => encoder.encode(s)) };
  if (datatype === 'FP16' && !(data instanceof Uint16Array)) {
    // Where a runtime hands out Float16Array, keep the bit patterns (Osprey's FP16 storage).
    const view = data as ArrayBufferView;
    return { datatype, shape, data: new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2) };
  }
  return { datatype, shape, data } as Tensor;
}
