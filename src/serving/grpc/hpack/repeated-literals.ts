/**
 * String literals a peer sends again and again, remembered by their encoded octets (and whether Huffman-coded) so that
 * the next time they cost a byte comparison rather than a decode and a new string. Shared by every decoder: the
 * string is a function of those octets alone.
 *
 * For the values of fields the peer chose not to index: it sends them whole on every request. A gRPC client's
 * `:path` (nghttp2 never indexes it) is a Huffman-coded literal of about 30 octets on each call; finding it here
 * takes about a fifth of the time decoding it does. A few slots, reused in turn: a miss costs a copy of the octets.
 */
import { decodeHuffman } from './huffman.js';
import { latin1String } from './latin1.js';

const SLOTS = 8;
/** Shorter literals are decoded: cheap enough, and the comparison would save little. */
const MIN_OCTETS = 8;
/** Longer ones too: rarely repeated verbatim, and each slot holds this much. */
const MAX_OCTETS = 64;

const slotOctets = new Uint8Array(SLOTS * MAX_OCTETS);
/** Per slot: the encoded length times 2, plus 1 when Huffman-coded; 0 for an empty slot. */
const slotKeys = new Int32Array(SLOTS);
const slotTexts: string[] = new Array<string>(SLOTS).fill('');
let nextSlot = 0;

/** The string literal encoded in `bytes[start, end)` (Huffman-coded or raw), from a slot when seen lately. */
export function decodeRepeatedLiteral(bytes: Buffer, start: number, end: number, huffman: boolean): string {
  const length = end - start;
  if (length < MIN_OCTETS || length > MAX_OCTETS) return decodeLiteral(bytes, start, end, huffman);
  const key = length * 2 + (huffman ? 1 : 0);
  for (let slot = 0; slot < SLOTS; slot++) {
    if (slotKeys[slot] !== key) continue;
    // Compared from the end: literals sent on one connection often share a prefix (`/package.Service/`).
    let i = length - 1;
    const base = slot * MAX_OCTETS;
    while (i >= 0 && slotOctets[base + i] === bytes[start + i]) i--;
    if (i < 0) return slotTexts[slot]!;
  }
  const text = decodeLiteral(bytes, start, end, huffman); // throws before anything is remembered
  const slot = nextSlot;
  nextSlot = (slot + 1) % SLOTS;
  for (let i = 0, base = slot * MAX_OCTETS; i < length; i++) slotOctets[base + i] = bytes[start + i]!;
  slotKeys[slot] = key;
  slotTexts[slot] = text;
  return text;
}

export function decodeLiteral(bytes: Buffer, start: number, end: number, huffman: boolean): string {
  return huffman ? decodeHuffman(bytes, start, end) : latin1String(bytes, start, end);
}
