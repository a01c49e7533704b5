/**
 * Tensors as the serving layer holds them: an Open Inference Protocol (KServe V2) datatype, a shape and the
 * elements in row-major order, in the typed array that matches the datatype. Transport codecs (REST JSON,
 * REST binary, gRPC) decode into this type and encode from it; runtimes convert it to their own tensors.
 *
 * Datatypes and sizes: Open Inference Protocol, "Tensor Data Types"
 * (https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md).
 */

export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type Datatype = (typeof DATATYPES)[number];

/**
 * The element storage of each datatype. BOOL is one byte per element (0 or 1); FP16 keeps the IEEE 754
 * binary16 bit patterns (Node 20 has no Float16Array); BYTES keeps each element's bytes.
 */
export interface TensorDataMap {
  BOOL: Uint8Array;
  UINT8: Uint8Array;
  UINT16: Uint16Array;
  UINT32: Uint32Array;
  UINT64: BigUint64Array;
  INT8: Int8Array;
  INT16: Int16Array;
  INT32: Int32Array;
  INT64: BigInt64Array;
  FP16: Uint16Array;
  FP32: Float32Array;
  FP64: Float64Array;
  BYTES: Uint8Array[];
}

/** A tensor of one datatype; `data.length` equals the product of `shape`. */
export type TypedTensor<D extends Datatype> = { datatype: D; shape: readonly number[]; data: TensorDataMap[D] };

/** A tensor of any datatype, discriminated by `datatype`. */
export type Tensor = { [D in Datatype]: TypedTensor<D> }[Datatype];

/** Bytes per element, or undefined for BYTES (variable: a 4-byte length then the bytes in binary form). */
export const ELEMENT_BYTES: Readonly<Record<Datatype, number | undefined>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
  BYTES: undefined,
};

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}

export const isFloatDatatype = (datatype: Datatype): datatype is 'FP16' | 'FP32' | 'FP64' =>
  datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64';

/** The number of elements a shape holds (1 for a scalar, shape []). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** A zero-filled (empty-string for BYTES) array of `count` elements of a datatype. */
export function allocateData<D extends Datatype>(datatype: D, count: number): TensorDataMap[D] {
  return ALLOCATORS[datatype](count) as TensorDataMap[D];
}

const ALLOCATORS: { [D in Datatype]: (count: number) => TensorDataMap[D] } = {
  BOOL: (n) => new Uint8Array(n),
  UINT8: (n) => new Uint8Array(n),
  UINT16: (n) => new Uint16Array(n),
  UINT32: (n) => new Uint32Array(n),
  UINT64: (n) => new BigUint64Array(n),
  INT8: (n) => new Int8Array(n),
  INT16: (n) => new Int16Array(n),
  INT32: (n) => new Int32Array(n),
  INT64: (n) => new BigInt64Array(n),
  FP16: (n) => new Uint16Array(n),
  FP32: (n) => new Float32Array(n),
  FP64: (n) => new Float64Array(n),
  BYTES: (n) => Array.from({ length: n }, () => new Uint8Array(0)),
};

/** Formats a shape as the protocol writes it, e.g. `[-1,10]`. */
export const formatShape = (shape: readonly number[] | null): string =>
  shape === null ? '(any shape)' : `[${shape.join(',')}]`;
