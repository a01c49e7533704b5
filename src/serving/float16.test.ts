import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';
import { expected } from './test-support/fixtures.js';

describe('FP16 conversions', () => {
  it('round numbers to binary16 exactly as numpy does (ties to even, subnormals, overflow)', () => {
    const { values, bits } = expected.float16;
    values.forEach((value, i) => {
      assert.equal(toFloat16Bits(value), bits[i], `value ${value}`);
    });
  });

  it('read binary16 patterns back as numpy does', () => {
    const { bits, back } = expected.float16;
    bits.forEach((pattern, i) => {
      const wanted = back[i] === 'inf' ? Infinity : back[i] === '-inf' ? -Infinity : back[i];
      assert.equal(fromFloat16Bits(pattern), wanted, `bits 0x${pattern.toString(16)}`);
    });
  });

  it('every one of the 65,536 patterns survives the round trip (NaNs stay NaN)', () => {
    for (let pattern = 0; pattern < 0x10000; pattern++) {
      const value = fromFloat16Bits(pattern);
      if (Number.isNaN(value)) assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(value))));
      else assert.equal(toFloat16Bits(value), pattern, `0x${pattern.toString(16)}`);
    }
  });
});
