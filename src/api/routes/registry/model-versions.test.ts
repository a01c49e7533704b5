import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, startTestServer, type TestServer } from '../../test-support/server.js';
import { type RegistryApi, registryApi, uniqueName } from './test-support/registry-api.js';

const RUN_ID = '0123456789abcdef0123456789abcdef';

for (const backend of backends()) {
  describe(`model-versions over HTTP (${backend})`, () => {
    let server: TestServer;
    let api: RegistryApi;
    before(async () => {
      server = await startTestServer(backend);
      api = registryApi(server);
    });
    after(() => server.close());

    it('create returns ModelVersion as MLflow shapes it: version a string, stage None, status READY', async () => {
      const name = uniqueName();
      await api.model(name);
      const source = `mlflow-artifacts:/1/${RUN_ID}/artifacts/model`;
      const before = Date.now();
      const body = await api.ok('POST', 'model-versions/create', {
        name,
        source,
        run_id: RUN_ID,
        run_link: 'http://tracking.example/#/runs/1',
        description: 'first',
        tags: [{ key: 'framework', value: 'onnx' }],
      });
      const version = body.model_version;
      assert.deepEqual(Object.keys(body), ['model_version']);
      assert.deepEqual(version, {
        name,
        version: '1',
        creation_timestamp: version.creation_timestamp,
        last_updated_timestamp: version.creation_timestamp,
        current_stage: 'None',
        description: 'first',
        source,
        run_id: RUN_ID,
        status: 'READY',
        tags: [{ key: 'framework', value: 'onnx' }],
        run_link: 'http://tracking.example/#/runs/1',
      });
      assert.equal(typeof version.creation_timestamp, 'number');
      assert.ok(version.creation_timestamp >= before && version.creation_timestamp <= Date.now());
      assert.deepEqual(await api.ok('GET', 'model-versions/get', { name, version: '1' }), body);
    });

    it('create with only name and source stores "" for run_id, run_link and description, as MLflow does', async () => {
      const name = uniqueName();
      await api.model(name);
      const version = (await api.ok('POST', 'model-versions/create', { name, source: 'mlflow-artifacts:/m/1' }))
        .model_version;
      assert.equal(version.run_id, '');
      assert.equal(version.run_link, '');
      assert.equal(version.description, '');
      assert.equal('tags' in version || 'aliases' in version || 'user_id' in version, false);
      await api.fails('POST', 'model-versions/create', { name }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails(
        'POST',
        'model-versions/create',
        { source: 'mlflow-artifacts:/m/1' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      const missing = await api.fails(
        'POST',
        'model-versions/create',
        { name: 'nope', source: 'mlflow-artifacts:/m/1' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assert.equal(missing, 'Registered Model with name=nope not found');
      await api.fails(
        'POST',
        'model-versions/create',
        { name, source: 'mlflow-artifacts:/m', run_id: 'bad id!' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('numbers versions 1, 2, 3 and gives 10 concurrent creates the numbers 4..13 once each', async () => {
      const name = uniqueName();
      await api.model(name, 3);
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.ok('POST', 'model-versions/create', { name, source: `mlflow-artifacts:/m/${i}` }),
        ),
      );
      const numbers = created.map((b) => Number(b.model_version.version)).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 10 }, (_, i) => i + 4),
      );
    });

    it('get takes the version as a string or a number; a non-integer is 400, an unknown one 404', async () => {
      const name = uniqueName();
      await api.model(name, 1);
      assert.equal((await api.ok('GET', 'model-versions/get', { name, version: 1 })).model_version.version, '1');
      const numeric = await server.call('POST', '/api/2.0/mlflow/registered-models/get-latest-versions', { name });
      assert.equal(numeric.body.model_versions[0].version, '1');
      await api.fails('GET', 'model-versions/get', { name, version: 'one' }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails('GET', 'model-versions/get', { name }, 400, 'INVALID_PARAMETER_VALUE');
      const message = await api.fails(
        'GET',
        'model-versions/get',
        { name, version: '7' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assert.equal(message, `Model Version (name=${name}, version=7) not found`);
    });

    it('update (PATCH) sets the description; without one it clears it, as MLflow does', async () => {
      const name = uniqueName();
      await api.model(name, 1);
      const updated = (await api.ok('PATCH', 'model-versions/update', { name, version: '1', description: 'tuned' }))
        .model_version;
      assert.equal(updated.description, 'tuned');
      assert.ok(updated.last_updated_timestamp >= updated.creation_timestamp);
      const cleared = (await api.ok('PATCH', 'model-versions/update', { name, version: '1' })).model_version;
      assert.equal('description' in cleared, false);
      await api.fails(
        'PATCH',
        'model-versions/update',
        { name, version: '9', description: 'x' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('delete (DELETE) removes the version, its tags and aliases; its number is not reused', async () => {
      const name = uniqueName();
      await api.model(name, 2);
      await api.ok('POST', 'registered-models/alias', { name, alias: 'champion', version: '2' });
      assert.deepEqual(await api.ok('DELETE', 'model-versions/delete', { name, version: '2' }), {});
      await api.fails('GET', 'model-versions/get', { name, version: '2' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      const model = (await api.ok('GET', 'registered-models/get', { name })).registered_model;
      assert.equal('aliases' in model, false);
      const next = await api.ok('POST', 'model-versions/create', { name, source: 'mlflow-artifacts:/m/3' });
      assert.equal(next.model_version.version, '3');
      await api.fails('DELETE', 'model-versions/delete', { name, version: '2' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('set-tag and delete-tag on a version answer {} and show in get', async () => {
      const name = uniqueName();
      await api.model(name, 1);
      assert.deepEqual(
        await api.ok('POST', 'model-versions/set-tag', { name, version: '1', key: 'k', value: 'v' }),
        {},
      );
      await api.ok('POST', 'model-versions/set-tag', { name, version: '1', key: 'k', value: 'w' });
      assert.deepEqual((await api.ok('GET', 'model-versions/get', { name, version: '1' })).model_version.tags, [
        { key: 'k', value: 'w' },
      ]);
      assert.deepEqual(await api.ok('DELETE', 'model-versions/delete-tag', { name, version: '1', key: 'k' }), {});
      await api.fails(
        'DELETE',
        'model-versions/delete-tag',
        { name, version: '1', key: '/k' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      assert.equal('tags' in (await api.ok('GET', 'model-versions/get', { name, version: '1' })).model_version, false);
      await api.fails(
        'POST',
        'model-versions/set-tag',
        { name, version: '5', key: 'k', value: 'v' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails(
        'POST',
        'model-versions/set-tag',
        { name, version: '1', key: '', value: 'v' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'DELETE',
        'model-versions/delete-tag',
        { name, version: '5', key: 'k' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('transition-stage moves a version; archive_existing_versions archives the others in that stage', async () => {
      const name = uniqueName();
      await api.model(name, 3);
      const stage = (version: string, target: string, archive: boolean) =>
        api.ok('POST', 'model-versions/transition-stage', {
          name,
          version,
          stage: target,
          archive_existing_versions: archive,
        });
      assert.equal((await stage('1', 'production', false)).model_version.current_stage, 'Production');
      await stage('2', 'Production', false);
      const third = (await stage('3', 'Production', true)).model_version;
      assert.equal(third.current_stage, 'Production');
      const stages = await Promise.all(
        ['1', '2'].map(
          async (version) => (await api.ok('GET', 'model-versions/get', { name, version })).model_version.current_stage,
        ),
      );
      assert.deepEqual(stages, ['Archived', 'Archived']);
      const model = (await api.ok('GET', 'registered-models/get', { name })).registered_model;
      assert.deepEqual(
        model.latest_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]),
        [
          ['2', 'Archived'],
          ['3', 'Production'],
        ],
      );
      assert.equal(model.last_updated_timestamp, third.last_updated_timestamp);
      await api.fails(
        'POST',
        'model-versions/transition-stage',
        { name, version: '1', stage: 'Live' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'model-versions/transition-stage',
        { name, version: '1', stage: 'Archived', archive_existing_versions: true },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'model-versions/transition-stage',
        { name, version: '1', stage: 'Staging', archive_existing_versions: 'yes' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'model-versions/transition-stage',
        { name, version: '8', stage: 'Staging' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('get-download-uri answers the resolved mlflow-artifacts URI', async () => {
      const name = uniqueName();
      await api.model(name);
      await api.ok('POST', 'model-versions/create', {
        name,
        source: 'MLFLOW-ARTIFACTS:/exp/run%20one/artifacts/model',
      });
      const body = await api.ok('GET', 'model-versions/get-download-uri', { name, version: '1' });
      assert.deepEqual(body, { artifact_uri: 'mlflow-artifacts:/exp/run one/artifacts/model' });
      await api.fails('GET', 'model-versions/get-download-uri', { name, version: '2' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}
