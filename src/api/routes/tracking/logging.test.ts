import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { newDatasetVersion } from '../../../store/test-support/dataset-fixtures.js';
import { assertError, assertRun, eachBackend, type Json, unique } from './test-support/mlflow-api.js';

eachBackend('MLflow logging API', (api) => {
  const newRun = async () => (await api().run(await api().experiment(unique('log')))).info.run_id as string;
  const getRun = async (runId: string) => (await api().get('runs/get', { run_id: runId })).body.run;

  it('logs single metrics, params and tags; each answers {}', async () => {
    const runId = await newRun();
    for (const [path, body] of [
      ['runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 10, step: 1 }],
      ['runs/log-metric', { run_uuid: runId, key: 'loss', value: 0.25, timestamp: '11', step: '2' }],
      ['runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' }],
      ['runs/log-parameter', { run_id: runId, key: 'empty' }],
      ['runs/set-tag', { run_id: runId, key: 'team', value: 'a' }],
      ['runs/set-tag', { run_id: runId, key: 'team', value: 'b' }],
    ] as const)
      assert.deepEqual(await api().post(path, body), { status: 200, body: {} }, path);
    const run = await getRun(runId);
    assertRun(run);
    assert.deepEqual(run.data.metrics, [{ key: 'loss', value: 0.25, timestamp: 11, step: 2 }]);
    assert.deepEqual(run.data.params, [
      { key: 'empty', value: '' },
      { key: 'lr', value: '0.01' },
    ]);
    assert.deepEqual(
      run.data.tags.filter((t: Json) => t.key === 'team'),
      [{ key: 'team', value: 'b' }],
    );
  });

  it('keeps the latest metric by step, then timestamp, then value; NaN and infinities round-trip', async () => {
    const runId = await newRun();
    const metrics = [
      { key: 'm', value: 5, timestamp: 100, step: 3 },
      { key: 'm', value: 9, timestamp: 1, step: 2 },
      { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'inf', value: 'Infinity', timestamp: 1 },
      { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
    ];
    assert.deepEqual(await api().post('runs/log-batch', { run_id: runId, metrics }), { status: 200, body: {} });
    assert.deepEqual((await getRun(runId)).data.metrics, [
      { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
      { key: 'm', value: 5, timestamp: 100, step: 3 },
      { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
    ]);
  });

  it('refuses to change a logged param, naming it; the same value again is fine', async () => {
    const runId = await newRun();
    await api().post('runs/log-parameter', { run_id: runId, key: 'depth', value: '3' });
    assert.equal((await api().post('runs/log-parameter', { run_id: runId, key: 'depth', value: '3' })).status, 200);
    assertError(
      await api().post('runs/log-parameter', { run_id: runId, key: 'depth', value: '4' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Changing param values is not allowed. Param with key='depth' was already logged with value='3'.*new value '4'/,
    );
    assertError(
      await api().post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'never', value: 1, timestamp: 1 }],
        params: [{ key: 'depth', value: '5' }],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Changing param values is not allowed/,
    );
    assert.equal((await getRun(runId)).data.metrics, undefined, 'the refused batch wrote nothing');
  });

  it('logs a full batch (1000 entries) of metrics, params and tags in one request; the last of a repeated tag wins', async () => {
    const runId = await newRun();
    const res = await api().post('runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 996 }, (_, i) => ({ key: `m${i % 6}`, value: i, timestamp: i, step: i })),
      params: [{ key: 'p', value: 'v' }],
      tags: [
        { key: 't', value: '1' },
        { key: 't', value: '2' },
        { key: 'mlflow.runName', value: 'batched' },
      ],
    });
    assert.deepEqual(res, { status: 200, body: {} });
    const run = await getRun(runId);
    assert.equal(run.info.run_name, 'batched');
    assert.deepEqual(
      run.data.metrics.map((m: Json) => [m.key, m.value]),
      [
        ['m0', 990],
        ['m1', 991],
        ['m2', 992],
        ['m3', 993],
        ['m4', 994],
        ['m5', 995],
      ],
    );
    assert.deepEqual(
      run.data.tags.find((t: Json) => t.key === 't'),
      { key: 't', value: '2' },
    );
    assert.deepEqual(await api().post('runs/log-batch', { run_id: runId }), { status: 200, body: {} });
  });

  it("enforces MLflow's batch limits and key rules", async () => {
    const runId = await newRun();
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const refused = async (body: object, pattern: RegExp) =>
      assertError(
        await api().post('runs/log-batch', { run_id: runId, ...body }),
        400,
        'INVALID_PARAMETER_VALUE',
        pattern,
      );
    await refused({ metrics: metrics(1001) }, /at most 1000 metrics. Got 1001 metrics/);
    await refused({ params: tags(101) }, /at most 100 params/);
    await refused({ tags: tags(101) }, /at most 100 tags/);
    await refused(
      { metrics: metrics(901), params: tags(50), tags: tags(50) },
      /at most 1000 metrics, params, and tags/,
    );
    await refused({ params: [tags(1)[0], tags(1)[0]] }, /Duplicate parameter keys/);
    await refused({ metrics: [{ key: 'a:b', value: 1, timestamp: 1 }] }, /Invalid metric name: 'a:b'/);
    await refused({ metrics: [{ key: '../up', value: 1, timestamp: 1 }] }, /would resolve to/);
    await refused({ params: [{ key: 'p', value: 'x'.repeat(6001) }] }, /length limit of 6000/);
    await refused({ tags: [{ key: 'k'.repeat(251), value: 'v' }] }, /length limit of 250/);
    await refused({ metrics: [{ key: 'm', value: 1, timestamp: -5 }] }, /Got invalid timestamp -5/);
    await refused({ metrics: [{ key: 'm', value: 'high', timestamp: 1 }] }, /'value'/);
    assertError(
      await api().post('runs/log-metric', { run_id: runId, key: 'm', value: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /'timestamp'/,
    );
    assert.equal((await getRun(runId)).data.metrics, undefined, 'nothing of a refused batch was written');
  });

  it('deletes tags, and says so when there is none', async () => {
    const runId = await newRun();
    await api().post('runs/set-tag', { run_id: runId, key: 'gone', value: 'x' });
    assert.deepEqual(await api().post('runs/delete-tag', { run_id: runId, key: 'gone' }), { status: 200, body: {} });
    assert.equal(
      (await getRun(runId)).data.tags.some((t: Json) => t.key === 'gone'),
      false,
    );
    assertError(
      await api().post('runs/delete-tag', { run_id: runId, key: 'gone' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /No tag with name: gone/,
    );
  });

  it('logs dataset inputs with their tags, once per run, linked to the Osprey version with that digest', async () => {
    const version = (await api().server.store.datasets.addVersion(newDatasetVersion('weather', unique('v')))).version;
    const runId = await newRun();
    const weather = {
      name: 'weather',
      digest: version.digest,
      source_type: 'osprey',
      source: '{"uri": "x"}',
      profile: '{"rows": 10}',
    };
    const other = { name: 'mlflow-made', digest: '1a2b3c4d', source_type: 'local', source: 'data.csv', schema: '{}' };
    const body = {
      run_id: runId,
      datasets: [
        { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: weather },
        { dataset: other },
        { tags: [{ key: 'mlflow.data.context', value: 'again' }], dataset: weather },
      ],
    };
    assert.deepEqual(await api().post('runs/log-inputs', body), { status: 200, body: {} });
    assert.deepEqual(await api().post('runs/log-inputs', body), { status: 200, body: {} });
    const run = await getRun(runId);
    assertRun(run);
    assert.deepEqual(run.inputs, {
      dataset_inputs: [
        { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: weather },
        { dataset: other },
      ],
    });
    const stored = await api().server.store.tracking.getRun(runId);
    assert.deepEqual(
      stored?.inputs.map((i) => i.datasetVersion?.version ?? null),
      [1, null],
    );
  });

  it('refuses malformed dataset inputs', async () => {
    const runId = await newRun();
    const dataset = { name: 'd', digest: 'abc', source_type: 'local', source: 's' };
    const refused = async (datasets: unknown, pattern: RegExp) =>
      assertError(
        await api().post('runs/log-inputs', { run_id: runId, datasets }),
        400,
        'INVALID_PARAMETER_VALUE',
        pattern,
      );
    await refused([{ tags: [] }], /Dataset cannot be None/);
    await refused([{ dataset: { ...dataset, digest: undefined } }], /Dataset digest cannot be None/);
    await refused(
      [{ dataset: { ...dataset, name: 'n'.repeat(501) } }],
      /Dataset name exceeds the maximum length of 500/,
    );
    await refused([{ dataset, tags: [{ key: 'k', value: 'v'.repeat(501) }] }], /InputTag value exceeds/);
    await refused('not a list', /datasets/);
    assertError(
      await api().post('runs/log-inputs', { run_id: 'f'.repeat(32), datasets: [{ dataset }] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
