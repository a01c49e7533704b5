import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { checkArtifactLocation, defaultExperimentArtifactLocation, runArtifactUri } from './artifact-locations.js';
import { OUTSIDE_THE_STORE } from './test-support/payloads.js';

describe('artifact locations', () => {
  it('places experiments and runs inside the store', () => {
    assert.equal(defaultExperimentArtifactLocation('7'), 'mlflow-artifacts:/7');
    assert.equal(runArtifactUri('mlflow-artifacts:/7', 'abc'), 'mlflow-artifacts:/7/abc/artifacts');
    assert.equal(runArtifactUri('mlflow-artifacts:/team/', 'abc'), 'mlflow-artifacts:/team/abc/artifacts');
  });

  it('accepts an mlflow-artifacts:/ location with a safe path, decoded', () => {
    assert.equal(checkArtifactLocation('mlflow-artifacts:/team-a/exp'), 'mlflow-artifacts:/team-a/exp');
    assert.equal(checkArtifactLocation('mlflow-artifacts:/team%20a/'), 'mlflow-artifacts:/team a');
  });

  for (const payload of OUTSIDE_THE_STORE)
    it(`refuses ${JSON.stringify(payload)}`, () =>
      assert.throws(
        () => checkArtifactLocation(payload),
        (e) => isOspreyError(e, 'INVALID_ARGUMENT') && e.message.startsWith('artifact_location '),
      ));
});
