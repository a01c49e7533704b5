import * as assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { OUTSIDE_THE_STORE } from '../../../tracking/test-support/payloads.js';
import { assertError, eachBackend, type Json, unique } from './test-support/mlflow-api.js';

const POSTS = [
  'experiments/create',
  'experiments/search',
  'experiments/update',
  'experiments/delete',
  'experiments/restore',
  'experiments/set-experiment-tag',
  'runs/create',
  'runs/update',
  'runs/delete',
  'runs/restore',
  'runs/search',
  'runs/log-metric',
  'runs/log-parameter',
  'runs/log-batch',
  'runs/set-tag',
  'runs/delete-tag',
  'runs/log-inputs',
];
const GETS = [
  'experiments/get',
  'experiments/get-by-name',
  'experiments/search',
  'runs/get',
  'runs/search',
  'metrics/get-history',
  'metrics/get-history-bulk-interval',
];

/** Values of every wrong JSON type, for every field a tracking request can carry. */
const WRONG = [42, true, { nested: 'object' }, ['list'], null, '', 'x'.repeat(300), -1, 1e300, 'NaN'];
const FIELDS = [
  'name',
  'experiment_id',
  'experiment_name',
  'new_name',
  'artifact_location',
  'tags',
  'key',
  'value',
  'run_id',
  'run_uuid',
  'run_name',
  'user_id',
  'start_time',
  'end_time',
  'status',
  'timestamp',
  'step',
  'metrics',
  'params',
  'datasets',
  'filter',
  'order_by',
  'max_results',
  'page_token',
  'view_type',
  'run_view_type',
  'experiment_ids',
  'metric_key',
  'run_ids',
  'start_step',
  'end_step',
];

eachBackend('bad input to the tracking API', (api) => {
  let runId = '';
  let experimentId = '';
  before(async () => {
    experimentId = await api().experiment(unique('bad'));
    runId = (await api().run(experimentId)).info.run_id;
  });

  const isClientError = (res: { status: number; body: Json }, what: string) => {
    assert.ok(res.status >= 400 && res.status < 500, `${what}: status ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body.error_code, 'string', what);
    assert.equal(typeof res.body.message, 'string', what);
  };

  it('answers malformed JSON and non-object bodies with 400 on every endpoint', async () => {
    for (const path of POSTS) {
      for (const body of ['{"name": ', '[1, 2]', '"text"', 'nonsense'])
        isClientError(await api().post(path, body), `${path} ${body}`);
    }
  });

  it('answers wrong field types with 4xx, never 500, on every endpoint and field', async () => {
    for (const path of POSTS)
      for (const field of FIELDS)
        for (const value of WRONG) {
          const res = await api().post(path, { run_id: runId, experiment_id: experimentId, [field]: value });
          assert.ok(
            res.status !== 500 && res.status < 500,
            `${path} ${field}=${JSON.stringify(value)}: ${res.status} ${JSON.stringify(res.body)}`,
          );
        }
    for (const path of GETS)
      for (const field of FIELDS)
        for (const value of ['', 'x', '-1', '99999999999999999999', '%00', '../..']) {
          const res = await api().get(path, { run_id: runId, [field]: value });
          assert.ok(res.status < 500, `GET ${path} ${field}=${value}: ${res.status} ${JSON.stringify(res.body)}`);
        }
  });

  it('answers nested wrong types inside batches and inputs with INVALID_PARAMETER_VALUE', async () => {
    for (const metrics of [
      [1],
      [{ key: 1, value: 1, timestamp: 1 }],
      [{ key: 'm', value: {}, timestamp: 1 }],
      [{ key: 'm', value: 1, timestamp: 'late' }],
      [null],
    ])
      assertError(await api().post('runs/log-batch', { run_id: runId, metrics }), 400, 'INVALID_PARAMETER_VALUE');
    for (const params of [[{ key: 'p', value: 5 }], [{ value: 'v' }], 'p=v'])
      assertError(await api().post('runs/log-batch', { run_id: runId, params }), 400, 'INVALID_PARAMETER_VALUE');
    for (const datasets of [
      [{ dataset: 'd' }],
      [{ dataset: { name: 1 } }],
      [{ dataset: { name: 'd', digest: 'x', source_type: 'l', source: 's' }, tags: 'no' }],
    ])
      assertError(await api().post('runs/log-inputs', { run_id: runId, datasets }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('answers unknown ids with RESOURCE_DOES_NOT_EXIST on every write', async () => {
    const unknown = '0'.repeat(32);
    for (const [path, body] of [
      ['runs/log-metric', { run_id: unknown, key: 'm', value: 1, timestamp: 1 }],
      ['runs/log-parameter', { run_id: unknown, key: 'p', value: 'v' }],
      ['runs/set-tag', { run_id: unknown, key: 't', value: 'v' }],
      ['runs/delete-tag', { run_id: unknown, key: 't' }],
      ['runs/log-batch', { run_id: unknown, metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
      ['experiments/set-experiment-tag', { experiment_id: '123456', key: 't', value: 'v' }],
      ['experiments/update', { experiment_id: '123456', new_name: 'n' }],
      ['experiments/restore', { experiment_id: '123456' }],
    ] as const)
      assertError(await api().post(path, body), 404, 'RESOURCE_DOES_NOT_EXIST');
    assertError(
      await api().post('runs/log-batch', { run_id: '../../etc/passwd' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid run ID/,
    );
  });

  it('refuses every artifact_location outside the store (MLflow CVE payloads)', async () => {
    for (const location of OUTSIDE_THE_STORE)
      assertError(
        await api().post('experiments/create', { name: unique('cve'), artifact_location: location }),
        400,
        'INVALID_PARAMETER_VALUE',
        /artifact_location/,
      );
    const search = await api().post('experiments/search', { filter: "name LIKE 'cve-%'", view_type: 'ALL' });
    assert.deepEqual(search.body, {}, 'no experiment was created');
  });

  it('answers an oversized body with a 4xx MLflow error', async () => {
    const res = await api().post('runs/log-batch', {
      run_id: runId,
      params: [{ key: 'p', value: 'x'.repeat(20 * 1024 * 1024) }],
    });
    isClientError(res, 'oversized body');
  });
});
