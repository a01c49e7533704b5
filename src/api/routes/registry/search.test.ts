import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, startTestServer, type TestServer } from '../../test-support/server.js';
import { type RegistryApi, registryApi, uniqueName } from './test-support/registry-api.js';

const RUN_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const RUN_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const names = (body: { registered_models?: { name: string }[] }) => (body.registered_models ?? []).map((m) => m.name);
const versions = (body: { model_versions?: { name: string; version: string }[] }) =>
  (body.model_versions ?? []).map((v) => `${v.name}/${v.version}`);
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

for (const backend of backends()) {
  describe(`registry searches over HTTP (${backend})`, () => {
    let server: TestServer;
    let api: RegistryApi;
    before(async () => {
      server = await startTestServer(backend);
      api = registryApi(server);
    });
    after(() => server.close());

    it('registered-models/search filters by name and tags, orders, and pages with MLflow page tokens', async () => {
      const p = uniqueName('rms');
      for (const [suffix, team] of [
        ['-b', 'vision'],
        ['-A', 'nlp'],
        ['-a', 'vision'],
        ['-c', undefined],
      ] as const) {
        await api.ok('POST', 'registered-models/create', {
          name: `${p}${suffix}`,
          ...(team ? { tags: [{ key: 'team', value: team }] } : {}),
        });
        await pause();
      }
      const search = (query: Record<string, unknown>) => api.ok('GET', 'registered-models/search', query);
      assert.deepEqual(names(await search({ filter: `name LIKE '${p}%'` })), [`${p}-A`, `${p}-a`, `${p}-b`, `${p}-c`]);
      assert.deepEqual(names(await search({ filter: `name = '${p}-a'` })), [`${p}-a`]);
      assert.deepEqual(names(await search({ filter: `name ILIKE '${p.toUpperCase()}-A'` })), [`${p}-A`, `${p}-a`]);
      assert.deepEqual(names(await search({ filter: `name LIKE '${p}%' AND tags.team = 'vision'` })), [
        `${p}-a`,
        `${p}-b`,
      ]);
      assert.deepEqual(names(await search({ filter: `name LIKE '${p}%' and tags.\`team\` != "vision"` })), [`${p}-A`]);
      assert.deepEqual(
        names(await search({ filter: `name LIKE '${p}%'`, order_by: ['last_updated_timestamp DESC'] })),
        [`${p}-c`, `${p}-a`, `${p}-A`, `${p}-b`],
      );
      assert.deepEqual(names(await search({ filter: `name LIKE '${p}%'`, order_by: ['name desc'] })), [
        `${p}-c`,
        `${p}-b`,
        `${p}-a`,
        `${p}-A`,
      ]);

      const first = await search({ filter: `name LIKE '${p}%'`, max_results: 3 });
      assert.deepEqual(names(first), [`${p}-A`, `${p}-a`, `${p}-b`]);
      assert.equal(Buffer.from(first.next_page_token, 'base64').toString(), '{"offset": 3}');
      const second = await search({ filter: `name LIKE '${p}%'`, max_results: 3, page_token: first.next_page_token });
      assert.deepEqual(names(second), [`${p}-c`]);
      assert.equal('next_page_token' in second, false);
      assert.deepEqual(await search({ filter: `name = 'no-such-model'` }), {});
    });

    it('registered-models/search refuses bad filters, order_by, max_results and page tokens with 400', async () => {
      for (const query of [
        { filter: "name = 'x' OR name = 'y'" },
        { filter: "description = 'x'" },
        { filter: 'name = 3' },
        { filter: "name > 'x'" },
        { filter: 'metrics.acc > 0.5' },
        { filter: "name = 'unterminated" },
        { filter: "tags.k IN ('a')" },
        { order_by: ['size'] },
        { order_by: ['name', 'name DESC'] },
        { order_by: ['name sideways'] },
        { max_results: 1001 },
        { max_results: 0 },
        { max_results: 'many' },
        { page_token: 'not-a-token' },
        { page_token: Buffer.from('{"offset": -1}').toString('base64') },
      ])
        await api.fails('GET', 'registered-models/search', query, 400, 'INVALID_PARAMETER_VALUE');
    });

    it('model-versions/search filters by name, run_id (also IN), source_path, version_number and tags', async () => {
      const p = uniqueName('mvs');
      const [iris, wine] = [`${p}-iris`, `${p}-wine`];
      await api.model(iris);
      await api.model(wine);
      const create = async (name: string, source: string, runId?: string, tags?: object[]) => {
        await api.ok('POST', 'model-versions/create', {
          name,
          source,
          ...(runId ? { run_id: runId } : {}),
          ...(tags ? { tags } : {}),
        });
        await pause();
      };
      await create(iris, 'mlflow-artifacts:/1/a/artifacts/model', RUN_A, [{ key: 'stage', value: 'dev' }]);
      await create(wine, 'mlflow-artifacts:/1/b/artifacts/model', RUN_B);
      await create(iris, 'mlflow-artifacts:/2/b/artifacts/model', RUN_B);
      await create(iris, 'mlflow-artifacts:/3/c/artifacts/onnx');
      const search = async (filter: string, extra: Record<string, unknown> = {}) =>
        versions(await api.ok('GET', 'model-versions/search', { filter, ...extra }));

      assert.deepEqual(await search(`name LIKE '${p}%'`), [`${iris}/3`, `${iris}/2`, `${wine}/1`, `${iris}/1`]);
      assert.deepEqual(await search(`name = '${iris}'`), [`${iris}/3`, `${iris}/2`, `${iris}/1`]);
      assert.deepEqual(await search(`name LIKE '${p}%' AND run_id = '${RUN_B}'`), [`${iris}/2`, `${wine}/1`]);
      assert.deepEqual(await search(`name LIKE '${p}%' AND run_id IN ('${RUN_A}', '${RUN_B}')`), [
        `${iris}/2`,
        `${wine}/1`,
        `${iris}/1`,
      ]);
      assert.deepEqual(await search(`name LIKE '${p}%' AND source_path LIKE '%/onnx'`), [`${iris}/3`]);
      assert.deepEqual(await search(`name = '${iris}' AND version_number >= 2`), [`${iris}/3`, `${iris}/2`]);
      assert.deepEqual(await search(`name = '${iris}' AND version_number < 2`), [`${iris}/1`]);
      assert.deepEqual(await search(`name LIKE '${p}%' AND tags.stage = 'dev'`), [`${iris}/1`]);
      assert.deepEqual(await search(`name = '${iris}'`, { order_by: ['version_number ASC'] }), [
        `${iris}/1`,
        `${iris}/2`,
        `${iris}/3`,
      ]);

      const page = await api.ok('GET', 'model-versions/search', { filter: `name LIKE '${p}%'`, max_results: 2 });
      assert.deepEqual(versions(page), [`${iris}/3`, `${iris}/2`]);
      const rest = await api.ok('GET', 'model-versions/search', {
        filter: `name LIKE '${p}%'`,
        max_results: 2,
        page_token: page.next_page_token,
      });
      assert.deepEqual(versions(rest), [`${wine}/1`, `${iris}/1`]);
      assert.equal('next_page_token' in rest, false);
      const full = (await api.ok('GET', 'model-versions/search', { filter: `name = '${wine}'` })).model_versions[0];
      assert.deepEqual(full, (await api.ok('GET', 'model-versions/get', { name: wine, version: '1' })).model_version);
    });

    it('model-versions/search refuses what MLflow refuses with 400', async () => {
      for (const query of [
        { filter: "name IN ('a')" },
        { filter: 'version_number LIKE 3' },
        { filter: "version_number > 'x'" },
        { filter: "current_stage = 'None'" },
        { filter: 'run_id IN ()' },
        { filter: "run_id IN ('a' 'b')" },
        { filter: "tags.a > 'b'" },
        { filter: "params.a = 'b'" },
        { order_by: ['stage'] },
        { max_results: 200_001 },
      ])
        await api.fails('GET', 'model-versions/search', query, 400, 'INVALID_PARAMETER_VALUE');
    });
  });
}
