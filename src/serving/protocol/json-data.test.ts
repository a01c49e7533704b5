import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { DATATYPES, type Datatype } from '../tensor.js';
import { plainData, sampleTensor } from '../test-support/samples.js';
import { decodeJsonData, encodeJsonData } from './json-data.js';

const invalid = (pattern: RegExp) => (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message);

describe('JSON tensor data', () => {
  it('takes flat or nested row-major data; both give the same elements', () => {
    const flat = decodeJsonData('INT32', [2, 3], [1, 2, 3, 4, 5, 6], "input 'x'");
    const nested = decodeJsonData(
      'INT32',
      [2, 3],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      "input 'x'",
    );
    assert.deepEqual([...flat], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...nested], [...flat]);
    assert.deepEqual([...decodeJsonData('FP64', [], [2.5], "input 'x'")], [2.5]); // a scalar holds one element
  });

  it('refuses data whose length or nesting does not match the shape', () => {
    assert.throws(
      () => decodeJsonData('FP32', [2, 2], [1, 2, 3], "input 'x'"),
      invalid(/input 'x': shape \[2,2\] holds 4 elements but "data" has 3/),
    );
    assert.throws(
      () =>
        decodeJsonData(
          'FP32',
          [3, 2],
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          "input 'x'",
        ),
      invalid(/2 entries at depth 0 where shape \[3,2\] has 3/),
    );
    assert.throws(() => decodeJsonData('FP32', [2, 2], [[1, 2], [3]], "input 'x'"), invalid(/1 entries at depth 1/));
    assert.throws(
      () => decodeJsonData('FP32', [2], [[1], [2]], "input 'x'"),
      invalid(/deeper than the shape's 1 dimensions/),
    );
    assert.throws(
      () => decodeJsonData('FP32', [2, 1], [[1], 2], "input 'x'"),
      invalid(/a value at depth 0 where the shape needs an array/),
    );
    assert.throws(() => decodeJsonData('FP32', [1], 'abc', "input 'x'"), invalid(/"data" must be an array/));
  });

  it('refuses a huge shape that a few nested elements claim to fill, before allocating anything', () => {
    // Before the nesting is checked, these would allocate 2^32 BYTES elements or 10^10 floats (RangeError, a 500).
    assert.throws(
      () => decodeJsonData('BYTES', [2 ** 32, 1], [['a']], "input 'x'"),
      invalid(/1 entries at depth 0 where shape \[4294967296,1\] has 4294967296/),
    );
    assert.throws(
      () => decodeJsonData('FP32', [1e10, 1], [[1]], "input 'x'"),
      invalid(/1 entries at depth 0 where shape \[10000000000,1\] has 10000000000/),
    );
    assert.throws(() => decodeJsonData('FP32', [1e10], [1], "input 'x'"), invalid(/holds 10000000000 elements/));
  });

  it('checks each element against its datatype and range', () => {
    const cases: [Datatype, unknown, RegExp][] = [
      ['BOOL', 1, /element 0 of BOOL data is 1, expected true or false/],
      ['UINT8', 256, /element 0 of UINT8 data is 256, expected an integer from 0 to 255/],
      ['UINT8', -1, /from 0 to 255/],
      ['INT8', -129, /from -128 to 127/],
      ['INT16', 1.5, /INT16 data is 1.5/],
      ['UINT32', 4294967296, /from 0 to 4294967295/],
      ['INT32', '3', /INT32 data is "3"/],
      ['INT64', 2 ** 53, /larger INT64 values must be sent as binary data/],
      ['UINT64', -1, /UINT64 data is -1/],
      ['FP32', null, /FP32 data is null, expected a number/],
      ['BYTES', 5, /BYTES data is 5, expected a string/],
    ];
    for (const [datatype, value, message] of cases)
      assert.throws(
        () => decodeJsonData(datatype, [1], [value], "input 'x'"),
        invalid(message),
        `${datatype} ${value}`,
      );
  });

  it('converts numbers to FP16 bit patterns and strings to UTF-8 BYTES', () => {
    assert.deepEqual([...decodeJsonData('FP16', [3], [1, -2, 65504], "input 'x'")], [0x3c00, 0xc000, 0x7bff]);
    const bytes = decodeJsonData('BYTES', [2], ['é', ''], "input 'x'");
    assert.deepEqual(
      bytes.map((b) => [...b]),
      [[0xc3, 0xa9], []],
    );
    assert.deepEqual([...decodeJsonData('INT64', [1], [-(2 ** 53) + 1], "input 'x'")], [-(2n ** 53n) + 1n]);
  });

  it('round-trips every datatype through its JSON text (exact for 64-bit integers)', () => {
    for (const datatype of DATATYPES) {
      const tensor = sampleTensor(datatype);
      const text = encodeJsonData(datatype, tensor.data);
      const parsed = JSON.parse(text);
      if (datatype === 'INT64' || datatype === 'UINT64') {
        // JSON.parse rounds past 2^53; the text itself carries the exact digits
        assert.equal(text, `[${Array.from(tensor.data as BigInt64Array, String).join(',')}]`);
        continue;
      }
      const decoded = decodeJsonData(datatype, tensor.shape, parsed, "output 'y'");
      assert.deepEqual(plainData({ data: decoded } as never), plainData(tensor), datatype);
    }
  });

  it('writes BOOL as true/false, BYTES as strings and non-finite floats as null', () => {
    assert.equal(encodeJsonData('BOOL', Uint8Array.of(1, 0)), '[true,false]');
    assert.equal(encodeJsonData('BYTES', [new TextEncoder().encode('a"b')]), '["a\\"b"]');
    assert.equal(encodeJsonData('FP32', Float32Array.of(Number.NaN, Infinity, 1)), '[null,null,1]');
    assert.equal(encodeJsonData('FP16', Uint16Array.of(0x7c00, 0x3800)), '[null,0.5]');
    assert.equal(encodeJsonData('INT8', new Int8Array(0)), '[]');
  });
});
