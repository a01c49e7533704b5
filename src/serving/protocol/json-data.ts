/**
 * Tensor elements in JSON, the `data` of `$request_input` and `$response_output`.
 *
 * Open Inference Protocol, "Tensor Data": data is row-major, "in their natural multi-dimensional
 * representation, or as a flattened one-dimensional representation"; elements are integers, floating-point
 * numbers, strings or booleans, and "the server can decide to coerce each element to the required type or
 * return an error". Osprey's choices:
 * - nested data must match the shape exactly (depth = rank, each level's length = its dimension); flat data
 *   must hold exactly the shape's element count;
 * - BOOL takes true/false; integer types take integers within the type's range; INT64/UINT64 only up to
 *   2^53 − 1 in magnitude (a JSON number beyond is already rounded when parsed: use binary data);
 *   FP16/FP32 take numbers, rounded to the nearest representable value; BYTES takes strings (UTF-8);
 * - in responses, FP16 is written as numbers, BYTES as strings, INT64/UINT64 as exact integer literals, and
 *   NaN/±Infinity (which JSON cannot write) as null — ask for binary data to receive them.
 */
import { invalidArgument } from '../../core/errors.js';
import { fromFloat16Bits, toFloat16Bits } from '../float16.js';
import { allocateData, type Datatype, type TensorDataMap } from '../tensor.js';
import { elementCountOf } from './shape.js';

type Writer = (value: unknown, index: number) => void;

/** The elements of JSON `data` for a tensor of `datatype` and `shape`. */
export function decodeJsonData<D extends Datatype>(
  datatype: D,
  shape: readonly number[],
  data: unknown,
  tensor: string,
): TensorDataMap[D] {
  if (!Array.isArray(data)) throw invalidArgument(`${tensor}: "data" must be an array`, { tensor });
  const count = elementCountOf(shape, tensor);
  if ((datatype === 'FP32' || datatype === 'FP64') && data.length === count) {
    // The common case, flat numbers, without the general path's closures; anything else takes that path.
    const floats = datatype === 'FP32' ? new Float32Array(count) : new Float64Array(count);
    let i = 0;
    for (; i < count; i++) {
      const value: unknown = data[i];
      if (typeof value !== 'number') break;
      floats[i] = value;
    }
    if (i === count) return floats as TensorDataMap[D];
  }
  const nested = data.some(Array.isArray);
  if (!nested && data.length !== count)
    throw invalidArgument(
      `${tensor}: shape [${shape.join(',')}] holds ${count} elements but "data" has ${data.length}`,
      { tensor },
    );
  if (nested && shape.length === 0) throw invalidArgument(`${tensor}: a scalar's "data" cannot be nested`, { tensor });
  // Nested data is checked against the shape before anything is allocated: a few bytes of JSON claiming a huge
  // shape are refused, not answered with an allocation of the size they claim.
  if (nested) writeNested(data, shape, 0, 0, () => {}, tensor);
  const out = allocateData(datatype, count);
  const write = elementWriter(datatype, out, tensor);
  if (!nested) data.forEach(write);
  else writeNested(data, shape, 0, 0, write, tensor);
  return out;
}

/** Writes nested arrays matching `shape` in row-major order; returns the next flat index. */
function writeNested(
  level: unknown[],
  shape: readonly number[],
  depth: number,
  start: number,
  write: Writer,
  tensor: string,
): number {
  if (level.length !== shape[depth])
    throw invalidArgument(
      `${tensor}: nested "data" has ${level.length} entries at depth ${depth} where shape [${shape.join(',')}] has ${shape[depth]}`,
      { tensor },
    );
  let index = start;
  const innermost = depth === shape.length - 1;
  for (const entry of level) {
    if (innermost) {
      if (Array.isArray(entry))
        throw invalidArgument(`${tensor}: nested "data" is deeper than the shape's ${shape.length} dimensions`, {
          tensor,
        });
      write(entry, index++);
    } else {
      if (!Array.isArray(entry))
        throw invalidArgument(`${tensor}: nested "data" has a value at depth ${depth} where the shape needs an array`, {
          tensor,
        });
      index = writeNested(entry, shape, depth + 1, index, write, tensor);
    }
  }
  return index;
}

const INTEGER_RANGES: Partial<Record<Datatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function elementWriter(datatype: Datatype, out: TensorDataMap[Datatype], tensor: string): Writer {
  const fail = (value: unknown, index: number, wanted: string) =>
    invalidArgument(`${tensor}: element ${index} of ${datatype} data is ${describe(value)}, expected ${wanted}`, {
      tensor,
    });
  if (datatype === 'BOOL') {
    const bools = out as Uint8Array;
    return (value, index) => {
      if (typeof value !== 'boolean') throw fail(value, index, 'true or false');
      bools[index] = value ? 1 : 0;
    };
  }
  if (datatype === 'BYTES') {
    const elements = out as Uint8Array[];
    const encoder = new TextEncoder();
    return (value, index) => {
      if (typeof value !== 'string') throw fail(value, index, 'a string');
      elements[index] = encoder.encode(value);
    };
  }
  const range = INTEGER_RANGES[datatype];
  if (range) {
    const [min, max] = range;
    const wanted =
      datatype === 'INT64' || datatype === 'UINT64'
        ? `an integer from ${min} to ${max} (larger ${datatype} values must be sent as binary data)`
        : `an integer from ${min} to ${max}`;
    const big = datatype === 'INT64' || datatype === 'UINT64';
    const target = out as Exclude<TensorDataMap[Datatype], Uint8Array[]>;
    return (value, index) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        throw fail(value, index, wanted);
      target[index] = big ? BigInt(value) : value;
    };
  }
  const floats = out as Float32Array | Float64Array | Uint16Array;
  const convert = datatype === 'FP16' ? toFloat16Bits : (x: number) => x;
  return (value, index) => {
    if (typeof value !== 'number') throw fail(value, index, 'a number');
    floats[index] = convert(value);
  };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The JSON text of a tensor's elements, as one flat array. */
export function encodeJsonData(datatype: Datatype, data: TensorDataMap[Datatype]): string {
  switch (datatype) {
    case 'BOOL':
      return `[${Array.from(data as Uint8Array, (b) => (b ? 'true' : 'false')).join(',')}]`;
    case 'BYTES': {
      const decoder = new TextDecoder();
      return JSON.stringify((data as Uint8Array[]).map((element) => decoder.decode(element)));
    }
    case 'FP16':
      return `[${Array.from(data as Uint16Array, (bits) => jsonNumber(fromFloat16Bits(bits))).join(',')}]`;
    case 'FP32':
    case 'FP64': {
      // A plain loop: no intermediate array of strings (this runs for every JSON response).
      const floats = data as Float32Array | Float64Array;
      let text = '[';
      for (let i = 0; i < floats.length; i++) {
        const x = floats[i]!;
        if (i > 0) text += ',';
        text += Number.isFinite(x) ? String(x) : 'null';
      }
      return `${text}]`;
    }
    default:
      // integers; bigint's toString writes INT64/UINT64 exactly
      return `[${(data as ArrayLike<number | bigint> & Iterable<number | bigint>).toString()}]`;
  }
}

const jsonNumber = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');
