/**
 * HPACK tests: RFC 7541 Appendix C's examples (C.1 integers, C.2 single fields, C.3–C.6
 * request and response sequences with the dynamic table carried across blocks), every refusal a peer can provoke,
 * and the stateless encoder through our decoder.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HpackDecoder } from './decoder.js';
import { encodeHeaderBlock } from './encoder.js';
import { encodeHuffman } from './huffman.js';
import { STATIC_TABLE } from './static-table.js';
import { COOKIE, DATE_21, DATE_22, hex, throwsHpack } from './test-support/vectors.js';

type Fields = Array<[string, string]>;

interface Step {
  readonly block: string;
  readonly fields: Fields;
  /** Newest first. */
  readonly table: Fields;
  readonly tableSize: number;
}

function runSequence(decoder: HpackDecoder, steps: readonly Step[]): void {
  steps.forEach((step, i) => {
    assert.deepEqual(decoder.decode(hex(step.block)), step.fields, `fields of block ${i + 1}`);
    assert.deepEqual(decoder.dynamicTable(), step.table, `dynamic table after block ${i + 1}`);
    assert.equal(decoder.dynamicTableSize, step.tableSize, `dynamic table size after block ${i + 1}`);
  });
}

const REQUESTS_FIELDS: Fields[] = [
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
    ['cache-control', 'no-cache'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':path', '/index.html'],
    [':authority', 'www.example.com'],
    ['custom-key', 'custom-value'],
  ],
];
const REQUESTS_TABLES: Array<{ table: Fields; tableSize: number }> = [
  { table: [[':authority', 'www.example.com']], tableSize: 57 },
  {
    table: [
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    tableSize: 110,
  },
  {
    table: [
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    tableSize: 164,
  },
];

const RESPONSES_FIELDS: Fields[] = [
  [
    [':status', '302'],
    ['cache-control', 'private'],
    ['date', DATE_21],
    ['location', 'https://www.example.com'],
  ],
  [
    [':status', '307'],
    ['cache-control', 'private'],
    ['date', DATE_21],
    ['location', 'https://www.example.com'],
  ],
  [
    [':status', '200'],
    ['cache-control', 'private'],
    ['date', DATE_22],
    ['location', 'https://www.example.com'],
    ['content-encoding', 'gzip'],
    ['set-cookie', COOKIE],
  ],
];
const RESPONSES_TABLES: Array<{ table: Fields; tableSize: number }> = [
  {
    table: [
      ['location', 'https://www.example.com'],
      ['date', DATE_21],
      ['cache-control', 'private'],
      [':status', '302'],
    ],
    tableSize: 222,
  },
  {
    table: [
      [':status', '307'],
      ['location', 'https://www.example.com'],
      ['date', DATE_21],
      ['cache-control', 'private'],
    ],
    tableSize: 222,
  },
  {
    table: [
      ['set-cookie', COOKIE],
      ['content-encoding', 'gzip'],
      ['date', DATE_22],
    ],
    tableSize: 215,
  },
];

function steps(blocks: string[], fields: Fields[], tables: Array<{ table: Fields; tableSize: number }>): Step[] {
  return blocks.map((block, i) => ({ block, fields: fields[i]!, ...tables[i]! }));
}

describe('HpackDecoder', () => {
  it('decodes RFC 7541 C.2.1–C.2.4 (one field of each representation)', () => {
    const cases: Array<[string, Fields, Fields]> = [
      [
        '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
        [['custom-key', 'custom-header']],
        [['custom-key', 'custom-header']],
      ],
      ['040c 2f73 616d 706c 652f 7061 7468', [[':path', '/sample/path']], []],
      ['1008 7061 7373 776f 7264 0673 6563 7265 74', [['password', 'secret']], []],
      ['82', [[':method', 'GET']], []],
    ];
    for (const [block, fields, table] of cases) {
      const decoder = new HpackDecoder();
      assert.deepEqual(decoder.decode(hex(block)), fields, block);
      assert.deepEqual(decoder.dynamicTable(), table, block);
    }
    const decoder = new HpackDecoder();
    decoder.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    assert.equal(decoder.dynamicTableSize, 55);
  });

  it('decodes the C.3 requests in sequence, the dynamic table carried across', () => {
    const blocks = [
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ];
    runSequence(new HpackDecoder(), steps(blocks, REQUESTS_FIELDS, REQUESTS_TABLES));
  });

  it('decodes the C.4 requests (Huffman) in sequence', () => {
    const blocks = [
      '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
      '8286 84be 5886 a8eb 1064 9cbf',
      '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ];
    runSequence(new HpackDecoder(), steps(blocks, REQUESTS_FIELDS, REQUESTS_TABLES));
  });

  it('decodes the C.5 responses with a 256-octet table, evicting', () => {
    const blocks = [
      `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
       2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
      '4803 3330 37c1 c0bf',
      `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
       54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
       5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`,
    ];
    runSequence(new HpackDecoder({ maxTableSize: 256 }), steps(blocks, RESPONSES_FIELDS, RESPONSES_TABLES));
  });

  it('decodes the C.6 responses (Huffman) with a 256-octet table, evicting', () => {
    const blocks = [
      `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
       2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
      '4883 640e ffc1 c0bf',
      `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
       77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
       9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
    ];
    runSequence(new HpackDecoder({ maxTableSize: 256 }), steps(blocks, RESPONSES_FIELDS, RESPONSES_TABLES));
  });

  it('reads prefixed integers as C.1 does, and at the prefix boundary', () => {
    // C.1.1 (10) and C.1.2 (1337) with a 5-bit prefix: table size updates, refused above a limit of 9.
    const small = new HpackDecoder({ maxTableSize: 9 });
    throwsHpack(() => small.decode(hex('2a')), 'compression', /size update to 10, above our limit of 9/);
    throwsHpack(() => small.decode(hex('3f9a0a')), 'compression', /size update to 1337,/);
    // 127 with a 7-bit prefix needs a continuation octet of 0; 15 with a 4-bit prefix likewise.
    throwsHpack(() => new HpackDecoder().decode(hex('ff00')), 'compression', /index 127 beyond/);
    assert.deepEqual(new HpackDecoder().decode(hex('0f00 03 616263')), [['accept-charset', 'abc']]);
    assert.deepEqual(new HpackDecoder().decode(hex('0e 03 616263')), [[':status', 'abc']]); // 14 fits the prefix
  });

  it('takes size updates at the start of a block (several in a row), evicting to the new size', () => {
    const decoder = new HpackDecoder();
    decoder.decode(hex('4003 616263 03 646566')); // abc: def, 38 octets
    decoder.decode(hex('4003 676869 03 6a6b6c')); // ghi: jkl
    assert.equal(decoder.dynamicTableSize, 76);
    assert.deepEqual(decoder.decode(hex('3f 13')), []); // size 50: the oldest goes
    assert.deepEqual(decoder.dynamicTable(), [['ghi', 'jkl']]);
    assert.deepEqual(decoder.decode(hex('20 3fe11f')), []); // 0 (empties the table), then 4096
    assert.equal(decoder.dynamicTableSize, 0);
    throwsHpack(() => decoder.decode(hex('be')), 'compression', /index 62 beyond the tables \(61 static \+ 0 dynamic/);
    assert.deepEqual(decoder.decode(hex('3fe11f 4003 616263 03 646566 be')), [
      ['abc', 'def'],
      ['abc', 'def'],
    ]);
  });
});

describe('HpackDecoder table bookkeeping', () => {
  it('empties the table for an entry larger than it, and still returns the field', () => {
    const decoder = new HpackDecoder({ maxTableSize: 100 });
    decoder.decode(hex('4001 61 01 62')); // a: b, 34 octets
    const name = 'n'.repeat(70); // 70 + 0 + 32 = 102 > 100
    const block = Buffer.concat([hex('40 46'), Buffer.from(name), hex('00')]);
    assert.deepEqual(decoder.decode(block), [[name, '']]);
    assert.deepEqual(decoder.dynamicTable(), []);
    assert.equal(decoder.dynamicTableSize, 0);
  });

  it('keeps the name of an entry that adding the new one evicts (§4.4)', () => {
    const decoder = new HpackDecoder({ maxTableSize: 70 });
    decoder.decode(hex('4005 6e616d6531 01 76')); // name1: v, 38 octets
    const value = 'x'.repeat(20); // name1 + 20 + 32 = 57: the old entry must go
    const block = Buffer.concat([hex('7e 14'), Buffer.from(value)]); // indexed name 62
    assert.deepEqual(decoder.decode(block), [['name1', value]]);
    assert.deepEqual(decoder.dynamicTable(), [['name1', value]]);
    assert.equal(decoder.dynamicTableSize, 57);
  });

  it('indexes many entries newest first as the ring grows', () => {
    const decoder = new HpackDecoder();
    for (let i = 0; i < 80; i++) decoder.decode(Buffer.concat([hex('4002'), Buffer.from(`k${i % 10}`), hex('01 76')]));
    assert.equal(decoder.dynamicTable().length, 80);
    assert.equal(decoder.dynamicTableSize, 80 * 35);
    assert.deepEqual(decoder.decode(hex('be e4 ff00 ff0e')), [
      ['k9', 'v'], // 62: the newest (entry 79)
      ['k1', 'v'], // 100: entry 79 - 38 = 41
      ['k4', 'v'], // 127: entry 14
      ['k0', 'v'], // 141: entry 0, the oldest
    ]);
    throwsHpack(() => decoder.decode(hex('ff 0f')), 'compression', /index 142 beyond the tables \(61 static \+ 80/);
  });

  it('returns names as sent and octets above 127 as latin1 chars', () => {
    const decoder = new HpackDecoder();
    assert.deepEqual(decoder.decode(hex('0003 414243 02 e9ff')), [['ABC', '\u00e9\u00ff']]);
    const coded = encodeHuffman('caf\u00e9');
    const block = Buffer.concat([hex('0001 78'), Buffer.from([0x80 | coded.length]), coded]);
    assert.deepEqual(decoder.decode(block), [['x', 'caf\u00e9']]);
  });

  it('decodes a Uint8Array view that is not a Buffer', () => {
    const bytes = new Uint8Array([0xaa, 0x82, 0x86, 0x84, 0xaa]);
    assert.deepEqual(new HpackDecoder().decode(bytes.subarray(1, 4)), [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
    ]);
  });
});

describe('HpackDecoder literals remembered across blocks', () => {
  const pathBlock = (value: Buffer, huffman: boolean) =>
    Buffer.concat([Buffer.from([0x04, (huffman ? 0x80 : 0) | value.length]), value]); // :path, without indexing

  it('tells apart literals differing in one octet, first or last, and raw from Huffman-coded octets', () => {
    const decoder = new HpackDecoder();
    const paths = ['/pkg.Service/MethodA', 'xpkg.Service/MethodA', '/pkg.Service/MethodB', '/pkg.Service/MethodA'];
    for (let round = 0; round < 3; round++) {
      for (const path of paths) {
        assert.deepEqual(decoder.decode(pathBlock(Buffer.from(path, 'latin1'), false)), [[':path', path]]);
        assert.deepEqual(decoder.decode(pathBlock(encodeHuffman(path), true)), [[':path', path]]);
      }
    }
    const coded = hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'); // www.example.com
    assert.deepEqual(decoder.decode(pathBlock(coded, true)), [[':path', 'www.example.com']]);
    assert.deepEqual(decoder.decode(pathBlock(coded, false)), [[':path', coded.toString('latin1')]]);
    assert.deepEqual(decoder.decode(pathBlock(coded, true)), [[':path', 'www.example.com']]);
  });

  it('stays right when more literals come than it remembers', () => {
    const decoder = new HpackDecoder();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) {
        const path = `/svc/method-${String(i).padStart(3, '0')}`;
        assert.deepEqual(decoder.decode(pathBlock(encodeHuffman(path), true)), [[':path', path]]);
      }
    }
  });
});

describe('HpackDecoder refusals', () => {
  const refusals: Array<[string, string, RegExp]> = [
    ['index 0', '80', /indexed field with index 0/],
    ['an index beyond the static table, the dynamic one empty', 'be', /index 62 beyond the tables/],
    ['an indexed name beyond the tables', '7e 01 61', /index 62 beyond the tables/],
    ['an indexed name beyond the tables (never indexed)', '1f 2f 01 61', /index 62 beyond the tables/],
    ['a size update above our limit', '3f e2 1f', /size update to 4097, above our limit of 4096/],
    ['a size update after a field', '82 20', /size update after a header field/],
    ['a block ending inside an integer', '3f', /ends inside an integer/],
    ['a block ending inside a continued integer', '3f 9a', /ends inside an integer/],
    ['a block ending before a name', '40', /ends before a string literal/],
    ['a block ending before a value', '04', /ends before a string literal/],
    ['a string running past the block', '40 0a 6375 7374', /string literal of 10 octets runs past/],
    ['a string length running past the block', '04 7f', /ends inside an integer/],
    ['an integer above 2^31 - 1', 'ff ff ff ff ff 0f', /integer above 2147483647/],
    ['an integer of more than 5 continuation octets', 'ff 80 80 80 80 80 00', /longer than 5 continuation octets/],
    ['bad Huffman padding in a value', '0001 61 81 00', /not the most significant bits of EOS/],
    ['EOS in a Huffman-coded name', '0084 ffffffff 00', /EOS/],
  ];
  for (const [what, block, message] of refusals) {
    it(`refuses ${what}`, () => throwsHpack(() => new HpackDecoder().decode(hex(block)), 'compression', message));
  }

  it('refuses a header list over maxHeaderListSize as too-large, after keeping the table in step', () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 100 });
    const big = Buffer.concat([hex('40 32'), Buffer.from('x'.repeat(50)), hex('32'), Buffer.from('y'.repeat(50))]);
    const after = hex('4001 6b 01 76'); // k: v, inserted after the limit is passed
    throwsHpack(
      () => decoder.decode(Buffer.concat([hex('82'), big, after])),
      'too-large',
      /of 208 octets, above the limit of 100/,
    );
    assert.deepEqual(decoder.dynamicTable(), [
      ['k', 'v'],
      ['x'.repeat(50), 'y'.repeat(50)],
    ]);
    assert.deepEqual(decoder.decode(hex('be 82')), [
      ['k', 'v'],
      [':method', 'GET'],
    ]);
    // Exactly at the limit is accepted: 3 × (7 + 3 + 32) = 126 > 100, but 2 × 42 = 84 ≤ 100.
    assert.equal(new HpackDecoder({ maxHeaderListSize: 84 }).decode(hex('82 82')).length, 2);
    throwsHpack(() => new HpackDecoder({ maxHeaderListSize: 83 }).decode(hex('82 82')), 'too-large', /84 octets/);
  });

  it('refuses options that are not sizes', () => {
    assert.throws(() => new HpackDecoder({ maxTableSize: -1 }), RangeError);
    assert.throws(() => new HpackDecoder({ maxHeaderListSize: 1.5 }), RangeError);
  });
});

describe('encodeHeaderBlock', () => {
  it('uses the static table: whole fields indexed, names indexed, other names literal, strings raw', () => {
    const block = encodeHeaderBlock([
      [':status', '200'],
      ['content-type', 'application/grpc'],
      ['grpc-status', '0'],
      ['accept', ''],
      [':status', '503'],
      ['accept-charset', 'utf-8'],
    ]);
    assert.equal(
      block.toString('hex'),
      [
        '88', // :status 200, static 8
        '0f10 10', // content-type (static 31: 4-bit prefix 15 + 16), value of 16 octets
        Buffer.from('application/grpc').toString('hex'),
        '00 0b', // new name of 11 octets
        Buffer.from('grpc-status').toString('hex'),
        '01 30',
        '93', // accept with an empty value, static 19
        '08 03 353033', // :status (static 8) 503
        '0f00 05', // accept-charset (static 15: the 4-bit prefix full, 0 more)
        Buffer.from('utf-8').toString('hex'),
      ]
        .join('')
        .replace(/ /g, ''),
    );
  });

  it('round-trips through the decoder, leaving its dynamic table empty', () => {
    const fields: Fields = [
      [':status', '200'],
      ['content-type', 'application/grpc+proto'],
      ['grpc-accept-encoding', 'identity'],
      ['grpc-message', `Model%20not%20found${'%20x'.repeat(60)}`], // over 127 octets: a 2-octet length
      ['retry-after', '1'],
      ['x-empty', ''],
      ['accept-charset', 'utf-8'], // static 15: a 4-bit prefix full, then a continuation octet of 0
      ['x-127', 'v'.repeat(127)], // a 7-bit length prefix full, likewise
      ['x-latin1', 'caf\u00e9'],
      ['n'.repeat(200), 'v'],
    ];
    const decoder = new HpackDecoder();
    for (let i = 0; i < 2; i++) assert.deepEqual(decoder.decode(encodeHeaderBlock(fields)), fields);
    assert.equal(decoder.dynamicTableSize, 0);
    assert.deepEqual(encodeHeaderBlock([]).length, 0);
  });

  it('sizes lengths on both sides of each integer boundary exactly', () => {
    const decoder = new HpackDecoder();
    for (const length of [1, 126, 127, 128, 254, 255, 256, 16_510, 16_511, 16_512, 20_000]) {
      const fields: Fields = [
        ['x'.repeat(length), 'v'.repeat(length)],
        ['user-agent', 'u'.repeat(length)],
      ];
      const block = encodeHeaderBlock(fields);
      assert.deepEqual(decoder.decode(block), fields, `length ${length}`);
      const lengthOctets = length < 127 ? 1 : length - 127 < 128 ? 2 : length - 127 < 16_384 ? 3 : 4;
      const nameIndexOctets = 2; // user-agent is static 58
      assert.equal(block.length, 1 + 2 * (lengthOctets + length) + nameIndexOctets + lengthOctets + length);
    }
  });

  it('encodes every static entry so that it decodes back', () => {
    const fields = STATIC_TABLE.map(([name, value]): [string, string] => [name, value]);
    const block = encodeHeaderBlock(fields);
    assert.equal(block.length, 61); // one octet each
    assert.deepEqual(new HpackDecoder().decode(block), fields);
  });

  it('refuses a char that is not an octet', () => {
    assert.throws(() => encodeHeaderBlock([['grpc-message', 'caf\u20ac']]), /grpc-message.*U\+20ac/);
  });
});
