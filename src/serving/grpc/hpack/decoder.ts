/**
 * The HPACK decoder (RFC 7541) of one HTTP/2 connection: it turns each complete header block (HEADERS plus any
 * CONTINUATION payloads, joined) into `[name, value]` pairs, and keeps the dynamic table the peer's encoder fills
 * from one block to the next, so blocks must be decoded in the order they arrive.
 *
 * Names and values are latin1 strings (one char per octet), returned as sent: HTTP/2 requires lower-case names and
 * forbids some characters, which the caller checks. Whether a field was "never indexed" is not reported (a server
 * forwards nothing).
 *
 * Anything malformed throws HpackError `compression` (a connection error). A header list larger than
 * `maxHeaderListSize` throws HpackError `too-large`, but only once the whole block is decoded: the dynamic table is
 * then in step with the peer's, so only that stream need be refused (RFC 9113 §10.5.1).
 *
 * On the hot path (a gRPC call after the first, almost all indexed fields) it allocates only the result: the dynamic
 * table is a ring of strings reused as they are.
 */
import { HpackError } from './errors.js';
import { decodeLiteral, decodeRepeatedLiteral } from './repeated-literals.js';
import { STATIC_TABLE } from './static-table.js';

export interface HpackDecoderOptions {
  /** Our SETTINGS_HEADER_TABLE_SIZE: the largest dynamic table the peer may ask for. Default 4096. */
  readonly maxTableSize?: number;
  /** Largest header list accepted, counted as RFC 9113 §6.5.2 does: name + value + 32 octets per field. Default 64 KiB. */
  readonly maxHeaderListSize?: number;
}

const STATIC_ENTRIES = STATIC_TABLE.length;
/** RFC 7541 §4.1: an entry's size is its name's and value's lengths plus 32. */
const ENTRY_OVERHEAD = 32;
/** Integers above this (2^31 - 1) are refused; no index, length or size we accept comes near it. */
const MAX_INTEGER = 0x7fffffff;
/** Continuation octets after the prefix: 5 carry 35 bits, already more than MAX_INTEGER needs. */
const MAX_INTEGER_CONTINUATIONS = 5;

export class HpackDecoder {
  private readonly maxTableSize: number;
  private readonly maxHeaderListSize: number;
  /** The table size the peer last chose with a size update (at most maxTableSize). */
  private capacity: number;
  /** The size of the entries now in the table (RFC 7541 §4.1). */
  private size = 0;
  /** Dynamic entries in a ring, newest at `newest`, older ones before it; the ring doubles when full. */
  private names: string[] = new Array<string>(16).fill('');
  private values: string[] = new Array<string>(16).fill('');
  private mask = 15;
  private newest = 15;
  private count = 0;
  /** Read position in the block being decoded. */
  private at = 0;

  constructor(options: HpackDecoderOptions = {}) {
    this.maxTableSize = nonNegativeInteger(options.maxTableSize ?? 4096, 'maxTableSize');
    this.maxHeaderListSize = nonNegativeInteger(options.maxHeaderListSize ?? 64 * 1024, 'maxHeaderListSize');
    this.capacity = this.maxTableSize;
  }

  /** Decodes one complete header block. */
  decode(block: Uint8Array): Array<[name: string, value: string]> {
    const bytes = Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const end = bytes.length;
    const fields: Array<[name: string, value: string]> = [];
    let listSize = 0;
    this.at = 0;
    while (this.at < end) {
      const first = bytes[this.at]!;
      let name: string;
      let value: string;
      if (first >= 0x80) {
        // Indexed field (§6.1): 1xxxxxxx
        const index = this.readInteger(bytes, 7);
        if (index === 0) throw new HpackError('compression', 'indexed field with index 0');
        if (index <= STATIC_ENTRIES) {
          const entry = STATIC_TABLE[index - 1]!;
          name = entry[0];
          value = entry[1];
        } else {
          const slot = this.slotOf(index);
          name = this.names[slot]!;
          value = this.values[slot]!;
        }
      } else if (first >= 0x40) {
        // Literal with incremental indexing (§6.2.1): 01xxxxxx
        const index = this.readInteger(bytes, 6);
        name = index === 0 ? this.readString(bytes, false) : this.nameAt(index);
        value = this.readString(bytes, false);
        this.insert(name, value);
      } else if (first >= 0x20) {
        // Dynamic table size update (§6.3): 001xxxxx, only before the first field (§4.2)
        if (listSize > 0) throw new HpackError('compression', 'dynamic table size update after a header field');
        const capacity = this.readInteger(bytes, 5);
        if (capacity > this.maxTableSize)
          throw new HpackError(
            'compression',
            `dynamic table size update to ${capacity}, above our limit of ${this.maxTableSize}`,
          );
        this.capacity = capacity;
        this.evictDownTo(capacity);
        continue;
      } else {
        // Literal without indexing (§6.2.2): 0000xxxx, or never indexed (§6.2.3): 0001xxxx. Its value will likely
        // come again in the next block, as a literal again (a gRPC client's :path).
        const index = this.readInteger(bytes, 4);
        name = index === 0 ? this.readString(bytes, false) : this.nameAt(index);
        value = this.readString(bytes, true);
      }
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize <= this.maxHeaderListSize) fields.push([name, value]);
    }
    if (listSize > this.maxHeaderListSize)
      throw new HpackError(
        'too-large',
        `header list of ${listSize} octets, above the limit of ${this.maxHeaderListSize} (name + value + 32 per field)`,
      );
    return fields;
  }

  /** The dynamic table's entries, newest (index 62) first: for tests and diagnostics. */
  dynamicTable(): Array<[name: string, value: string]> {
    const entries: Array<[name: string, value: string]> = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.newest - i) & this.mask;
      entries.push([this.names[slot]!, this.values[slot]!]);
    }
    return entries;
  }

  /** The dynamic table's size in octets as RFC 7541 §4.1 counts it. */
  get dynamicTableSize(): number {
    return this.size;
  }

  /** Reads an integer with an N-bit prefix (§5.1) at `this.at`, which must be inside the block. */
  private readInteger(bytes: Buffer, prefixBits: number): number {
    const prefixMax = (1 << prefixBits) - 1;
    let value = bytes[this.at++]! & prefixMax;
    if (value < prefixMax) return value;
    let factor = 1;
    for (let continuations = 1; ; continuations++) {
      if (this.at >= bytes.length) throw new HpackError('compression', 'header block ends inside an integer');
      if (continuations > MAX_INTEGER_CONTINUATIONS)
        throw new HpackError('compression', `integer longer than ${MAX_INTEGER_CONTINUATIONS} continuation octets`);
      const octet = bytes[this.at++]!;
      value += (octet & 0x7f) * factor;
      if (value > MAX_INTEGER) throw new HpackError('compression', `integer above ${MAX_INTEGER}`);
      if (octet < 0x80) return value;
      factor *= 128;
    }
  }

  /**
   * Reads a string literal (§5.2): a Huffman flag, a 7-bit-prefix length, the octets. `repeated`: likely sent before
   * and again, worth looking up among the literals seen lately.
   */
  private readString(bytes: Buffer, repeated: boolean): string {
    if (this.at >= bytes.length) throw new HpackError('compression', 'header block ends before a string literal');
    const huffman = bytes[this.at]! >= 0x80;
    const length = this.readInteger(bytes, 7);
    const start = this.at;
    const end = start + length;
    if (end > bytes.length)
      throw new HpackError('compression', `string literal of ${length} octets runs past the header block`);
    this.at = end;
    return repeated ? decodeRepeatedLiteral(bytes, start, end, huffman) : decodeLiteral(bytes, start, end, huffman);
  }

  private nameAt(index: number): string {
    return index <= STATIC_ENTRIES ? STATIC_TABLE[index - 1]![0] : this.names[this.slotOf(index)]!;
  }

  /** The ring slot of dynamic `index` (62 = newest). */
  private slotOf(index: number): number {
    const age = index - STATIC_ENTRIES - 1;
    if (age >= this.count)
      throw new HpackError(
        'compression',
        `index ${index} beyond the tables (${STATIC_ENTRIES} static + ${this.count} dynamic entries)`,
      );
    return (this.newest - age) & this.mask;
  }

  /** Adds an entry (§4.4): evicts the oldest until it fits; one larger than the table empties it. */
  private insert(name: string, value: string): void {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (entrySize > this.capacity) {
      this.evictDownTo(0);
      return;
    }
    this.evictDownTo(this.capacity - entrySize);
    if (this.count === this.names.length) this.grow();
    this.newest = (this.newest + 1) & this.mask;
    this.names[this.newest] = name;
    this.values[this.newest] = value;
    this.count++;
    this.size += entrySize;
  }

  private evictDownTo(size: number): void {
    while (this.size > size) {
      const oldest = (this.newest - this.count + 1) & this.mask;
      this.size -= this.names[oldest]!.length + this.values[oldest]!.length + ENTRY_OVERHEAD;
      this.names[oldest] = '';
      this.values[oldest] = '';
      this.count--;
    }
  }

  /** Doubles the ring, oldest entry first in the new one. */
  private grow(): void {
    const length = this.names.length * 2;
    const names = new Array<string>(length).fill('');
    const values = new Array<string>(length).fill('');
    for (let age = this.count - 1, to = 0; age >= 0; age--, to++) {
      const slot = (this.newest - age) & this.mask;
      names[to] = this.names[slot]!;
      values[to] = this.values[slot]!;
    }
    this.names = names;
    this.values = values;
    this.mask = length - 1;
    this.newest = this.count - 1;
  }
}

function nonNegativeInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INTEGER)
    throw new RangeError(`${option} must be an integer from 0 to ${MAX_INTEGER}, not ${value}`);
  return value;
}
