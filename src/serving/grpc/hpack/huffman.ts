/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B): a static prefix code for header octets, 5 to 30 bits a symbol,
 * plus EOS (symbol 256), whose leading bits pad a string to a whole octet.
 *
 * Decoding runs a state machine a nibble at a time instead of walking the code tree bit by bit: a state is an
 * internal node of the tree (256 of them), and `TRANSITIONS[state * 16 + nibble]` says where four more bits lead
 * and which symbol, if any, they complete (codes are at least 5 bits long, so at most one per nibble). The table
 * (4,096 entries, 16 KiB) is built from the code once at module load.
 *
 * The code below was printed from Debian's python3-hpack (hpack 4.0.0) and checked against the RFC's table; it is
 * canonical (codes of one length are consecutive, in symbol order), which the tests verify.
 */
import { HpackError } from './errors.js';
import { latin1String } from './latin1.js';

/** Each symbol's code, right-aligned (its last bit is bit 0); index 256 is EOS. */
// biome-ignore format: rows numbered by symbol, to check against RFC 7541 Appendix B.
export const HUFFMAN_CODES: readonly number[] = [
  0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7, // 0–7
  0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec, // 8–15
  0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3, // 16–23
  0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb, // 24–31
  0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa, // 32–39
  0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18, // 40–47
  0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, // 48–55
  0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc, // 56–63
  0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, // 64–71
  0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, // 72–79
  0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, // 80–87
  0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22, // 88–95
  0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26, // 96–103
  0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7, // 104–111
  0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78, // 112–119
  0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc, // 120–127
  0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9, // 128–135
  0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf, // 136–143
  0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3, // 144–151
  0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef, // 152–159
  0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde, // 160–167
  0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec, // 168–175
  0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef, // 176–183
  0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1, // 184–191
  0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec, // 192–199
  0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed, // 200–207
  0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2, // 208–215
  0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5, // 216–223
  0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3, // 224–231
  0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4, // 232–239
  0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea, // 240–247
  0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee, // 248–255
  0x3fffffff, // 256 (EOS)
];

/** Each symbol's code length in bits. */
// biome-ignore format: rows numbered by symbol, to check against RFC 7541 Appendix B.
export const HUFFMAN_CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0–15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16–31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32–47
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48–63
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64–79
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80–95
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96–111
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112–127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128–143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144–159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160–175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176–191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192–207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208–223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224–239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240–255
  30, // 256 (EOS)
];

const EOS = 256;
/** A tree slot holding `LEAF | symbol` is a leaf; otherwise it holds the child node's number (0: not yet made). */
const LEAF = 0x1000;
/** Transition entry: bits 0–7 the next state, 8–15 the symbol completed, then these flags. */
const EMITS = 1 << 16;
/** The state reached ends a string well: at the root, or at most 7 bits into EOS (valid padding). */
const ACCEPTS = 1 << 17;
/** The bits complete EOS, which must not appear inside a string. Highest bit, so `entry >= FAILS` tests it. */
const FAILS = 1 << 18;

/** Children of internal node n at 2n and 2n + 1; node 0 is the root. */
const tree: number[] = [0, 0];
/** Per internal node: its depth, and whether the path to it is all ones (the only valid padding). */
const nodeDepth: number[] = [0];
const nodeAllOnes: boolean[] = [true];
for (let symbol = 0; symbol <= EOS; symbol++) {
  const code = HUFFMAN_CODES[symbol]!;
  let node = 0;
  for (let bit = HUFFMAN_CODE_LENGTHS[symbol]! - 1; bit > 0; bit--) {
    const one = (code >>> bit) & 1;
    const slot = 2 * node + one;
    if (tree[slot] === 0) {
      const child = nodeDepth.length;
      tree[slot] = child;
      tree.push(0, 0);
      nodeDepth.push(nodeDepth[node]! + 1);
      nodeAllOnes.push(nodeAllOnes[node]! && one === 1);
    }
    node = tree[slot]!;
  }
  tree[2 * node + (code & 1)] = LEAF | symbol;
}

const STATES = nodeDepth.length; // 256 for a complete code of 257 symbols
const TRANSITIONS = new Uint32Array(STATES * 16);
for (let state = 0; state < STATES; state++) {
  for (let nibble = 0; nibble < 16; nibble++) {
    let node = state;
    let entry = 0;
    for (let bit = 3; bit >= 0; bit--) {
      const next = tree[2 * node + ((nibble >>> bit) & 1)]!;
      if (next < LEAF) {
        node = next;
      } else if ((next & 0x1ff) === EOS) {
        entry = FAILS;
        break;
      } else {
        entry = EMITS | ((next & 0xff) << 8);
        node = 0;
      }
    }
    if (entry !== FAILS) {
      const accepts = node === 0 || (nodeAllOnes[node]! && nodeDepth[node]! <= 7);
      entry |= node | (accepts ? ACCEPTS : 0);
    }
    TRANSITIONS[state * 16 + nibble] = entry;
  }
}

/** Reused output for decoded octets (one decode at a time: Node runs this on one thread); grows when needed. */
let scratch = Buffer.allocUnsafeSlow(1024);
/** Beyond this a one-off buffer is used rather than keeping a large scratch alive. */
const MAX_KEPT_SCRATCH = 64 * 1024;

/**
 * Decodes the Huffman-coded octets `bytes[start, end)` into a latin1 string (each header octet a char 0–255).
 * Throws HpackError (compression) for an EOS symbol, padding longer than 7 bits, or padding that is not all ones.
 */
export function decodeHuffman(bytes: Uint8Array, start: number, end: number): string {
  const most = ((end - start) * 8) / 5; // shortest code: 5 bits
  let out = scratch;
  if (most > out.length) {
    out = Buffer.allocUnsafeSlow(Math.ceil(most));
    if (most <= MAX_KEPT_SCRATCH) scratch = out;
  }
  let length = 0;
  let state = 0;
  let entry = ACCEPTS;
  for (let i = start; i < end; i++) {
    const octet = bytes[i]!;
    entry = TRANSITIONS[(state << 4) | (octet >>> 4)]!;
    if (entry >= FAILS) throw eosInString();
    if ((entry & EMITS) !== 0) out[length++] = (entry >>> 8) & 0xff;
    state = entry & 0xff;
    entry = TRANSITIONS[(state << 4) | (octet & 0x0f)]!;
    if (entry >= FAILS) throw eosInString();
    if ((entry & EMITS) !== 0) out[length++] = (entry >>> 8) & 0xff;
    state = entry & 0xff;
  }
  if ((entry & ACCEPTS) === 0) {
    throw new HpackError(
      'compression',
      nodeAllOnes[state]
        ? `Huffman padding longer than 7 bits (${nodeDepth[state]})`
        : 'Huffman padding is not the most significant bits of EOS (all ones), or the string ends inside a symbol',
    );
  }
  return latin1String(out, 0, length);
}

function eosInString(): HpackError {
  return new HpackError('compression', 'Huffman-coded string holds the EOS symbol');
}

/** The length in octets of `text` (latin1: chars 0–255) Huffman-coded. */
export function huffmanEncodedLength(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += HUFFMAN_CODE_LENGTHS[octetAt(text, i)]!;
  return Math.ceil(bits / 8);
}

/** Huffman-codes `text` (latin1: chars 0–255), padded with the leading bits of EOS. */
export function encodeHuffman(text: string): Buffer {
  const out = Buffer.allocUnsafe(huffmanEncodedLength(text));
  let at = 0;
  let pending = 0; // bits not yet written, the last `pendingBits` of it (fewer than 8)
  let pendingBits = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = octetAt(text, i);
    const code = HUFFMAN_CODES[symbol]!;
    let remaining = HUFFMAN_CODE_LENGTHS[symbol]!;
    while (remaining > 0) {
      const take = Math.min(8 - pendingBits, remaining);
      remaining -= take;
      pending = (pending << take) | ((code >>> remaining) & ((1 << take) - 1));
      pendingBits += take;
      if (pendingBits === 8) {
        out[at++] = pending;
        pending = 0;
        pendingBits = 0;
      }
    }
  }
  if (pendingBits > 0) out[at++] = (pending << (8 - pendingBits)) | (0xff >>> pendingBits);
  return out;
}

function octetAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c > 0xff)
    throw new RangeError(`char U+${c.toString(16).padStart(4, '0')} is not an octet (latin1 text expected)`);
  return c;
}
