import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../../auth.js';
import { backends, startTestServer, type TestServer } from '../../test-support/server.js';
import { type Json, type RegistryApi, registryApi, uniqueName } from './test-support/registry-api.js';

for (const backend of backends()) {
  describe(`registered-models/alias over HTTP (${backend})`, () => {
    let server: TestServer;
    let api: RegistryApi;
    before(async () => {
      server = await startTestServer(backend);
      api = registryApi(server);
    });
    after(() => server.close());

    it('POST sets an alias, GET returns the version it points at (with its aliases), DELETE removes it', async () => {
      const name = uniqueName();
      await api.model(name, 2);
      assert.deepEqual(await api.ok('POST', 'registered-models/alias', { name, alias: 'champion', version: '1' }), {});
      await api.ok('POST', 'registered-models/alias', { name, alias: 'first', version: 1 });
      const body = await api.ok('GET', 'registered-models/alias', { name, alias: 'champion' });
      assert.deepEqual(Object.keys(body), ['model_version']);
      assert.equal(body.model_version.version, '1');
      assert.deepEqual(body.model_version.aliases, ['champion', 'first']);
      const model = (await api.ok('GET', 'registered-models/get', { name })).registered_model;
      assert.deepEqual(model.aliases, [
        { alias: 'champion', version: '1' },
        { alias: 'first', version: '1' },
      ]);
      assert.deepEqual(await api.ok('DELETE', 'registered-models/alias', { name, alias: 'first' }), {});
      await api.ok('DELETE', 'registered-models/alias', { name, alias: 'never-set' });
      assert.deepEqual((await api.ok('GET', 'model-versions/get', { name, version: '1' })).model_version.aliases, [
        'champion',
      ]);
    });

    it('moves an alias to another version: an alias is unique within its model', async () => {
      const name = uniqueName();
      const other = uniqueName();
      await api.model(name, 2);
      await api.model(other, 1);
      await api.ok('POST', 'registered-models/alias', { name, alias: 'champion', version: '1' });
      await api.ok('POST', 'registered-models/alias', { name: other, alias: 'champion', version: '1' });
      await api.ok('POST', 'registered-models/alias', { name, alias: 'champion', version: '2' });
      assert.equal(
        (await api.ok('GET', 'registered-models/alias', { name, alias: 'champion' })).model_version.version,
        '2',
      );
      assert.equal(
        'aliases' in (await api.ok('GET', 'model-versions/get', { name, version: '1' })).model_version,
        false,
      );
      const theirs = await api.ok('GET', 'registered-models/alias', { name: other, alias: 'champion' });
      assert.equal(theirs.model_version.name, other);
    });

    it("refuses MLflow's reserved and malformed alias names", async () => {
      const name = uniqueName();
      await api.model(name, 1);
      for (const alias of ['latest', 'LATEST', 'v1', 'V22', 'has space', 'a/b', 'a@b', 'x'.repeat(256), '']) {
        await api.fails(
          'POST',
          'registered-models/alias',
          { name, alias, version: '1' },
          400,
          'INVALID_PARAMETER_VALUE',
        );
      }
      await api.ok('POST', 'registered-models/alias', { name, alias: 'v1-candidate', version: '1' });
      await api.ok('POST', 'registered-models/alias', { name, alias: 'Prod_2024', version: '1' });
    });

    it('an unknown alias is INVALID_PARAMETER_VALUE as MLflow answers; unknown versions and models are 404', async () => {
      const name = uniqueName();
      await api.model(name, 1);
      const message = await api.fails(
        'GET',
        'registered-models/alias',
        { name, alias: 'ghost' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      assert.equal(message, 'Registered model alias ghost not found.');
      await api.fails('GET', 'registered-models/alias', { name }, 400, 'INVALID_PARAMETER_VALUE');
      await api.fails(
        'POST',
        'registered-models/alias',
        { name, alias: 'a', version: '9' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails(
        'POST',
        'registered-models/alias',
        { name: 'nope', alias: 'a', version: '1' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails(
        'DELETE',
        'registered-models/alias',
        { name: 'nope', alias: 'a' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails('POST', 'registered-models/alias', { name, alias: 'a' }, 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  describe(`registry roles with authentication on (${backend})`, () => {
    const principals: Record<string, Principal> = {
      'reader-token': { name: 'rita', role: 'reader' },
      'editor-token': { name: 'ed', role: 'editor' },
    };
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend, { tokens: async (token) => principals[token] });
    });
    after(() => server.close());

    const call = async (token: string | undefined, method: string, path: string, body: object) => {
      const get = method === 'GET';
      const query = get ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
      const response = await fetch(`${server.url}/api/2.0/mlflow/${path}${query}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(get ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };

    it('needs the editor role to set or delete an alias, and a reader may read it', async () => {
      const name = uniqueName();
      assert.equal((await call('editor-token', 'POST', 'registered-models/create', { name })).status, 200);
      const created = await call('editor-token', 'POST', 'model-versions/create', {
        name,
        source: 'mlflow-artifacts:/m',
      });
      assert.equal(created.body.model_version.user_id, 'ed', 'the creator is recorded as user_id');
      const denied = await call('reader-token', 'POST', 'registered-models/alias', {
        name,
        alias: 'prod',
        version: '1',
      });
      assert.deepEqual([denied.status, denied.body.error_code], [403, 'PERMISSION_DENIED']);
      assert.equal(
        (await call('editor-token', 'POST', 'registered-models/alias', { name, alias: 'prod', version: '1' })).status,
        200,
      );
      const read = await call('reader-token', 'GET', 'registered-models/alias', { name, alias: 'prod' });
      assert.deepEqual([read.status, read.body.model_version.version], [200, '1']);
      const deleteDenied = await call('reader-token', 'DELETE', 'registered-models/alias', { name, alias: 'prod' });
      assert.equal(deleteDenied.status, 403);
      const anonymous = await call(undefined, 'GET', 'registered-models/alias', { name, alias: 'prod' });
      assert.deepEqual([anonymous.status, anonymous.body.error_code], [401, 'UNAUTHENTICATED']);
      assert.equal(
        (await call('editor-token', 'DELETE', 'registered-models/alias', { name, alias: 'prod' })).status,
        200,
      );
    });

    it('lets a reader get and search but not create, tag or delete', async () => {
      const name = uniqueName();
      await call('editor-token', 'POST', 'registered-models/create', { name });
      assert.equal((await call('reader-token', 'GET', 'registered-models/get', { name })).status, 200);
      assert.equal((await call('reader-token', 'GET', 'registered-models/search', {})).status, 200);
      assert.equal((await call('reader-token', 'GET', 'model-versions/search', {})).status, 200);
      for (const [method, path, body] of [
        ['POST', 'registered-models/create', { name: uniqueName() }],
        ['POST', 'registered-models/set-tag', { name, key: 'k', value: 'v' }],
        ['DELETE', 'registered-models/delete', { name }],
        ['POST', 'model-versions/create', { name, source: 'mlflow-artifacts:/m' }],
      ] as const)
        assert.equal((await call('reader-token', method, path, body)).status, 403, `${method} ${path}`);
    });
  });
}
