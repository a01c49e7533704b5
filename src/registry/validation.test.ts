import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import {
  canonicalStage,
  parseVersion,
  validateAlias,
  validateModelName,
  validateRunId,
  validateTag,
} from './validation.js';

const invalid = (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT');

describe('registry input rules', () => {
  it('model names: 1–256 characters, no "/" or control characters', () => {
    for (const name of ['iris', 'Iris Classifier', 'catalog.schema.model', 'a@b', 'x'.repeat(256), 'modèle'])
      assert.equal(validateModelName(name), name);
    for (const name of ['', 'a/b', 'a\u0000b', 'a\nb', 'x'.repeat(257)])
      assert.throws(() => validateModelName(name), invalid, JSON.stringify(name));
  });

  it("aliases: MLflow's characters, not 'latest' or a version alias", () => {
    for (const alias of ['champion', 'Prod_2', 'v1-rc', 'vx', 'é']) assert.equal(validateAlias(alias), alias);
    for (const alias of ['', 'latest', 'Latest', 'v1', 'V12', 'a b', 'a.b', 'a/b', 'a@b', 'x'.repeat(256)])
      assert.throws(() => validateAlias(alias), invalid, alias);
  });

  it("tag keys: MLflow's characters, a normal path, ≤ 250; values ≤ 5000", () => {
    for (const key of ['team', 'mlflow.source.git.commit', 'a/b', 'with space', 'x'.repeat(250)])
      assert.doesNotThrow(() => validateTag({ key, value: 'v' }, 'Model version'));
    for (const key of ['', '/abs', 'a//b', 'a/', './a', 'a/../b', '..', 'a:b', 'x'.repeat(251)])
      assert.throws(() => validateTag({ key, value: 'v' }, 'Registered model'), invalid, key);
    assert.throws(() => validateTag({ key: 'k', value: 'v'.repeat(5001) }, 'Registered model'), invalid);
  });

  it('versions: integers as strings or numbers', () => {
    assert.equal(parseVersion('3'), 3);
    assert.equal(parseVersion(' 7 '), 7);
    assert.equal(parseVersion(12), 12);
    for (const value of ['one', '1.5', 1.5, '', null, {}, '1e3']) assert.throws(() => parseVersion(value), invalid);
  });

  it('stages in any case, and run ids in MLflow shape', () => {
    assert.equal(canonicalStage('production'), 'Production');
    assert.equal(canonicalStage('NONE'), 'None');
    assert.throws(() => canonicalStage('Live'), invalid);
    assert.equal(validateRunId('0123456789abcdef0123456789abcdef'), '0123456789abcdef0123456789abcdef');
    for (const id of ['', '-x', 'a b', 'a/b', '../x']) assert.throws(() => validateRunId(id), invalid, id);
  });
});
