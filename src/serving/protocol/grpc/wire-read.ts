/**
 * The gRPC hot path's request decoder (its encoder is wire-write.ts): ModelInferRequest read straight from the
 * request bytes into the message shape proto.ts describes (what @grpc/proto-loader hands over, so codec.ts
 * validates it the same way). Measured on the 1-row model, protobufjs's decode → toObject and fromObject → encode
 * (and the objects they allocate) were a third of the server's per-call work; everything else (ServerLive,
 * metadata, clients and tests) keeps proto-loader.
 *
 * Proto3 wire format (protobuf.dev/programming-guides/encoding): unknown fields are skipped; repeated scalars are
 * read packed or not; 64-bit integers are read as numbers when exact, else as decimal strings (as proto-loader's
 * `longs: String` gives them). `raw_input_contents` and `bytes_contents` are views of the request bytes, not
 * copies. A message that is not valid protobuf is an INVALID_ARGUMENT naming what is wrong.
 */
import { invalidArgument } from '../../../core/errors.js';
import { MAX_RANK } from '../shape.js';
import type {
  InferParameterMessage,
  InferTensorContentsMessage,
  Int64Field,
  ModelInferRequestMessage,
  ParameterMap,
  RequestedOutputMessage,
  TensorMessage,
} from './proto.js';

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

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
  /** Where each `contents` field starts and ends (a message field sent twice is merged, as protobuf does). */
  let contentsAt: number[] | undefined;
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
        if (tensor.shape.length > MAX_RANK)
          throw invalidArgument(`an input's shape has more than the ${MAX_RANK} dimensions Osprey accepts`);
        continue;
      case 4:
        if (wireType !== LENGTH_DELIMITED) break;
        r.nested((n) => readParameterEntry(n, tensor.parameters!));
        continue;
      case 5: {
        // Read once the shape is known (below): a few bytes of packed varints must not become a huge array.
        if (wireType !== LENGTH_DELIMITED) break;
        const end = r.delimitedEnd();
        contentsAt ??= [];
        contentsAt.push(r.pos, end);
        r.pos = end;
        continue;
      }
    }
    r.skip(wireType);
  }
  if (contentsAt !== undefined) {
    const contents: InferTensorContentsMessage = {};
    const count = elementCount(tensor.shape);
    const budget = { left: count, count, tensor };
    const [outerPos, outerEnd] = [r.pos, r.end];
    for (let i = 0; i < contentsAt.length; i += 2) {
      r.pos = contentsAt[i]!;
      r.end = contentsAt[i + 1]!;
      readContents(r, contents, budget);
    }
    [r.pos, r.end] = [outerPos, outerEnd];
    tensor.contents = contents;
  }
  return tensor;
}

/** The elements a shape holds (0 for a shape that is not one: codec.ts names the problem when no contents do). */
function elementCount(shape: readonly Int64Field[]): number {
  let count = 1;
  for (const dim of shape) {
    const n = Number(dim);
    if (!Number.isSafeInteger(n) || n < 0) return 0;
    count = Math.min(count * n, Number.MAX_SAFE_INTEGER);
  }
  return count;
}

/** Elements still allowed in a tensor's contents (its shape's count), all fields together. */
interface ElementBudget {
  left: number;
  readonly count: number;
  readonly tensor: TensorMessage;
}

function spend(budget: ElementBudget): void {
  if (--budget.left < 0)
    throw invalidArgument(
      `input '${budget.tensor.name}': shape [${budget.tensor.shape.join(',')}] holds ${budget.count} elements but its contents hold more`,
      { tensor: budget.tensor.name },
    );
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
function readContents(r: Reader, contents: InferTensorContentsMessage, budget: ElementBudget): void {
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
      spend(budget);
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
      while (r.pos < end) {
        spend(budget);
        values.push(element.read(r));
      }
      r.end = outer;
    } else if (wireType === element.wireType) {
      spend(budget);
      values.push(element.read(r));
    } else r.skip(wireType);
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
