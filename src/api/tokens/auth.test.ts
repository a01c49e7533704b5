import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest } from '../test-support/raw-http.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { createToken, storeTokenResolver } from './token-service.js';

let server: TestServer;
const secrets: Record<string, string> = {};

before(async () => {
  server = await startTestServer('sqlite', {
    tokensFromStore: (store) => storeTokenResolver(store.tokens, 0),
  });
  for (const role of ['reader', 'editor', 'admin'])
    secrets[role] = (await createToken(server.store.tokens, `${role}-1`, role)).secret;
});
after(() => server.close());

const bearer = (role: string) => ({ authorization: `Bearer ${secrets[role]}` });
const ARTIFACT = '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt';
const LIST = '/api/2.0/mlflow-artifacts/artifacts?path=1';
const errorOf = (r: { body: Buffer }) => JSON.parse(r.body.toString()).error_code as string;

describe('bearer tokens and roles', () => {
  it('keeps /health open and refuses API calls without a valid token (401)', async () => {
    assert.equal((await rawRequest(server.url, 'GET', '/health')).status, 200);
    const none = await rawRequest(server.url, 'GET', LIST);
    assert.equal(none.status, 401);
    assert.equal(errorOf(none), 'UNAUTHENTICATED');
    const forged = await rawRequest(server.url, 'GET', LIST, undefined, { authorization: 'Bearer osp_forged' });
    assert.equal(forged.status, 401);
  });

  it('lets readers read but not write (403)', async () => {
    assert.equal((await rawRequest(server.url, 'GET', LIST, undefined, bearer('reader'))).status, 200);
    const put = await rawRequest(server.url, 'PUT', ARTIFACT, 'x', bearer('reader'));
    assert.equal(put.status, 403);
    assert.equal(errorOf(put), 'PERMISSION_DENIED');
  });

  it('lets editors write but not manage tokens', async () => {
    assert.equal((await rawRequest(server.url, 'PUT', ARTIFACT, 'x', bearer('editor'))).status, 200);
    const create = await rawRequest(
      server.url,
      'POST',
      '/api/2.0/osprey/tokens/create',
      '{"name":"x","role":"admin"}',
      {
        ...bearer('editor'),
        'content-type': 'application/json',
      },
    );
    assert.equal(create.status, 403);
  });

  it('lets admins create and revoke tokens; a revoked token stops working', async () => {
    const headers = { ...bearer('admin'), 'content-type': 'application/json' };
    const created = await rawRequest(
      server.url,
      'POST',
      '/api/2.0/osprey/tokens/create',
      '{"name":"ci","role":"reader"}',
      headers,
    );
    assert.equal(created.status, 200);
    const { token, secret } = JSON.parse(created.body.toString()) as {
      token: { id: string; role: string };
      secret: string;
    };
    assert.equal(token.role, 'reader');
    const withNew = { authorization: `Bearer ${secret}` };
    assert.equal((await rawRequest(server.url, 'GET', LIST, undefined, withNew)).status, 200);
    const revoked = await rawRequest(
      server.url,
      'POST',
      '/api/2.0/osprey/tokens/revoke',
      JSON.stringify({ id: token.id }),
      headers,
    );
    assert.equal(revoked.status, 200);
    assert.equal((await rawRequest(server.url, 'GET', LIST, undefined, withNew)).status, 401);
    const list = await rawRequest(server.url, 'GET', '/api/2.0/osprey/tokens/list', undefined, headers);
    const names = (JSON.parse(list.body.toString()) as { tokens: { name: string }[] }).tokens.map((t) => t.name);
    assert.deepEqual(names.sort(), ['admin-1', 'ci', 'editor-1', 'reader-1']);
    assert.ok(!list.body.toString().includes('osp_'), 'secrets are never listed');
  });

  it('refuses unknown roles and duplicate names', async () => {
    const headers = { ...bearer('admin'), 'content-type': 'application/json' };
    const role = await rawRequest(
      server.url,
      'POST',
      '/api/2.0/osprey/tokens/create',
      '{"name":"y","role":"root"}',
      headers,
    );
    assert.equal(role.status, 400);
    const dup = await rawRequest(
      server.url,
      'POST',
      '/api/2.0/osprey/tokens/create',
      '{"name":"admin-1","role":"admin"}',
      headers,
    );
    assert.equal(errorOf(dup), 'RESOURCE_ALREADY_EXISTS');
  });
});
