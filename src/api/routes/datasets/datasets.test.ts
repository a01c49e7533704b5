import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bundledDataset, SEATTLE_WEATHER } from '../../../data/bundled.js';
import { DatasetService } from '../../../data/datasets.js';
import { startTestServer, type TestServer } from '../../test-support/server.js';

let server: TestServer;
let digest: string;
before(async () => {
  server = await startTestServer('sqlite');
  const added = await new DatasetService(server.store, server.artifacts).add({
    name: 'weather',
    path: bundledDataset(SEATTLE_WEATHER),
  });
  digest = added.version.digest;
});
after(() => server.close());

describe('Osprey dataset API', () => {
  it('lists datasets and versions and gets a version by ref or digest', async () => {
    const list = await server.call('GET', '/api/2.0/osprey/datasets/list');
    assert.deepEqual(
      list.body.datasets.map((d: { name: string; latest_version: number }) => [d.name, d.latest_version]),
      [['weather', 1]],
    );
    const versions = await server.call('GET', '/api/2.0/osprey/datasets/versions/list', { name: 'weather' });
    assert.equal(versions.body.versions[0].row_count, 1461);
    assert.equal(versions.body.versions[0].profile, undefined);
    const byDigest = await server.call('GET', '/api/2.0/osprey/datasets/versions/get', { digest });
    assert.equal(byDigest.body.version.ref, 'weather@1');
    assert.equal(byDigest.body.version.profile.columns.length, 6);
    const byRef = await server.call('GET', '/api/2.0/osprey/datasets/versions/get', {
      ref: 'weather@1',
      include_profile: 'false',
    });
    assert.equal(byRef.body.version.digest, digest);
  });

  it('answers unknown refs with RESOURCE_DOES_NOT_EXIST and bad refs with INVALID_PARAMETER_VALUE', async () => {
    const missing = await server.call('GET', '/api/2.0/osprey/datasets/versions/get', { ref: 'weather@5' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    const bad = await server.call('GET', '/api/2.0/osprey/datasets/versions/get', { ref: 'weather@x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
    const none = await server.call('GET', '/api/2.0/osprey/datasets/versions/get', {});
    assert.equal(none.status, 400);
  });
});
