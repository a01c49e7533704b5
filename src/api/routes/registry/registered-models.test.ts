import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, startTestServer, type TestServer } from '../../test-support/server.js';
import { type RegistryApi, registryApi, uniqueName } from './test-support/registry-api.js';

for (const backend of backends()) {
  describe(`registered-models over HTTP (${backend})`, () => {
    let server: TestServer;
    let api: RegistryApi;
    before(async () => {
      server = await startTestServer(backend);
      api = registryApi(server);
    });
    after(() => server.close());

    it('create returns RegisteredModel as MLflow shapes it: timestamps as numbers, tags, description', async () => {
      const name = uniqueName();
      const before = Date.now();
      const body = await api.ok('POST', 'registered-models/create', {
        name,
        description: 'flowers',
        tags: [{ key: 'team', value: 'vision' }, { key: 'empty' }],
      });
      const model = body.registered_model;
      assert.deepEqual(Object.keys(body), ['registered_model']);
      assert.deepEqual(Object.keys(model).sort(), [
        'creation_timestamp',
        'description',
        'last_updated_timestamp',
        'name',
        'tags',
      ]);
      assert.equal(model.name, name);
      assert.equal(model.description, 'flowers');
      assert.equal(typeof model.creation_timestamp, 'number');
      assert.ok(model.creation_timestamp >= before && model.creation_timestamp <= Date.now());
      assert.equal(model.last_updated_timestamp, model.creation_timestamp);
      assert.deepEqual(model.tags, [
        { key: 'empty', value: '' },
        { key: 'team', value: 'vision' },
      ]);
      assert.deepEqual(await api.ok('GET', 'registered-models/get', { name }), body);
    });

    it('create without a description keeps "" as MLflow does; a name is required and must be free', async () => {
      const name = uniqueName();
      const model = (await api.ok('POST', 'registered-models/create', { name })).registered_model;
      assert.equal(model.description, '');
      assert.equal('tags' in model || 'latest_versions' in model || 'aliases' in model, false, 'empty lists left out');
      const taken = await api.fails('POST', 'registered-models/create', { name }, 400, 'RESOURCE_ALREADY_EXISTS');
      assert.equal(taken, `Registered Model (name=${name}) already exists.`);
      await api.fails('POST', 'registered-models/create', {}, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails('POST', 'registered-models/create', { name: '' }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails('POST', 'registered-models/create', { name: 42 }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails('POST', 'registered-models/create', { name: 'a/b' }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails('POST', 'registered-models/create', { name: 'x'.repeat(257) }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails(
        'POST',
        'registered-models/create',
        { name: uniqueName(), tags: 'x' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'registered-models/create',
        { name: uniqueName(), tags: [{ value: 'v' }] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'registered-models/create',
        { name: uniqueName(), tags: [{ key: '../x' }] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'registered-models/create',
        { name: uniqueName(), tags: [{ key: 'k', value: 'v'.repeat(5001) }] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('get of an unknown model is RESOURCE_DOES_NOT_EXIST (404) in MLflow words', async () => {
      const message = await api.fails('GET', 'registered-models/get', { name: 'nope' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      assert.equal(message, 'Registered Model with name=nope not found');
      await api.fails('GET', 'registered-models/get', {}, 400, 'INVALID_PARAMETER_VALUE');
    });

    it('rename moves the versions; a taken or missing name fails', async () => {
      const name = uniqueName();
      const other = uniqueName();
      await api.model(name, 2);
      await api.model(other);
      const newName = uniqueName('renamed');
      const renamed = (await api.ok('POST', 'registered-models/rename', { name, new_name: newName })).registered_model;
      assert.equal(renamed.name, newName);
      assert.deepEqual(
        renamed.latest_versions.map((v: { name: string; version: string }) => [v.name, v.version]),
        [[newName, '2']],
      );
      const version = (await api.ok('GET', 'model-versions/get', { name: newName, version: '1' })).model_version;
      assert.equal(version.name, newName);
      await api.fails('GET', 'registered-models/get', { name }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await api.fails(
        'POST',
        'registered-models/rename',
        { name: newName, new_name: other },
        400,
        'RESOURCE_ALREADY_EXISTS',
      );
      await api.fails(
        'POST',
        'registered-models/rename',
        { name, new_name: uniqueName() },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails('POST', 'registered-models/rename', { name: newName }, 400, 'INVALID_PARAMETER_VALUE');
    });

    it('update (PATCH) sets the description and moves last_updated_timestamp', async () => {
      const name = uniqueName();
      const created = (await api.ok('POST', 'registered-models/create', { name })).registered_model;
      await new Promise((resolve) => setTimeout(resolve, 2));
      const updated = (await api.ok('PATCH', 'registered-models/update', { name, description: 'new' }))
        .registered_model;
      assert.equal(updated.description, 'new');
      assert.ok(updated.last_updated_timestamp > created.last_updated_timestamp);
      assert.equal(updated.creation_timestamp, created.creation_timestamp);
      await api.fails(
        'PATCH',
        'registered-models/update',
        { name: 'nope', description: 'x' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails('POST', 'registered-models/update', { name }, 404, 'ENDPOINT_NOT_FOUND');
    });

    it('delete (DELETE) removes the model with its versions; deleting again is 404', async () => {
      const name = uniqueName();
      await api.model(name, 2);
      assert.deepEqual(await api.ok('DELETE', 'registered-models/delete', { name }), {});
      await api.fails('GET', 'registered-models/get', { name }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await api.fails('GET', 'model-versions/get', { name, version: '1' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await api.fails('DELETE', 'registered-models/delete', { name }, 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('set-tag replaces, delete-tag removes; both answer {}', async () => {
      const name = uniqueName();
      await api.model(name);
      assert.deepEqual(await api.ok('POST', 'registered-models/set-tag', { name, key: 'k', value: '1' }), {});
      await api.ok('POST', 'registered-models/set-tag', { name, key: 'k', value: '2' });
      await api.ok('POST', 'registered-models/set-tag', { name, key: 'no value' });
      const tagged = (await api.ok('GET', 'registered-models/get', { name })).registered_model;
      assert.deepEqual(tagged.tags, [
        { key: 'k', value: '2' },
        { key: 'no value', value: '' },
      ]);
      assert.deepEqual(await api.ok('DELETE', 'registered-models/delete-tag', { name, key: 'k' }), {});
      await api.ok('DELETE', 'registered-models/delete-tag', { name, key: 'never-set' });
      await api.fails('DELETE', 'registered-models/delete-tag', { name, key: '../k' }, 400, 'INVALID_PARAMETER_VALUE');
      const after = (await api.ok('GET', 'registered-models/get', { name })).registered_model;
      assert.deepEqual(after.tags, [{ key: 'no value', value: '' }]);
      await api.fails('POST', 'registered-models/set-tag', { name, value: 'v' }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails(
        'POST',
        'registered-models/set-tag',
        { name, key: 'a\nb', value: 'v' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'registered-models/set-tag',
        { name: 'nope', key: 'k', value: 'v' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails(
        'DELETE',
        'registered-models/delete-tag',
        { name: 'nope', key: 'k' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('get-latest-versions (POST and GET) answers the newest version per stage, filtered by stages', async () => {
      const name = uniqueName();
      await api.model(name, 3);
      await api.ok('POST', 'model-versions/transition-stage', {
        name,
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      });
      const all = await api.ok('POST', 'registered-models/get-latest-versions', { name });
      assert.deepEqual(
        all.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]),
        [
          ['1', 'Production'],
          ['3', 'None'],
        ],
      );
      const production = await api.ok('GET', 'registered-models/get-latest-versions', { name, stages: ['production'] });
      assert.deepEqual(
        production.model_versions.map((v: { version: string }) => v.version),
        ['1'],
      );
      assert.deepEqual(
        await api.ok('POST', 'registered-models/get-latest-versions', { name, stages: ['Staging'] }),
        {},
      );
      await api.fails(
        'POST',
        'registered-models/get-latest-versions',
        { name, stages: ['Live'] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await api.fails(
        'POST',
        'registered-models/get-latest-versions',
        { name: 'nope' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('serves the same routes under /ajax-api/2.0/mlflow/', async () => {
      const ajax = registryApi(server, '/ajax-api/2.0/mlflow/');
      const name = uniqueName();
      await ajax.ok('POST', 'registered-models/create', { name });
      assert.equal((await api.ok('GET', 'registered-models/get', { name })).registered_model.name, name);
    });

    it('answers a body that is not a JSON object with a 400, never a 500', async () => {
      for (const body of ['[1, 2]', '"name"', '{"name": ', 'null']) {
        const response = await api.call('POST', 'registered-models/create', body);
        assert.equal(response.status, 400, `${body}: ${JSON.stringify(response.body)}`);
        assert.equal(typeof response.body.error_code, 'string');
      }
    });
  });
}
