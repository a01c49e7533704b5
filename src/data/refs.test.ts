import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { parseVersionRef } from './refs.js';

const digest = 'ab'.repeat(32);

describe('parseVersionRef', () => {
  it('reads names, numbers, latest and digests', () => {
    assert.deepEqual(parseVersionRef('weather'), { kind: 'latest', name: 'weather' });
    assert.deepEqual(parseVersionRef('weather@latest'), { kind: 'latest', name: 'weather' });
    assert.deepEqual(parseVersionRef('weather@12'), { kind: 'number', name: 'weather', version: 12 });
    assert.deepEqual(parseVersionRef('team/weather@3'), { kind: 'number', name: 'team/weather', version: 3 });
    assert.deepEqual(parseVersionRef('weather@abcdef01'), {
      kind: 'digest',
      name: 'weather',
      digestPrefix: 'abcdef01',
    });
    assert.deepEqual(parseVersionRef(`weather@sha256:${digest}`), {
      kind: 'digest',
      name: 'weather',
      digestPrefix: digest,
    });
    assert.deepEqual(parseVersionRef(digest), { kind: 'digest', digestPrefix: digest });
    assert.deepEqual(parseVersionRef('sha256:abcdef0123'), { kind: 'digest', digestPrefix: 'abcdef0123' });
  });

  for (const bad of [
    'weather@',
    'weather@0',
    'weather@-1',
    'weather@abc',
    'weather@1.5',
    '@3',
    '',
    'a b@1',
    '../x@1',
    'sha256:xyz',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with a message naming it`, () => {
      assert.throws(
        () => parseVersionRef(bad),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && e.message.includes(JSON.stringify(bad)),
      );
    });
  }
});
