/**
 * The HPACK Huffman code (RFC 7541 Appendix B): complete and canonical, the strings of Appendix C, every octet at
 * every bit alignment, and the refusals of §5.2 (padding of 8 bits or more, padding that is not EOS's leading bits,
 * EOS inside a string).
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHuffman, encodeHuffman, HUFFMAN_CODE_LENGTHS, HUFFMAN_CODES } from './huffman.js';
import { bits, COOKIE, DATE_21, hex, throwsHpack } from './test-support/vectors.js';

function huffman(bytes: Buffer): string {
  return decodeHuffman(bytes, 0, bytes.length);
}

/** RFC 7541 C.4 and C.6: Huffman-coded strings. */
const HUFFMAN_VECTORS: ReadonlyArray<readonly [string, string]> = [
  ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'],
  ['a8eb 1064 9cbf', 'no-cache'],
  ['25a8 49e9 5ba9 7d7f', 'custom-key'],
  ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'],
  ['6402', '302'],
  ['aec3 771a 4b', 'private'],
  ['d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff', DATE_21],
  ['9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3', 'https://www.example.com'],
  ['9bd9 ab', 'gzip'],
  [
    '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    COOKIE,
  ],
];

describe('HPACK Huffman code', () => {
  it('is the complete canonical code of RFC 7541 Appendix B', () => {
    assert.equal(HUFFMAN_CODES.length, 257);
    assert.equal(HUFFMAN_CODE_LENGTHS.length, 257);
    // Complete: the code lengths fill the code space exactly (Kraft sum 1).
    assert.equal(
      HUFFMAN_CODE_LENGTHS.reduce((sum, length) => sum + 2 ** (30 - length), 0),
      2 ** 30,
    );
    // Canonical: sorted by (length, symbol), each code is the previous one plus one, shifted to its length.
    const order = [...HUFFMAN_CODE_LENGTHS.keys()].sort(
      (a, b) => HUFFMAN_CODE_LENGTHS[a]! - HUFFMAN_CODE_LENGTHS[b]! || a - b,
    );
    let code = 0;
    order.forEach((symbol, i) => {
      if (i > 0) code = (code + 1) * 2 ** (HUFFMAN_CODE_LENGTHS[symbol]! - HUFFMAN_CODE_LENGTHS[order[i - 1]!]!);
      assert.equal(HUFFMAN_CODES[symbol], code, `symbol ${symbol}`);
    });
    // A few rows of the RFC's table.
    const rows: Array<[number, number, number]> = [
      [0, 0x1ff8, 13],
      [10, 0x3ffffffc, 30],
      [32, 0x14, 6],
      [48, 0x0, 5],
      [97, 0x3, 5],
      [127, 0xffffffc, 28],
      [195, 0x7fff1, 19],
      [255, 0x3ffffee, 26],
      [256, 0x3fffffff, 30],
    ];
    for (const [symbol, wantedCode, wantedLength] of rows) {
      assert.equal(HUFFMAN_CODES[symbol], wantedCode, `code of ${symbol}`);
      assert.equal(HUFFMAN_CODE_LENGTHS[symbol], wantedLength, `length of ${symbol}`);
    }
  });

  it('decodes and encodes the strings of RFC 7541 Appendix C', () => {
    for (const [coded, text] of HUFFMAN_VECTORS) {
      assert.equal(huffman(hex(coded)), text);
      assert.equal(encodeHuffman(text).toString('hex'), coded.replace(/ /g, ''));
    }
    assert.equal(huffman(Buffer.alloc(0)), '');
  });

  it('decodes a slice of a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.from([0x00, 0x01]), hex('9bd9 ab'), Buffer.from([0xff])]);
    assert.equal(decodeHuffman(bytes, 2, 5), 'gzip');
  });

  it('round-trips every octet, at every bit alignment', () => {
    for (let octet = 0; octet < 256; octet++) {
      const symbol = String.fromCharCode(octet);
      for (let shift = 0; shift < 8; shift++) {
        // 'a' is 5 bits: 0 to 7 of them put the symbol at each of the 8 bit offsets within an octet.
        const text = `${'a'.repeat(shift)}${symbol}${symbol}z`;
        assert.equal(huffman(encodeHuffman(text)), text, `octet ${octet} after ${shift} × 'a'`);
      }
    }
    let all = '';
    for (let octet = 255; octet >= 0; octet--) all += String.fromCharCode(octet);
    assert.equal(huffman(encodeHuffman(all)), all);
    assert.equal(huffman(encodeHuffman(all.repeat(40))), all.repeat(40)); // longer than the kept scratch buffer
  });

  it('accepts up to 7 bits of padding, refuses 8 or more', () => {
    assert.equal(huffman(bits('00000'.repeat(5))), '00000'); // 25 bits, 7 of padding
    throwsHpack(
      () => huffman(Buffer.concat([bits('00011'), Buffer.from([0xff])])),
      'compression',
      /longer than 7 bits/,
    );
    throwsHpack(() => huffman(Buffer.from([0xff])), 'compression', /longer than 7 bits/);
  });

  it('refuses padding that is not the leading bits of EOS', () => {
    throwsHpack(() => huffman(Buffer.from([0b00011000])), 'compression', /not the most significant bits of EOS/);
    throwsHpack(() => huffman(Buffer.from([0b00011110])), 'compression', /not the most significant bits of EOS/);
  });

  it('refuses the EOS symbol inside a string', () => {
    throwsHpack(() => huffman(bits('1'.repeat(30))), 'compression', /EOS/);
    throwsHpack(() => huffman(bits(`00011${'1'.repeat(30)}00011`)), 'compression', /EOS/);
  });
});
