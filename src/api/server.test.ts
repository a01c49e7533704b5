import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './test-support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer('sqlite', { bodyLimitBytes: 1024 });
});
after(() => server.close());

describe('API server basics', () => {
  it('answers /health and /version', async () => {
    assert.deepEqual(await server.call('GET', '/health'), { status: 200, body: 'OK' });
    assert.deepEqual(await server.call('GET', '/version'), { status: 200, body: 'test' });
  });

  it('answers an unknown endpoint with MLflow-shaped ENDPOINT_NOT_FOUND', async () => {
    const r = await server.call('POST', '/api/2.0/mlflow/nonsense/create', {});
    assert.equal(r.status, 404);
    assert.equal(r.body.error_code, 'ENDPOINT_NOT_FOUND');
  });

  it('answers malformed JSON and oversized bodies with 4xx MLflow errors, not a 500', async () => {
    const bad = await server.call('POST', '/api/2.0/mlflow/nonsense/create', '{"name": ');
    assert.ok(bad.status === 400 || bad.status === 404, `status ${bad.status}`);
    assert.equal(typeof bad.body.error_code, 'string');
    const big = await server.call('POST', '/health', { pad: 'x'.repeat(4096) });
    assert.ok(big.status >= 400 && big.status < 500, `status ${big.status}`);
    assert.equal(typeof big.body.error_code, 'string');
  });
});
