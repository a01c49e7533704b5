/**
 * The gRPC hot path's response encoder (its decoder is wire-read.ts): ModelInferResponse written straight from the
 * transport-independent response into one gRPC frame (the 5-byte length prefix included). Proto3 wire format:
 * repeated scalars are written packed; fields at their default value are not written.
 */
import type { Datatype, Tensor, TensorDataMap } from '../../tensor.js';
import type { InferenceResponse, Parameters, ParameterValue } from '../types.js';
import { FIXED64, LENGTH_DELIMITED, VARINT } from './wire-read.js';

/** Bytes of the varint of a non-negative integer below 2^53. */
function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  let size = 3;
  for (let v = Math.floor(value / 0x200000); v > 0; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** Bytes of a uint64 varint. */
function bigVarintSize(value: bigint): number {
  let size = 1;
  for (let v = BigInt.asUintN(64, value) >> 7n; v > 0n; v >>= 7n) size++;
  return size;
}

/** Bytes of an int64 varint of a number (negative numbers take 10, as sign-extended 64-bit values). */
const int64NumberSize = (value: number): number => (value < 0 ? 10 : varintSize(value));

class Writer {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
  ) {
    this.pos = start;
  }

  /** A non-negative integer below 2^53. */
  varint(value: number): void {
    const buf = this.buf;
    while (value >= 0x80) {
      buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[this.pos++] = value;
  }

  bigVarint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  int64Number(value: number): void {
    if (value >= 0) this.varint(value);
    else this.bigVarint(BigInt(value));
  }

  tag(field: number, wireType: number): void {
    this.buf[this.pos++] = (field << 3) | wireType; // fields here are all below 16: one byte
  }

  /** A string field whose UTF-8 length is known. */
  string(field: number, value: string, length: number): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.byteLength);
    this.buf.set(value, this.pos);
    this.pos += value.byteLength;
  }
}

const stringFieldSize = (length: number): number => 1 + varintSize(length) + length;

/** What a tensor's output message holds, measured before it is written. */
interface SizedOutput {
  readonly output: Tensor & { name: string };
  readonly nameLength: number;
  readonly shapeBytes: number;
  readonly parameters: SizedParameters;
  /** Typed contents (when not raw): the packed payload and its size. */
  readonly contents: SizedContents | undefined;
  readonly size: number;
}

interface SizedParameters {
  readonly entries: readonly { key: string; keyLength: number; value: ParameterValue; valueSize: number }[];
  /** The bytes of all the map's entries, tags included. */
  readonly size: number;
}

interface SizedContents {
  readonly field: number;
  /** Payload bytes (packed scalars), or for BYTES the sum of each element's field. */
  readonly payload: number;
  /** The contents message's size. */
  readonly size: number;
}

/**
 * One gRPC frame (a 0 byte, the big-endian length, the message) holding the ModelInferResponse for `response`,
 * its elements in raw_output_contents when `raw` (or when an output is FP16, which has no typed field), else in
 * each output's typed contents — what codec.ts's encodeModelInferResponse says, written directly.
 */
export function writeModelInferResponseFrame(response: InferenceResponse, raw: boolean): Buffer {
  const outputs = response.outputs;
  let useRaw = raw;
  if (!useRaw) for (const output of outputs) if (output.datatype === 'FP16') useRaw = true;
  const nameLength = Buffer.byteLength(response.modelName);
  const version = response.modelVersion ?? '';
  const versionLength = Buffer.byteLength(version);
  const id = response.id ?? '';
  const idLength = Buffer.byteLength(id);
  const parameters = sizeParameters(response.parameters);
  let size = parameters.size;
  if (nameLength > 0) size += stringFieldSize(nameLength);
  if (versionLength > 0) size += stringFieldSize(versionLength);
  if (idLength > 0) size += stringFieldSize(idLength);
  const sized: SizedOutput[] = [];
  for (const output of outputs) {
    const s = sizeOutput(output, useRaw);
    sized.push(s);
    size += 1 + varintSize(s.size) + s.size;
    if (useRaw) {
      const bytes = rawBytes(output);
      size += 1 + varintSize(bytes) + bytes;
    }
  }
  const frame = Buffer.allocUnsafe(5 + size);
  frame[0] = 0;
  frame.writeUInt32BE(size, 1);
  const w = new Writer(frame, 5);
  if (nameLength > 0) w.string(1, response.modelName, nameLength);
  if (versionLength > 0) w.string(2, version, versionLength);
  if (idLength > 0) w.string(3, id, idLength);
  writeParameters(w, 4, parameters);
  for (const s of sized) {
    w.tag(5, LENGTH_DELIMITED);
    w.varint(s.size);
    writeOutput(w, s);
  }
  if (useRaw)
    for (const output of outputs) {
      if (output.datatype === 'BYTES') writeBytesElements(w, 6, output.data);
      else {
        const data = output.data as Exclude<TensorDataMap[Datatype], Uint8Array[]>;
        w.bytes(6, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
    }
  if (w.pos !== frame.byteLength) throw new Error(`ModelInferResponse: wrote ${w.pos - 5} of ${size} bytes`);
  return frame;
}

/** Bytes of a tensor's elements in raw form (BYTES: each a 4-byte length then its bytes). */
function rawBytes(tensor: Tensor): number {
  if (tensor.datatype !== 'BYTES') return (tensor.data as ArrayBufferView).byteLength;
  let total = 0;
  for (const element of tensor.data) total += 4 + element.byteLength;
  return total;
}

function writeBytesElements(w: Writer, field: number, elements: readonly Uint8Array[]): void {
  let total = 0;
  for (const element of elements) total += 4 + element.byteLength;
  w.tag(field, LENGTH_DELIMITED);
  w.varint(total);
  for (const element of elements) {
    w.buf.writeUInt32LE(element.byteLength, w.pos);
    w.buf.set(element, w.pos + 4);
    w.pos += 4 + element.byteLength;
  }
}

function sizeOutput(output: Tensor & { name: string; parameters?: Parameters }, raw: boolean): SizedOutput {
  const nameLength = Buffer.byteLength(output.name);
  const datatypeLength = output.datatype.length;
  let shapeBytes = 0;
  for (const dim of output.shape) shapeBytes += int64NumberSize(dim);
  const parameters = sizeParameters(output.parameters);
  let size = parameters.size;
  if (nameLength > 0) size += stringFieldSize(nameLength);
  size += stringFieldSize(datatypeLength);
  if (shapeBytes > 0) size += 1 + varintSize(shapeBytes) + shapeBytes;
  let contents: SizedContents | undefined;
  if (!raw) {
    contents = sizeContents(output);
    size += 1 + varintSize(contents.size) + contents.size;
  }
  return { output, nameLength, shapeBytes, parameters, contents, size };
}

function writeOutput(w: Writer, s: SizedOutput): void {
  const { output } = s;
  if (s.nameLength > 0) w.string(1, output.name, s.nameLength);
  w.string(2, output.datatype, output.datatype.length);
  if (s.shapeBytes > 0) {
    w.tag(3, LENGTH_DELIMITED);
    w.varint(s.shapeBytes);
    for (const dim of output.shape) w.int64Number(dim);
  }
  writeParameters(w, 4, s.parameters);
  if (s.contents !== undefined) {
    w.tag(5, LENGTH_DELIMITED);
    w.varint(s.contents.size);
    writeContents(w, output, s.contents);
  }
}

const CONTENTS_FIELD: Readonly<Record<Exclude<Datatype, 'FP16'>, number>> = {
  BOOL: 1,
  INT8: 2,
  INT16: 2,
  INT32: 2,
  INT64: 3,
  UINT8: 4,
  UINT16: 4,
  UINT32: 4,
  UINT64: 5,
  FP32: 6,
  FP64: 7,
  BYTES: 8,
};

function sizeContents(tensor: Tensor): SizedContents {
  const field = CONTENTS_FIELD[tensor.datatype as Exclude<Datatype, 'FP16'>];
  let payload = 0;
  switch (tensor.datatype) {
    case 'BYTES':
      for (const element of tensor.data) payload += 1 + varintSize(element.byteLength) + element.byteLength;
      return { field, payload, size: payload };
    case 'FP32':
      payload = tensor.data.length * 4;
      break;
    case 'FP64':
      payload = tensor.data.length * 8;
      break;
    case 'BOOL':
      payload = tensor.data.length;
      break;
    case 'INT64':
    case 'UINT64':
      for (const value of tensor.data) payload += bigVarintSize(value);
      break;
    default:
      for (const value of tensor.data as ArrayLike<number> & Iterable<number>) payload += int64NumberSize(value);
  }
  return { field, payload, size: payload === 0 ? 0 : 1 + varintSize(payload) + payload };
}

function writeContents(w: Writer, tensor: Tensor, s: SizedContents): void {
  if (tensor.datatype === 'BYTES') {
    for (const element of tensor.data) w.bytes(8, element);
    return;
  }
  if (s.payload === 0) return;
  w.tag(s.field, LENGTH_DELIMITED);
  w.varint(s.payload);
  switch (tensor.datatype) {
    case 'FP32':
      for (const value of tensor.data) {
        w.buf.writeFloatLE(value, w.pos);
        w.pos += 4;
      }
      return;
    case 'FP64':
      for (const value of tensor.data) {
        w.buf.writeDoubleLE(value, w.pos);
        w.pos += 8;
      }
      return;
    case 'BOOL':
      for (const value of tensor.data) w.buf[w.pos++] = value !== 0 ? 1 : 0;
      return;
    case 'INT64':
    case 'UINT64':
      for (const value of tensor.data) w.bigVarint(value);
      return;
    default:
      for (const value of tensor.data as ArrayLike<number> & Iterable<number>) w.int64Number(value);
  }
}

const NO_PARAMETERS: SizedParameters = { entries: [], size: 0 };

/** A parameter as InferParameter: the oneof member codec.ts's encodeParameters picks for the value. */
function parameterField(value: ParameterValue): { field: number; size: number } {
  if (typeof value === 'boolean') return { field: 1, size: 1 };
  if (typeof value === 'string')
    return { field: 3, size: varintSize(Buffer.byteLength(value)) + Buffer.byteLength(value) };
  if (typeof value === 'bigint') return { field: value > 2n ** 63n - 1n ? 5 : 2, size: bigVarintSize(value) };
  return Number.isSafeInteger(value) ? { field: 2, size: int64NumberSize(value) } : { field: 4, size: 8 };
}

function sizeParameters(parameters: Parameters | undefined): SizedParameters {
  if (parameters === undefined) return NO_PARAMETERS;
  const names = Object.keys(parameters);
  if (names.length === 0) return NO_PARAMETERS;
  const entries = [];
  let size = 0;
  for (const key of names) {
    const value = parameters[key]!;
    const keyLength = Buffer.byteLength(key);
    const valueSize = 1 + parameterField(value).size; // the member's tag and value
    const entrySize = (keyLength > 0 ? stringFieldSize(keyLength) : 0) + 1 + varintSize(valueSize) + valueSize;
    entries.push({ key, keyLength, value, valueSize });
    size += 1 + varintSize(entrySize) + entrySize;
  }
  return { entries, size };
}

function writeParameters(w: Writer, field: number, parameters: SizedParameters): void {
  for (const { key, keyLength, value, valueSize } of parameters.entries) {
    const entrySize = (keyLength > 0 ? stringFieldSize(keyLength) : 0) + 1 + varintSize(valueSize) + valueSize;
    w.tag(field, LENGTH_DELIMITED);
    w.varint(entrySize);
    if (keyLength > 0) w.string(1, key, keyLength);
    w.tag(2, LENGTH_DELIMITED);
    w.varint(valueSize);
    const member = parameterField(value).field;
    if (member === 1) {
      w.tag(1, VARINT);
      w.buf[w.pos++] = value ? 1 : 0;
    } else if (member === 3) {
      const text = value as string;
      w.string(3, text, Buffer.byteLength(text));
    } else if (member === 4) {
      w.tag(4, FIXED64);
      w.buf.writeDoubleLE(value as number, w.pos);
      w.pos += 8;
    } else {
      w.tag(member, VARINT);
      if (typeof value === 'bigint') w.bigVarint(value);
      else w.int64Number(value as number);
    }
  }
}
