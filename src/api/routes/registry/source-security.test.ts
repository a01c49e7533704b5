import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunLookup } from '../../../registry/sources.js';
import { backends, startTestServer, type TestServer } from '../../test-support/server.js';
import { type RegistryApi, registryApi, uniqueName } from './test-support/registry-api.js';

const RUN = '0123456789abcdef0123456789abcdef';
const RUN_FILE = 'feedfacefeedfacefeedfacefeedface';
const RUN_TRAVERSAL = 'deadbeefdeadbeefdeadbeefdeadbeef';

/** A real RunLookup over a map, as the tracking store answers it; two runs point outside the store. */
const runs = new Map([
  [RUN, { artifactUri: `mlflow-artifacts:/1/${RUN}/artifacts` }],
  [RUN_FILE, { artifactUri: 'file:///etc' }],
  [RUN_TRAVERSAL, { artifactUri: 'mlflow-artifacts:/1/../../../etc' }],
]);
const runLookup: RunLookup = async (runId) => runs.get(runId);

/**
 * Every source must resolve inside the artifact store. The payloads follow MLflow's path-traversal and
 * local-file CVEs; each must be refused with a 4xx and leave no model version behind.
 */
const REFUSED: [cve: string, source: string][] = [
  ['CVE-2023-1177 local file URI', 'file:///etc/passwd'],
  ['CVE-2023-1177 file URI, one slash', 'file:/etc/passwd'],
  ['CVE-2023-1177 file URI with host', 'file://localhost/etc/passwd'],
  ['CVE-2023-1177 upper-case scheme', 'FILE:///etc/passwd'],
  ['CVE-2023-1177 absolute local path', '/etc/passwd'],
  ['CVE-2023-1177 relative local path', 'model/artifacts'],
  ['CVE-2023-1177 home path', '~/.ssh/id_rsa'],
  ['CVE-2023-2356 relative traversal', '../../../../etc/passwd'],
  ['CVE-2023-2356 traversal in the store', 'mlflow-artifacts:/../../../../etc/passwd'],
  ['CVE-2023-2356 traversal mid-path', 'mlflow-artifacts:/1/run/artifacts/../../../../etc'],
  ['CVE-2023-2356 dot segment', 'mlflow-artifacts:/1/./model'],
  ['CVE-2023-2780 //proc/self/root', '//proc/self/root/etc/passwd'],
  ['CVE-2023-2780 authority //proc', 'mlflow-artifacts://proc/self/root/etc/passwd'],
  ['CVE-2023-2780 empty authority', 'mlflow-artifacts:///etc/passwd'],
  ['CVE-2023-2780 empty segment', 'mlflow-artifacts:/1//etc'],
  ['CVE-2023-2780 trailing empty segment', 'mlflow-artifacts:/1/model//'],
  ['CVE-2023-6977 host and traversal', 'mlflow-artifacts://localhost:5000/../../../etc'],
  ['CVE-2023-6977 encoded slashes', 'mlflow-artifacts:/1/..%2f..%2f..%2fetc%2fpasswd'],
  ['CVE-2023-6977 encoded dots', 'mlflow-artifacts:/1/%2e%2e/%2e%2e/etc'],
  ['CVE-2023-6977 encoded everything', 'mlflow-artifacts:/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['CVE-2023-6909 fragment', 'mlflow-artifacts:/1/x#/../../../../etc/passwd'],
  ['CVE-2023-6909 http fragment', 'http://localhost:5000/#/../../../../etc/passwd'],
  ['CVE-2024-1483 artifact proxy URL', 'http://localhost:5000/api/2.0/mlflow-artifacts/artifacts/../../../etc'],
  ['CVE-2024-1483 https', 'https://evil.example/model'],
  ['CVE-2024-1558 encoded fragment', 'mlflow-artifacts:/1/x%23/../../../../etc/passwd'],
  ['CVE-2024-1558 encoded fragment at start', 'mlflow-artifacts:/%23/../../etc'],
  ['CVE-2024-1560 path parameter', 'mlflow-artifacts:/1/..;/..;/etc/passwd'],
  ['CVE-2024-1560 semicolon', 'mlflow-artifacts:/1/model;x=../../etc'],
  ['CVE-2024-1560 encoded semicolon', 'mlflow-artifacts:/1/%3b/../etc'],
  ['CVE-2024-1594 file fragment', 'file:///tmp#/../../etc/passwd'],
  ['CVE-2024-1594 query', 'mlflow-artifacts:/1/x?/../../etc'],
  ['CVE-2024-1594 encoded query', 'mlflow-artifacts:/1/x%3F/../../etc'],
  ['CVE-2024-2928 fragment with encoded traversal', 'mlflow-artifacts:/1/#%2e%2e/%2e%2e/etc'],
  ['CVE-2024-3573 Windows drive', 'C:/Windows/win.ini'],
  ['CVE-2024-3573 Windows backslashes', 'C:\\Windows\\win.ini'],
  ['CVE-2024-3573 UNC path', '\\\\server\\share\\model'],
  ['CVE-2024-3573 backslash traversal', 'mlflow-artifacts:/1\\..\\..\\etc'],
  ['CVE-2024-3573 encoded backslash', 'mlflow-artifacts:/1/..%5c..%5cetc'],
  ['CVE-2024-3573 encoded drive', 'mlflow-artifacts:/C%3A/Windows'],
  ['CVE-2024-3848 fragment then traversal', 'mlflow-artifacts:/1/model#../../../../etc'],
  ['CVE-2025-11201 double-encoded traversal', 'mlflow-artifacts:/%252e%252e%252f%252e%252e%252fetc%252fpasswd'],
  ['CVE-2025-11201 triple-encoded traversal', 'mlflow-artifacts:/1/%25252e%25252e/etc'],
  ['CVE-2025-11201 encoded absolute path', 'mlflow-artifacts:/%2fetc/passwd'],
  ['CVE-2025-11201 double-encoded absolute path', 'mlflow-artifacts:/%252F%252Fproc/self/root'],
  ['CVE-2025-11201 full-width dots', 'mlflow-artifacts:/1/．．／．．／etc'],
  ['NUL byte', 'mlflow-artifacts:/1/model\u0000.txt'],
  ['encoded NUL byte', 'mlflow-artifacts:/1/model%00/x'],
  ['newline', 'mlflow-artifacts:/1/mo\ndel'],
  ['malformed percent', 'mlflow-artifacts:/1/100%'],
  ['empty store path', 'mlflow-artifacts:/'],
  ['scheme only', 'mlflow-artifacts:'],
  ['other scheme: s3', 's3://bucket/model'],
  ['other scheme: s3 traversal', 's3:/my_bucket/models/path/../../other/path'],
  ['other scheme: gs', 'gs://bucket/model'],
  ['other scheme: hdfs', 'hdfs://namenode/model'],
  ['other scheme: ftp', 'ftp://host/../../etc'],
  ['other scheme: dbfs', 'dbfs:/databricks/model'],
  ['runs: traversal as run id', 'runs:/../../etc/passwd'],
  ['runs: traversal after run id', `runs:/${RUN}/../../../etc`],
  ['runs: encoded traversal', `runs:/${RUN}/%2e%2e/%2e%2e/etc`],
  ['runs: double-encoded traversal', `runs:/${RUN}/%252e%252e%252f%252e%252e`],
  ['runs: fragment', `runs:/${RUN}/model#/../../../etc`],
  ['runs: authority', `runs://${RUN}/model`],
  ['runs: run outside the store (file:)', `runs:/${RUN_FILE}/model`],
  ['runs: run URI with traversal', `runs:/${RUN_TRAVERSAL}/model`],
  ['models: traversal', 'models:/../../etc/passwd'],
  ['models: fragment', 'models:/x/1#/../../etc'],
];

for (const backend of backends()) {
  describe(`model version sources stay inside the artifact store (${backend})`, () => {
    let server: TestServer;
    let api: RegistryApi;
    let name: string;
    before(async () => {
      server = await startTestServer(backend, { runs: runLookup });
      api = registryApi(server);
      name = uniqueName('secure');
      await api.model(name);
    });
    after(() => server.close());

    for (const [cve, source] of REFUSED)
      it(`refuses ${cve}: ${JSON.stringify(source)}`, async () => {
        const response = await api.call('POST', 'model-versions/create', { name, source });
        assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
        assert.equal(response.body.error_code, 'INVALID_PARAMETER_VALUE', JSON.stringify(response.body));
      });

    it('records no version for any refused source', async () => {
      const found = await api.ok('GET', 'model-versions/search', { filter: `name = '${name}'` });
      assert.deepEqual(found, {});
    });

    it('answers an unknown run or model version in runs:/ and models:/ with 404', async () => {
      await api.fails(
        'POST',
        'model-versions/create',
        { name, source: `runs:/${'f'.repeat(32)}/model` },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await api.fails(
        'POST',
        'model-versions/create',
        { name, source: 'models:/no-such-model/1' },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('accepts store paths, runs:/ and models:/ sources, and get-download-uri answers where they resolve', async () => {
      const model = uniqueName('ok');
      await api.model(model);
      const register = async (body: Record<string, string>) =>
        (await api.ok('POST', 'model-versions/create', { name: model, ...body })).model_version;
      const downloadUri = async (version: string) =>
        (await api.ok('GET', 'model-versions/get-download-uri', { name: model, version })).artifact_uri;

      const direct = await register({ source: `mlflow-artifacts:/1/${RUN}/artifacts/model`, run_id: RUN });
      assert.equal(await downloadUri(direct.version), `mlflow-artifacts:/1/${RUN}/artifacts/model`);

      const fromRun = await register({ source: `runs:/${RUN}/model` });
      assert.deepEqual([fromRun.source, fromRun.run_id], [`runs:/${RUN}/model`, RUN]);
      assert.equal(await downloadUri(fromRun.version), `mlflow-artifacts:/1/${RUN}/artifacts/model`);
      const runRoot = await register({ source: `runs:/${RUN}`, run_id: RUN });
      assert.equal(await downloadUri(runRoot.version), `mlflow-artifacts:/1/${RUN}/artifacts`);
      await api.fails(
        'POST',
        'model-versions/create',
        { name: model, source: `runs:/${RUN}/m`, run_id: 'other' },
        400,
        'INVALID_PARAMETER_VALUE',
      );

      await api.ok('POST', 'registered-models/alias', { name: model, alias: 'champion', version: fromRun.version });
      const byVersion = await register({ source: `models:/${model}/${fromRun.version}` });
      assert.equal(byVersion.run_id, RUN, 'the run of the version it copies');
      assert.equal(await downloadUri(byVersion.version), `mlflow-artifacts:/1/${RUN}/artifacts/model`);
      const byAlias = await register({ source: `models:/${model}@champion` });
      assert.equal(await downloadUri(byAlias.version), `mlflow-artifacts:/1/${RUN}/artifacts/model`);

      const encoded = await register({ source: 'mlflow-artifacts:/shared/my%20model/v%2B1' });
      assert.equal(await downloadUri(encoded.version), 'mlflow-artifacts:/shared/my model/v+1');
      const directory = await register({ source: `runs:/${RUN}/model/` });
      assert.equal(await downloadUri(directory.version), `mlflow-artifacts:/1/${RUN}/artifacts/model`);
    });
  });
}
