import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertError, assertRun, assertRunInfo, eachBackend, unique } from './test-support/mlflow-api.js';

eachBackend('MLflow runs API', (api) => {
  it('creates a RUNNING run as the Python client does, and gets it back', async () => {
    const experimentId = await api().experiment(unique('runs'));
    const created = await api().post('runs/create', {
      experiment_id: experimentId,
      user_id: 'ada',
      start_time: 1_700_000_000_123,
      run_name: 'first-try',
      tags: [
        { key: 'mlflow.user', value: 'ada' },
        { key: 'mlflow.source.git.commit', value: 'abc123' },
      ],
    });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body), ['run']);
    const { run } = created.body;
    assertRun(run);
    assert.deepEqual(
      { ...run.info, run_uuid: '', run_id: '', artifact_uri: '' },
      {
        run_uuid: '',
        experiment_id: experimentId,
        run_name: 'first-try',
        user_id: 'ada',
        status: 'RUNNING',
        start_time: 1_700_000_000_123,
        artifact_uri: '',
        lifecycle_stage: 'active',
        run_id: '',
      },
    );
    assert.deepEqual(run.data, {
      tags: [
        { key: 'mlflow.runName', value: 'first-try' },
        { key: 'mlflow.source.git.commit', value: 'abc123' },
        { key: 'mlflow.user', value: 'ada' },
      ],
    });
    assert.deepEqual(run.inputs, {});
    const got = await api().get('runs/get', { run_id: run.info.run_id });
    assert.deepEqual(got, { status: 200, body: { run } });
    assert.deepEqual((await api().get('runs/get', { run_uuid: run.info.run_id })).body, { run });
  });

  it('names runs: run_name, else the mlflow.runName tag, else a generated name; the two must agree', async () => {
    const experimentId = await api().experiment(unique('names'));
    const fromTag = await api().run(experimentId, { tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
    assert.equal(fromTag.info.run_name, 'tagged');
    const generated = await api().run(experimentId);
    assert.match(generated.info.run_name, /^[a-z]+-[a-z]+-\d{1,3}$/);
    assert.deepEqual(generated.data.tags, [{ key: 'mlflow.runName', value: generated.info.run_name }]);
    assertError(
      await api().post('runs/create', {
        experiment_id: experimentId,
        run_name: 'a',
        tags: [{ key: 'mlflow.runName', value: 'b' }],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values/,
    );
  });

  it('creates in the Default experiment when none is given, starting now', async () => {
    const before = Date.now();
    const res = await api().post('runs/create', {});
    assert.equal(res.status, 200);
    assert.equal(res.body.run.info.experiment_id, '0');
    assert.ok(res.body.run.info.start_time >= before && res.body.run.info.start_time <= Date.now());
  });

  it('updates status (by name or number), end_time and name; returns run_info', async () => {
    const run = await api().run(await api().experiment(unique('update')));
    const id = run.info.run_id;
    const res = await api().post('runs/update', { run_id: id, status: 'FINISHED', end_time: 1_700_000_009_999 });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['run_info']);
    assertRunInfo(res.body.run_info);
    assert.equal(res.body.run_info.status, 'FINISHED');
    assert.equal(res.body.run_info.end_time, 1_700_000_009_999);
    const killed = await api().post('runs/update', { run_uuid: id, status: 5, run_name: 'renamed' });
    assert.equal(killed.body.run_info.status, 'KILLED');
    assert.equal(killed.body.run_info.run_name, 'renamed');
    const tags = (await api().get('runs/get', { run_id: id })).body.run.data.tags;
    assert.deepEqual(tags, [{ key: 'mlflow.runName', value: 'renamed' }]);
    assertError(
      await api().post('runs/update', { run_id: id, status: 'DONE' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /status/,
    );
    assertError(await api().post('runs/update', { run_id: id, status: 9 }), 400, 'INVALID_PARAMETER_VALUE', /status/);
    assertError(
      await api().post('runs/update', { run_id: id, end_time: 'soon' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /end_time/,
    );
  });

  it('deletes and restores runs; a deleted run refuses writes', async () => {
    const run = await api().run(await api().experiment(unique('delete')));
    const id = run.info.run_id;
    assert.deepEqual(await api().post('runs/delete', { run_id: id }), { status: 200, body: {} });
    assert.equal((await api().get('runs/get', { run_id: id })).body.run.info.lifecycle_stage, 'deleted');
    assertError(
      await api().post('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
    assertError(await api().post('runs/update', { run_id: id, status: 'FINISHED' }), 400, 'INVALID_PARAMETER_VALUE');
    assert.deepEqual(await api().post('runs/restore', { run_id: id }), { status: 200, body: {} });
    assert.equal((await api().get('runs/get', { run_id: id })).body.run.info.lifecycle_stage, 'active');
  });

  it('answers unknown runs with RESOURCE_DOES_NOT_EXIST and missing ids with INVALID_PARAMETER_VALUE', async () => {
    const missing = 'f'.repeat(32);
    for (const [path, body] of [
      ['runs/update', { run_id: missing, status: 'FINISHED' }],
      ['runs/delete', { run_id: missing }],
      ['runs/restore', { run_id: missing }],
    ] as const)
      assertError(
        await api().post(path, body),
        404,
        'RESOURCE_DOES_NOT_EXIST',
        new RegExp(`Run with id=${missing} not found`),
      );
    assertError(await api().get('runs/get', { run_id: missing }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assertError(await api().get('runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
    assertError(await api().post('runs/delete', {}), 400, 'INVALID_PARAMETER_VALUE', /run_id/);
    assertError(await api().post('runs/create', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
