import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { decodeHistoryToken, decodeOffsetToken, encodeHistoryToken, encodeOffsetToken } from './page-tokens.js';

const refuses = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));

describe('page tokens', () => {
  it("writes search tokens in MLflow's own format", () => {
    assert.equal(encodeOffsetToken(1000), Buffer.from('{"offset": 1000}').toString('base64'));
    assert.equal(decodeOffsetToken(encodeOffsetToken(1000)), 1000);
    assert.equal(decodeOffsetToken(undefined), 0);
    assert.equal(decodeOffsetToken(''), 0);
  });

  it("refuses tokens that are not base64 JSON with a positive offset, in MLflow's words", () => {
    refuses(() => decodeOffsetToken('not base64!'), /Invalid page token, could not base64-decode/);
    refuses(() => decodeOffsetToken(Buffer.from('nope').toString('base64')), /Invalid page token, decoded value=nope/);
    refuses(() => decodeOffsetToken(Buffer.from('{"offset": -5}').toString('base64')), /parsed value=/);
    refuses(() => decodeOffsetToken(Buffer.from('{"x": 1}').toString('base64')), /parsed value=/);
  });

  it('carries a history position, NaN and infinities included', () => {
    for (const value of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const cursor = { step: 3, timestamp: 7, value };
      assert.deepEqual(decodeHistoryToken(encodeHistoryToken(cursor)), cursor);
    }
    assert.equal(decodeHistoryToken(undefined), undefined);
    refuses(() => decodeHistoryToken(encodeOffsetToken(5)), /Invalid page token, parsed value/);
  });
});
