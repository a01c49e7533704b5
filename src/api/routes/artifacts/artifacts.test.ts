import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { rawRequest } from '../../test-support/raw-http.js';
import { startTestServer, type TestServer } from '../../test-support/server.js';

const ROOT = '/api/2.0/mlflow-artifacts/artifacts';
let server: TestServer;
before(async () => {
  server = await startTestServer('sqlite');
});
after(() => server.close());

describe('MLflow artifact proxy', () => {
  it('uploads, downloads, lists and deletes, under both API roots', async () => {
    const content = randomBytes(300_000);
    const put = await rawRequest(server.url, 'PUT', `${ROOT}/1/abc/artifacts/model/model.onnx`, content);
    assert.equal(put.status, 200, put.body.toString());
    await rawRequest(server.url, 'PUT', `${ROOT}/1/abc/artifacts/model/MLmodel`, 'flavors: {}\n', {
      'content-type': 'text/plain',
    });
    const get = await rawRequest(
      server.url,
      'GET',
      `/ajax-api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.onnx`,
    );
    assert.equal(get.status, 200);
    assert.equal(
      createHash('sha256').update(get.body).digest('hex'),
      createHash('sha256').update(content).digest('hex'),
    );
    const list = await server.call('GET', `${ROOT}`, { path: '1/abc/artifacts/model' });
    assert.deepEqual(list.body, {
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'model.onnx', is_dir: false, file_size: 300_000 },
      ],
    });
    assert.deepEqual((await server.call('GET', ROOT, { path: '1/abc' })).body, {
      files: [{ path: 'artifacts', is_dir: true }],
    });
    assert.equal((await rawRequest(server.url, 'DELETE', `${ROOT}/1/abc/artifacts/model/MLmodel`)).status, 200);
    assert.equal((await rawRequest(server.url, 'GET', `${ROOT}/1/abc/artifacts/model/MLmodel`)).status, 404);
  });

  it('answers a missing artifact with RESOURCE_DOES_NOT_EXIST', async () => {
    const r = await rawRequest(server.url, 'GET', `${ROOT}/9/none/artifacts/x.bin`);
    assert.equal(r.status, 404);
    assert.equal(JSON.parse(r.body.toString()).error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  // Path traversal payloads from MLflow's CVEs (2023-1177, -2780, -6909, 2024-1558, -1560, -3573, …).
  const payloads = [
    '../../../../etc/passwd',
    '1/../../secret',
    '%2e%2e/%2e%2e/etc/passwd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252fetc%252fpasswd',
    '%25252e%25252e%25252f',
    '..%2fetc',
    '..%5c..%5cwindows',
    'a\\..\\b',
    '%2fetc%2fpasswd',
    '//proc/self/root/etc/passwd',
    'a/%00/b',
    'a%00.txt',
    'a;b/c',
    'a%3bjsessionid=1',
    'a%23b',
    'a%3fb=1',
    'C:%5cwindows',
    'a//b',
    'a/./b',
    '%c0%ae%c0%ae/etc',
    '%ef%bc%8e%ef%bc%8e/etc',
  ];
  for (const method of ['GET', 'PUT', 'DELETE'])
    for (const payload of payloads)
      it(`refuses ${method} ${payload} with a 4xx`, async () => {
        const r = await rawRequest(server.url, method, `${ROOT}/${payload}`, method === 'PUT' ? 'x' : undefined);
        assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
        if (r.status === 400) assert.equal(JSON.parse(r.body.toString()).error_code, 'INVALID_PARAMETER_VALUE');
      });
  for (const payload of payloads.slice(0, 8))
    it(`refuses listing ${payload}`, async () => {
      const r = await server.call('GET', ROOT, { path: decodeURIComponent(payload.replaceAll('%25', '%2525')) });
      assert.equal(r.status, 400);
    });
});
