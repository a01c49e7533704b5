/**
 * A hand-written protobuf codec for the two messages on the gRPC hot path: ModelInferRequest is read straight from
 * the request bytes into the message shape proto.ts describes (what @grpc/proto-loader hands over, so codec.ts
 * validates it the same way), and ModelInferResponse is written straight from the transport-independent response
 * into one gRPC frame (the 5-byte length prefix included). Measured on the 1-row model, protobufjs's
 * decode → toObject and fromObject → encode (and the objects they allocate) were a third of the server's
 * per-call work; everything else (ServerLive, metadata, clients and tests) keeps proto-loader.
 *
 * Proto3 wire format (protobuf.dev/programming-guides/encoding): unknown fields are skipped; repeated scalars are
 * read packed or not, and written packed; fields at their default value are not written; 64-bit integers are read
 * as numbers when exact, else as decimal strings (as proto-loader's `longs: String` gives them). `raw_input_contents`
 * and `bytes_contents` are views of the request bytes, not copies. A message that is not valid protobuf is an
 * INVALID_ARGUMENT naming what is wrong.
 */
import { invalidArgument } from '../../../core/errors.js';
import type { Datatype, Tensor, TensorDataMap } from '../../tensor.js';
import type { InferenceResponse, Parameters, ParameterValue } from '../types.js';
import type {
  InferParameterMessage,
  InferTensorContentsMessage,
  Int64Field,
  ModelInferRequestMessage,
  ParameterMap,
  RequestedOutputMessage,
  TensorMessage,
} from './proto.js';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const malformed = (what: string) => invalidArgument(`the ModelInferRequest message is not valid protobuf: ${what}`);

/** A position in a message's bytes; each read checks that it stays within `end`. */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    public end: number,
  ) {}

  /** A varint's low 32 bits, unsigned (tags, lengths, uint32, bool; `| 0` makes an int32 of it). */
  uint32(): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw malformed('a varint is cut off');
      const b = buf[this.pos++]!;
      if (shift < 32) result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    throw malformed('a varint is longer than 10 bytes');
  }

  /** An int64 / uint64 varint: a number when exact, else the decimal string. */
  int64(signed: boolean): Int64Field {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw malformed('a varint is cut off');
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result; // at most 49 bits: exact, non-negative
      scale *= 128;
    }
    let big = BigInt(result);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw malformed('a varint is cut off');
      const b = buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const value = signed ? BigInt.asIntN(64, big) : BigInt.asUintN(64, big);
        const number = Number(value);
        return Number.isSafeInteger(number) ? number : value.toString();
      }
    }
    throw malformed('a varint is longer than 10 bytes');
  }

  /** The end of a length-delimited field that starts here (after its length). */
  delimitedEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end) throw malformed(`a field of ${length} bytes runs past the end of its message`);
    return end;
  }

  string(): string {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    return start === end ? '' : this.buf.toString('utf8', start, end);
  }

  bytes(): Buffer {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    return this.buf.subarray(start, end);
  }

  float(): number {
    if (this.pos + 4 > this.end) throw malformed('a float is cut off');
    const value = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return value;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw malformed('a double is cut off');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.uint32();
        return;
      case FIXED64:
        this.pos += 8;
        break;
      case LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case FIXED32:
        this.pos += 4;
        break;
      default:
        throw malformed(`wire type ${wireType} is not supported`);
    }
    if (this.pos > this.end) throw malformed('a fixed-size field is cut off');
  }

  /** Reads a nested message: `read` runs with `end` set to the nested message's end. */
  nested<T>(read: (reader: Reader) => T): T {
    const end = this.delimitedEnd();
    const outer = this.end;
    this.end = end;
    const value = read(this);
    if (this.pos !== end) throw malformed('a nested message does not end where its length says');
    this.end = outer;
    return value;
  }
}

/** A ModelInferRequest from its bytes, shaped as proto-loader's deserializer gives it (unset fields at defaults). */
export function readModelInferRequest(bytes: Buffer): ModelInferRequestMessage {
  const r = new Reader(bytes, bytes.byteLength);
  const message: ModelInferRequestMessage = {
    model_name: '',
    model_version: '',
    id: '',
    parameters: Object.create(null) as ParameterMap,
    inputs: [],
    outputs: [],
    raw_input_contents: [],
  };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED)
      switch (tag >>> 3) {
        case 1:
          message.model_name = r.string();
          continue;
        case 2:
          message.model_version = r.string();
          continue;
        case 3:
          message.id = r.string();
          continue;
        case 4:
          r.nested((n) => readParameterEntry(n, message.parameters!));
          continue;
        case 5:
          message.inputs.push(r.nested(readInputTensor));
          continue;
        case 6:
          message.outputs!.push(r.nested(readRequestedOutput));
          continue;
        case 7:
          message.raw_input_contents!.push(r.bytes());
          continue;
      }
    r.skip(wireType);
  }
  return message;
}

function readInputTensor(r: Reader): TensorMessage {
  const tensor: TensorMessage = {
    name: '',
    datatype: '',
    shape: [],
    parameters: Object.create(null) as ParameterMap,
    contents: null,
  };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wireType !== LENGTH_DELIMITED) break;
        tensor.name = r.string();
        continue;
      case 2:
        if (wireType !== LENGTH_DELIMITED) break;
        tensor.datatype = r.string();
        continue;
      case 3:
        if (wireType === VARINT) tensor.shape.push(r.int64(true));
        else if (wireType === LENGTH_DELIMITED)
          r.nested((n) => {
            while (n.pos < n.end) tensor.shape.push(n.int64(true));
          });
        else break;
        continue;
      case 4:
        if (wireType !== LENGTH_DELIMITED) break;
        r.nested((n) => readParameterEntry(n, tensor.parameters!));
        continue;
      case 5: {
        if (wireType !== LENGTH_DELIMITED) break;
        const contents = tensor.contents ?? {};
        r.nested((n) => readContents(n, contents));
        tensor.contents = contents;
        continue;
      }
    }
    r.skip(wireType);
  }
  return tensor;
}

function readRequestedOutput(r: Reader): RequestedOutputMessage {
  const output: RequestedOutputMessage = { name: '', parameters: Object.create(null) as ParameterMap };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED)
      switch (tag >>> 3) {
        case 1:
          output.name = r.string();
          continue;
        case 2:
          r.nested((n) => readParameterEntry(n, output.parameters!));
          continue;
      }
    r.skip(wireType);
  }
  return output;
}

/** One `map<string, InferParameter>` entry (key = 1, value = 2); a missing value is an unset parameter. */
function readParameterEntry(r: Reader, into: ParameterMap): void {
  let key = '';
  let value: InferParameterMessage = {};
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED)
      switch (tag >>> 3) {
        case 1:
          key = r.string();
          continue;
        case 2:
          value = r.nested(readParameter);
          continue;
      }
    r.skip(wireType);
  }
  into[key] = value;
}

/** An InferParameter: the member of `parameter_choice` that is set (the last one on the wire), and its name. */
function readParameter(r: Reader): InferParameterMessage {
  let parameter: InferParameterMessage = {};
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wireType !== VARINT) break;
        parameter = { bool_param: r.uint32() !== 0, parameter_choice: 'bool_param' };
        continue;
      case 2:
        if (wireType !== VARINT) break;
        parameter = { int64_param: String(r.int64(true)), parameter_choice: 'int64_param' };
        continue;
      case 3:
        if (wireType !== LENGTH_DELIMITED) break;
        parameter = { string_param: r.string(), parameter_choice: 'string_param' };
        continue;
      case 4:
        if (wireType !== FIXED64) break;
        parameter = { double_param: r.double(), parameter_choice: 'double_param' };
        continue;
      case 5:
        if (wireType !== VARINT) break;
        parameter = { uint64_param: String(r.int64(false)), parameter_choice: 'uint64_param' };
        continue;
    }
    r.skip(wireType);
  }
  return parameter;
}

type Scalar = number | boolean | Int64Field;

/** InferTensorContents, appended to `contents` (a repeated field sent twice is concatenated, as protobuf merges). */
function readContents(r: Reader, contents: InferTensorContentsMessage): void {
  while (r.pos < r.end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 8) {
      if (wireType !== LENGTH_DELIMITED) {
        r.skip(wireType);
        continue;
      }
      if (contents.bytes_contents === undefined) contents.bytes_contents = [];
      contents.bytes_contents.push(r.bytes());
      continue;
    }
    const element = CONTENTS_ELEMENTS[field];
    if (element === undefined) {
      r.skip(wireType);
      continue;
    }
    const fields = contents as Record<string, Scalar[]>;
    let values = fields[element.name];
    if (values === undefined) {
      values = [];
      fields[element.name] = values;
    }
    if (wireType === LENGTH_DELIMITED) {
      const end = r.delimitedEnd();
      const outer = r.end;
      r.end = end;
      while (r.pos < end) values.push(element.read(r));
      r.end = outer;
    } else if (wireType === element.wireType) values.push(element.read(r));
    else r.skip(wireType);
  }
}

const CONTENTS_ELEMENTS: Record<number, { name: string; wireType: number; read: (r: Reader) => Scalar }> = {
  1: { name: 'bool_contents', wireType: VARINT, read: (r) => r.uint32() !== 0 },
  2: { name: 'int_contents', wireType: VARINT, read: (r) => r.uint32() | 0 },
  3: { name: 'int64_contents', wireType: VARINT, read: (r) => r.int64(true) },
  4: { name: 'uint_contents', wireType: VARINT, read: (r) => r.uint32() },
  5: { name: 'uint64_contents', wireType: VARINT, read: (r) => r.int64(false) },
  6: { name: 'fp32_contents', wireType: FIXED32, read: (r) => r.float() },
  7: { name: 'fp64_contents', wireType: FIXED64, read: (r) => r.double() },
};

// ---------------------------------------------------------------------------------------------------------------
// Writing ModelInferResponse: sizes first (every nested message is length-prefixed), then one pass into one Buffer.

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
