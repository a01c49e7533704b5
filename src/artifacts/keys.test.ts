import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { BAD_KEYS, GOOD_KEYS } from './artifact-store.contract.js';
import { joinKey, MAX_DECODE_ROUNDS, normalizeKey, normalizePrefix } from './keys.js';

function rejectsNaming(fn: () => unknown, raw: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isOspreyError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`);
    assert.ok(error.message.includes(JSON.stringify(raw)), `"${error.message}" should name the key`);
    assert.equal(error.details.key, raw);
    return true;
  });
}

describe('normalizeKey', () => {
  for (const { key, decoded } of GOOD_KEYS)
    it(`decodes ${JSON.stringify(key)} to ${JSON.stringify(decoded)}, idempotently`, () => {
      assert.equal(normalizeKey(key), decoded);
      assert.equal(normalizeKey(decoded), decoded);
    });

  for (const { key, why } of BAD_KEYS)
    it(`rejects ${why}, naming the key`, () => rejectsNaming(() => normalizeKey(key), key));

  it(`decodes up to ${MAX_DECODE_ROUNDS} nested encodings, and no more`, () => {
    const nested = (rounds: number) => `x%${'25'.repeat(rounds - 1)}41`;
    assert.equal(normalizeKey(nested(MAX_DECODE_ROUNDS)), 'xA');
    rejectsNaming(() => normalizeKey(nested(MAX_DECODE_ROUNDS + 1)), nested(MAX_DECODE_ROUNDS + 1));
  });

  it('explains why a key is refused', () => {
    assert.throws(() => normalizeKey('a/../b'), /"a\/\.\.\/b" is not allowed: it has a "\.\." segment/);
    assert.throws(() => normalizeKey('%c0%ae'), /malformed percent-encoding/);
    assert.throws(() => normalizeKey('a\\b'), /backslash/);
  });
});

describe('normalizePrefix', () => {
  it('accepts the root and one trailing slash', () => {
    assert.equal(normalizePrefix(''), '');
    assert.equal(normalizePrefix('model/'), 'model');
    assert.equal(normalizePrefix('model%2Fdata%2F'), 'model/data');
    assert.equal(normalizePrefix('a%20b'), 'a b');
  });

  for (const key of ['/', '%2F', 'a//', '../', '..%2F', 'a/../', '%2e%2e%2f'])
    it(`rejects ${JSON.stringify(key)}`, () => rejectsNaming(() => normalizePrefix(key), key));

  for (const { key, why } of BAD_KEYS.filter((c) => !c.prefixOk))
    it(`rejects ${why} as a prefix`, () => rejectsNaming(() => normalizePrefix(key), key));
});

describe('joinKey', () => {
  it('joins a prefix and a name, the root being empty', () => {
    assert.equal(joinKey('', 'a.txt'), 'a.txt');
    assert.equal(joinKey('model', 'a.txt'), 'model/a.txt');
  });
});
