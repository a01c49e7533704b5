/**
 * The protocol-buffers wire format, write side only: just what the ONNX encoder (onnx-encoder.ts) needs.
 *
 * Wire types used: 0 varint (int32, int64, enums), 2 length-delimited (strings, bytes, nested messages, packed
 * repeated scalars), 5 fixed 32-bit (float). Negative int64 values are written as 10-byte two's-complement
 * varints, as protobuf requires. Nested messages are encoded to bytes first and then written with their length.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

export class ProtobufWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  /** A varint field (int32, int64, bool, enum). */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A fixed 32-bit float field. */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.float32(value);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A bytes field, or a nested message already encoded to bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A repeated int64 field declared `[packed = true]`: one length-delimited run of varints. */
  packedInts(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtobufWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]!);
    return this.bytes(field, inner.finish());
  }

  /** A repeated float field declared `[packed = true]`: one length-delimited run of little-endian floats. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const inner = new ProtobufWriter();
    for (let i = 0; i < values.length; i++) inner.float32(values[i]!);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911)
      throw new RangeError(`protobuf field number out of range: ${field}`);
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for a varint: ${value}`);
      if (value >= 0) {
        let rest = value;
        while (rest >= 0x80) {
          this.byte((rest % 0x80) | 0x80);
          rest = Math.floor(rest / 0x80);
        }
        this.byte(rest);
        return;
      }
      value = BigInt(value);
    }
    let rest = BigInt.asUintN(64, value); // negatives: two's complement over 64 bits, hence 10 bytes
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
  }

  private float32(value: number): void {
    this.reserve(4);
    new DataView(this.buffer.buffer, this.buffer.byteOffset).setFloat32(this.length, value, true);
    this.length += 4;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
