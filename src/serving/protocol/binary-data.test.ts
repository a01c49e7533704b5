import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { DATATYPES, type Datatype, ELEMENT_BYTES, type Tensor } from '../tensor.js';
import { plainData as plain, sampleTensor } from '../test-support/samples.js';
import { decodeBinaryData, encodeBinaryData } from './binary-data.js';

const invalid = (pattern: RegExp) => (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message);

describe('binary tensor data (little-endian, row-major; BYTES length-prefixed)', () => {
  it('round-trips every datatype, and fixed-size ones take exactly count × size bytes', () => {
    for (const datatype of DATATYPES) {
      const tensor = sampleTensor(datatype);
      const bytes = encodeBinaryData(datatype, tensor.data);
      const size = ELEMENT_BYTES[datatype];
      if (size !== undefined) assert.equal(bytes.byteLength, tensor.data.length * size, datatype);
      const decoded = decodeBinaryData(datatype, bytes, tensor.data.length, 'input x');
      assert.deepEqual(plain({ data: decoded } as Tensor), plain(tensor), datatype);
    }
  });

  it('lays out elements little-endian, BOOL as 0/1 bytes and BYTES as uint32 length + bytes', () => {
    assert.deepEqual([...encodeBinaryData('UINT32', Uint32Array.of(1, 0x01020304))], [1, 0, 0, 0, 4, 3, 2, 1]);
    assert.deepEqual([...encodeBinaryData('INT16', Int16Array.of(-2))], [0xfe, 0xff]);
    assert.deepEqual([...encodeBinaryData('FP32', Float32Array.of(1))], [0, 0, 0x80, 0x3f]);
    assert.deepEqual([...encodeBinaryData('BOOL', Uint8Array.of(1, 0, 1))], [1, 0, 1]);
    const bytes = encodeBinaryData('BYTES', [new TextEncoder().encode('ab'), new Uint8Array(0)]);
    assert.deepEqual([...bytes], [2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0]);
  });

  it('decodes from any offset of a larger buffer (a slice of a request body)', () => {
    const body = new Uint8Array(11);
    body.set(encodeBinaryData('FP64', Float64Array.of(-0.25)), 3);
    const data = decodeBinaryData('FP64', body.subarray(3), 1, 'input x');
    assert.deepEqual([...data], [-0.25]);
    assert.notEqual(data.buffer, body.buffer, 'misaligned elements are copied');
  });

  it('views aligned elements in place, without a copy', () => {
    const body = new Uint8Array(24);
    body.set(encodeBinaryData('FP64', Float64Array.of(1.5, -2)), 8);
    const data = decodeBinaryData('FP64', body.subarray(8), 2, 'input x');
    assert.deepEqual([...data], [1.5, -2]);
    assert.equal(data.buffer, body.buffer);
    assert.equal(data.byteOffset, 8);
  });

  it('refuses sizes that do not match the shape, BOOL bytes other than 0/1 and malformed BYTES', () => {
    const cases: [Datatype, number[], number, RegExp][] = [
      ['FP32', [0, 0, 128, 63, 0], 1, /1 FP32 elements take 4 bytes, but 5 bytes were sent/],
      ['INT64', [1, 2, 3, 4, 5, 6, 7, 8], 2, /2 INT64 elements take 16 bytes, but 8/],
      ['BOOL', [1, 2], 2, /BOOL element 1 is byte 2, not 0 or 1/],
      ['BYTES', [1, 0], 1, /element 0 is cut off inside its 4-byte length/],
      ['BYTES', [5, 0, 0, 0, 0x61], 1, /element 0 declares 5 bytes but only 1 remain/],
      ['BYTES', [1, 0, 0, 0, 0x61, 0, 0, 0, 0], 1, /4 bytes left over after the 1 BYTES elements/],
      ['BYTES', [1, 0, 0, 0, 0x61], 2, /holds 2 BYTES elements but the data has 1/],
    ];
    for (const [datatype, bytes, count, message] of cases)
      assert.throws(
        () => decodeBinaryData(datatype, Uint8Array.from(bytes), count, "input 'x'"),
        invalid(message),
        String(message),
      );
  });
});
