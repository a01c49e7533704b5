/** What the HPACK tests share: RFC 7541's printed bytes as Buffers, its example values, and the refusal check. */
import * as assert from 'node:assert/strict';
import { HpackError } from '../errors.js';

/** Bytes from hex text, spaces and line breaks allowed (as RFC 7541 prints them). */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Bytes from a string of '0' and '1', padded with ones to a whole octet. */
export function bits(text: string): Buffer {
  const padded = text + '1'.repeat((8 - (text.length % 8)) % 8);
  const out = Buffer.alloc(padded.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(padded.slice(i * 8, i * 8 + 8), 2);
  return out;
}

export function throwsHpack(run: () => unknown, kind: HpackError['kind'], message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof HpackError, `an HpackError, not ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

export const DATE_21 = 'Mon, 21 Oct 2013 20:13:21 GMT';
export const DATE_22 = 'Mon, 21 Oct 2013 20:13:22 GMT';
export const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
