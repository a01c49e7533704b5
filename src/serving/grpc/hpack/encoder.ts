/**
 * A stateless HPACK encoder (RFC 7541) for the header blocks a server sends: it never adds to the dynamic table, so
 * the peer's decoder table stays empty and no table size update is ever needed, whatever the peer's
 * SETTINGS_HEADER_TABLE_SIZE.
 *
 * Each field is, in order of preference: an indexed field when the static table holds it whole (`:status: 200` is
 * one octet), a literal without indexing naming a static entry, or a literal without indexing with a new name.
 * Strings are sent raw (no Huffman): responses are small and a gRPC server's headers are mostly static-table hits,
 * so Huffman's savings are not worth its CPU here.
 */
import { STATIC_TABLE } from './static-table.js';

/** Per static name: the index of its first entry, and of each whole field it has by value. */
const STATIC_NAMES = new Map<string, { readonly index: number; readonly fields: Map<string, number> }>();
STATIC_TABLE.forEach(([name, value], i) => {
  const known = STATIC_NAMES.get(name) ?? { index: i + 1, fields: new Map<string, number>() };
  if (!known.fields.has(value)) known.fields.set(value, i + 1);
  STATIC_NAMES.set(name, known);
});

/** Per field of the block being encoded: the static index of the whole field (> 0), of its name (< 0), or 0. */
let plan = new Int32Array(32);

/**
 * Encodes `fields` (names lower-case, as HTTP/2 requires; names and values latin1, one char per octet) as one header
 * block. Throws RangeError for a char above U+00FF, which no octet can carry (percent-encode such text first).
 *
 * Being stateless, a block of fixed fields can be encoded once and sent as often as needed.
 */
export function encodeHeaderBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  if (plan.length < fields.length) plan = new Int32Array(fields.length * 2);
  let length = 0;
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    const known = STATIC_NAMES.get(name);
    const fieldIndex = known?.fields.get(value);
    if (fieldIndex !== undefined) {
      plan[i] = fieldIndex;
      length += integerLength(7, fieldIndex);
    } else if (known !== undefined) {
      plan[i] = -known.index;
      length += integerLength(4, known.index) + stringLength(value);
    } else {
      plan[i] = 0;
      length += 1 + stringLength(name) + stringLength(value);
    }
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    const index = plan[i]!;
    if (index > 0) {
      at = writeInteger(out, at, 0x80, 7, index); // indexed field (§6.1)
      continue;
    }
    if (index < 0) {
      at = writeInteger(out, at, 0x00, 4, -index); // literal without indexing, indexed name (§6.2.2)
    } else {
      out[at++] = 0x00; // literal without indexing, new name (§6.2.2)
      at = writeString(out, at, name, name);
    }
    at = writeString(out, at, value, name);
  }
  return out;
}

function integerLength(prefixBits: number, value: number): number {
  const prefixMax = (1 << prefixBits) - 1;
  if (value < prefixMax) return 1;
  let length = 2;
  for (let rest = value - prefixMax; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
}

function stringLength(text: string): number {
  return integerLength(7, text.length) + text.length;
}

/** Writes `value` with an N-bit prefix (§5.1) after the bits `pattern` sets in the first octet. */
function writeInteger(out: Buffer, at: number, pattern: number, prefixBits: number, value: number): number {
  const prefixMax = (1 << prefixBits) - 1;
  if (value < prefixMax) {
    out[at++] = pattern | value;
    return at;
  }
  out[at++] = pattern | prefixMax;
  let rest = value - prefixMax;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}

/** Writes a raw string literal (§5.2, H = 0). */
function writeString(out: Buffer, at: number, text: string, field: string): number {
  let to = writeInteger(out, at, 0x00, 7, text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff)
      throw new RangeError(`header ${JSON.stringify(field)} holds U+${c.toString(16).padStart(4, '0')}, not an octet`);
    out[to++] = c;
  }
  return to;
}
