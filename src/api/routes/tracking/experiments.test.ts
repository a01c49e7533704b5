import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertError, assertExperiment, eachBackend, type Json, mlflowApi, unique } from './test-support/mlflow-api.js';

eachBackend('MLflow experiments API', (api) => {
  it('has the Default experiment "0"', async () => {
    const res = await api().get('experiments/get', { experiment_id: '0' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['experiment']);
    assertExperiment(res.body.experiment);
    assert.equal(res.body.experiment.name, 'Default');
    assert.equal(res.body.experiment.artifact_location, 'mlflow-artifacts:/0');
  });

  it('creates an experiment: experiment_id back; get and get-by-name return it with its tags', async () => {
    const name = unique('exp');
    const created = await api().post('experiments/create', {
      name,
      tags: [
        { key: 'team', value: 'vision' },
        { key: 'alpha', value: '' },
      ],
    });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body), ['experiment_id']);
    assert.match(created.body.experiment_id, /^[1-9]\d*$/);
    const id = created.body.experiment_id;
    const got = (await api().get('experiments/get', { experiment_id: id })).body.experiment;
    assertExperiment(got);
    assert.deepEqual(
      { ...got, creation_time: 0, last_update_time: 0 },
      {
        experiment_id: id,
        name,
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        last_update_time: 0,
        creation_time: 0,
        tags: [
          { key: 'alpha', value: '' },
          { key: 'team', value: 'vision' },
        ],
      },
    );
    assert.equal(got.creation_time, got.last_update_time);
    const byName = await api().get('experiments/get-by-name', { experiment_name: name });
    assert.deepEqual(byName.body, { experiment: got });
  });

  it('keeps a client-chosen artifact_location inside the store', async () => {
    const id = await api().experiment(unique('located'), { artifact_location: 'mlflow-artifacts:/teams/vision' });
    const got = (await api().get('experiments/get', { experiment_id: id })).body.experiment;
    assert.equal(got.artifact_location, 'mlflow-artifacts:/teams/vision');
    const run = await api().run(id);
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/teams/vision/${run.info.run_id}/artifacts`);
  });

  it('refuses a taken name, unknown ids and names, with MLflow error codes', async () => {
    const name = unique('dup');
    await api().experiment(name);
    assertError(await api().post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS', /already exists/);
    assertError(await api().post('experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', /'name'/);
    assertError(
      await api().get('experiments/get', { experiment_id: '424242' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /No Experiment with id=424242 exists/,
    );
    assertError(await api().get('experiments/get', { experiment_id: 'abc' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assertError(await api().get('experiments/get', {}), 400, 'INVALID_PARAMETER_VALUE', /experiment_id/);
    assertError(
      await api().get('experiments/get-by-name', { experiment_name: unique('nope') }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /Could not find experiment with name/,
    );
  });

  it('renames, deletes and restores; a deleted experiment is still found by get', async () => {
    const id = await api().experiment(unique('life'));
    const newName = unique('renamed');
    assert.deepEqual(await api().post('experiments/update', { experiment_id: id, new_name: newName }), {
      status: 200,
      body: {},
    });
    assert.equal((await api().get('experiments/get', { experiment_id: id })).body.experiment.name, newName);
    assertError(
      await api().post('experiments/update', { experiment_id: id }),
      400,
      'INVALID_PARAMETER_VALUE',
      /new_name/,
    );

    const run = await api().run(id);
    assert.deepEqual(await api().post('experiments/delete', { experiment_id: id }), { status: 200, body: {} });
    const deleted = (await api().get('experiments/get', { experiment_id: id })).body.experiment;
    assert.equal(deleted.lifecycle_stage, 'deleted');
    assert.equal((await api().get('runs/get', { run_id: run.info.run_id })).body.run.info.lifecycle_stage, 'deleted');
    assertError(await api().post('experiments/delete', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    assertError(
      await api().post('experiments/update', { experiment_id: id, new_name: unique('x') }),
      400,
      'INVALID_STATE',
    );
    assertError(await api().post('runs/create', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', /active/);
    assertError(await api().post('experiments/create', { name: newName }), 400, 'RESOURCE_ALREADY_EXISTS', /deleted/);

    assert.deepEqual(await api().post('experiments/restore', { experiment_id: id }), { status: 200, body: {} });
    assert.equal((await api().get('experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage, 'active');
    assert.equal((await api().get('runs/get', { run_id: run.info.run_id })).body.run.info.lifecycle_stage, 'active');
    assertError(await api().post('experiments/restore', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('sets experiment tags (replacing a value) and checks their keys', async () => {
    const id = await api().experiment(unique('tagged'));
    for (const value of ['1', '2'])
      assert.equal(
        (await api().post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value })).status,
        200,
      );
    const got = (await api().get('experiments/get', { experiment_id: id })).body.experiment;
    assert.deepEqual(got.tags, [{ key: 'k', value: '2' }]);
    assertError(
      await api().post('experiments/set-experiment-tag', { experiment_id: id, key: '../x', value: 'v' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid tag name/,
    );
    assertError(
      await api().post('experiments/set-experiment-tag', { experiment_id: '99999', key: 'k', value: 'v' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('searches by filter, order_by, view_type and pages with next_page_token, by POST and GET', async () => {
    const prefix = unique('search');
    const ids: string[] = [];
    for (const n of ['b', 'a', 'c'])
      ids.push(await api().experiment(`${prefix}-${n}`, { tags: [{ key: 'n', value: n }] }));
    await api().post('experiments/delete', { experiment_id: ids[2] });
    const body = { filter: `name LIKE '${prefix}-%'`, order_by: ['name ASC'], max_results: 1 };
    const first = await api().post('experiments/search', body);
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.body), ['experiments', 'next_page_token']);
    first.body.experiments.forEach(assertExperiment);
    assert.deepEqual(
      first.body.experiments.map((e: Json) => e.name),
      [`${prefix}-a`],
    );
    const second = await api().post('experiments/search', { ...body, page_token: first.body.next_page_token });
    assert.deepEqual(
      second.body.experiments.map((e: Json) => e.name),
      [`${prefix}-b`],
    );
    assert.equal(second.body.next_page_token, undefined);

    const all = await api().get('experiments/search', {
      filter: `name LIKE '${prefix}-%'`,
      view_type: 'ALL',
      order_by: 'name DESC',
    });
    assert.deepEqual(
      all.body.experiments.map((e: Json) => e.name),
      [`${prefix}-c`, `${prefix}-b`, `${prefix}-a`],
    );
    const deleted = await api().post('experiments/search', { filter: `name LIKE '${prefix}-%'`, view_type: 2 });
    assert.deepEqual(
      deleted.body.experiments.map((e: Json) => e.experiment_id),
      [ids[2]],
    );
    const byTag = await api().post('experiments/search', { filter: `tags.n = 'b' and name LIKE '${prefix}%'` });
    assert.deepEqual(
      byTag.body.experiments.map((e: Json) => e.experiment_id),
      [ids[0]],
    );
    const none = await api().post('experiments/search', { filter: `name = '${unique('none')}'` });
    assert.deepEqual(none, { status: 200, body: {} });

    assertError(
      await api().post('experiments/search', { filter: 'metrics.x > 1' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid entity type/,
    );
    assertError(
      await api().post('experiments/search', { max_results: 50_001 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 50000/,
    );
    assertError(
      await api().post('experiments/search', { page_token: 'garbage!' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /page token/,
    );
    assertError(
      await api().post('experiments/search', { view_type: 'SOME' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /view_type/,
    );
  });

  it('answers under /ajax-api/2.0/mlflow/ too', async () => {
    const ajax = mlflowApi(api().server, '/ajax-api/2.0/mlflow');
    const res = await ajax.get('experiments/get', { experiment_id: '0' });
    assert.equal(res.body.experiment.name, 'Default');
  });
});
