/**
 * Tensor elements ↔ `InferTensorContents`, and parameters ↔ `InferParameter`, per the Open Inference
 * Protocol's gRPC API (inference_grpc.md, "Tensor Data"): each datatype has one repeated field —
 * bool_contents (BOOL); int_contents (INT8, INT16, INT32); int64_contents (INT64); uint_contents (UINT8,
 * UINT16, UINT32); uint64_contents (UINT64); fp32_contents (FP32); fp64_contents (FP64); bytes_contents
 * (BYTES). FP16 has none: "the FP16 [...] data types must be represented as raw content".
 */
import { invalidArgument } from '../../../core/errors.js';
import type { Datatype, TensorDataMap } from '../../tensor.js';
import type { Parameters, ParameterValue } from '../types.js';
import type { InferParameterMessage, InferTensorContentsMessage, Int64Field, ParameterMap } from './proto.js';

type ContentsField = keyof InferTensorContentsMessage;

const CONTENTS_FIELD: Readonly<Record<Exclude<Datatype, 'FP16'>, ContentsField>> = {
  BOOL: 'bool_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

const NARROW_RANGES: Partial<Record<Datatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  UINT8: [0, 255],
  UINT16: [0, 65535],
};

/** True when no repeated field of the contents holds an element. */
export const isEmptyContents = (contents: InferTensorContentsMessage | null | undefined): boolean =>
  !contents || Object.values(contents).every((field) => !Array.isArray(field) || field.length === 0);

/** The elements of a tensor sent in typed contents. */
export function decodeContents<D extends Datatype>(
  datatype: D,
  contents: InferTensorContentsMessage | null | undefined,
  count: number,
  tensor: string,
): TensorDataMap[D] {
  if (datatype === 'FP16')
    throw invalidArgument(`${tensor}: FP16 elements can only be sent in raw_input_contents`, { tensor });
  const field = CONTENTS_FIELD[datatype as Exclude<Datatype, 'FP16'>];
  const other = Object.entries(contents ?? {}).find(
    ([name, value]) => name !== field && Array.isArray(value) && value.length > 0,
  );
  if (other)
    throw invalidArgument(`${tensor}: a ${datatype} tensor's elements belong in ${field}, but ${other[0]} is set`, {
      tensor,
    });
  const values = (contents?.[field] ?? []) as unknown[];
  if (values.length !== count)
    throw invalidArgument(`${tensor}: the shape holds ${count} elements but ${field} has ${values.length}`, { tensor });
  const range = NARROW_RANGES[datatype];
  if (range) {
    const index = (values as number[]).findIndex((v) => v < range[0] || v > range[1]);
    if (index >= 0)
      throw invalidArgument(
        `${tensor}: element ${index} is ${values[index]}, outside the ${datatype} range ${range[0]}..${range[1]}`,
        { tensor },
      );
  }
  return fromContentsValues(datatype, values) as TensorDataMap[D];
}

function fromContentsValues(datatype: Exclude<Datatype, 'FP16'>, values: unknown[]): TensorDataMap[Datatype] {
  switch (datatype) {
    case 'BOOL':
      return Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0));
    case 'BYTES':
      return (values as Uint8Array[]).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    case 'INT64':
      return BigInt64Array.from(values as Int64Field[], (v) => BigInt.asIntN(64, BigInt(v)));
    case 'UINT64':
      return BigUint64Array.from(values as Int64Field[], (v) => BigInt.asUintN(64, BigInt(v)));
    case 'UINT8':
      return Uint8Array.from(values as number[]);
    case 'UINT16':
      return Uint16Array.from(values as number[]);
    case 'UINT32':
      return Uint32Array.from(values as number[]);
    case 'INT8':
      return Int8Array.from(values as number[]);
    case 'INT16':
      return Int16Array.from(values as number[]);
    case 'INT32':
      return Int32Array.from(values as number[]);
    case 'FP32':
      return Float32Array.from(values as number[]);
    case 'FP64':
      return Float64Array.from(values as number[]);
  }
}

/** Typed contents for a tensor (not FP16, which only travels raw). 64-bit integers go as decimal strings. */
export function encodeContents(
  datatype: Exclude<Datatype, 'FP16'>,
  data: TensorDataMap[Datatype],
): InferTensorContentsMessage {
  const field = CONTENTS_FIELD[datatype];
  if (datatype === 'BOOL') return { [field]: Array.from(data as Uint8Array, (b) => b !== 0) };
  if (datatype === 'BYTES') return { [field]: data as Uint8Array[] };
  if (datatype === 'INT64' || datatype === 'UINT64')
    return { [field]: Array.from(data as BigInt64Array | BigUint64Array, (v) => v.toString()) };
  return { [field]: Array.from(data as ArrayLike<number>) };
}

/** Parameters from an `InferParameter` map: 64-bit integers as numbers when exact, as bigint otherwise. */
export function decodeParameters(map: ParameterMap | undefined, where: string): Parameters {
  const parameters: Record<string, ParameterValue> = {};
  for (const [name, parameter] of Object.entries(map ?? {})) {
    const choice = parameter.parameter_choice ?? presentChoice(parameter);
    const value = choice === undefined ? undefined : parameter[choice];
    if (value === undefined) throw invalidArgument(`${where}: parameter "${name}" has no value`);
    if (choice === 'int64_param' || choice === 'uint64_param') {
      const big = BigInt(value as Int64Field);
      parameters[name] = Number.isSafeInteger(Number(big)) ? Number(big) : big;
    } else parameters[name] = value as string | number | boolean;
  }
  return parameters;
}

function presentChoice(parameter: InferParameterMessage): InferParameterMessage['parameter_choice'] {
  const members = ['bool_param', 'int64_param', 'string_param', 'double_param', 'uint64_param'] as const;
  return members.find((member) => parameter[member] !== undefined);
}

export function encodeParameters(parameters: Parameters): ParameterMap {
  const map: ParameterMap = {};
  for (const [name, value] of Object.entries(parameters)) map[name] = encodeParameter(value);
  return map;
}

function encodeParameter(value: ParameterValue): InferParameterMessage {
  if (typeof value === 'boolean') return { bool_param: value };
  if (typeof value === 'string') return { string_param: value };
  if (typeof value === 'bigint')
    return value > 2n ** 63n - 1n ? { uint64_param: value.toString() } : { int64_param: value.toString() };
  return Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value };
}
