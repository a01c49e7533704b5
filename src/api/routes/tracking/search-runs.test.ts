import * as assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { assertError, assertRun, eachBackend, type Json, unique } from './test-support/mlflow-api.js';

/** Five runs of a small sweep, in one experiment, and the names search returns for a request. */
eachBackend('MLflow runs/search', (api) => {
  let experimentId = '';
  const ids: Record<string, string> = {};
  const names = async (body: Record<string, unknown>) => {
    const res = await api().post('runs/search', { experiment_ids: [experimentId], ...body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.runs ?? []).map((r: Json) => r.info.run_name);
  };

  before(async () => {
    experimentId = await api().experiment(unique('sweep'));
    const sweep = [
      { name: 'tree-a', start: 5, acc: 0.91, loss: 0.3, model: 'Tree', team: 'vision' },
      { name: 'tree-b', start: 4, acc: 0.85, loss: 0.5, model: 'tree', team: 'speech' },
      { name: 'linear', start: 3, acc: 0.7, loss: 'NaN', model: 'Linear', team: 'vision' },
      { name: 'forest', start: 2, acc: 0.95, loss: 0.2, model: 'Forest', team: 'vision' },
      { name: 'empty', start: 1 },
    ];
    for (const s of sweep) {
      const run = await api().run(experimentId, { run_name: s.name, start_time: s.start, user_id: 'ada' });
      ids[s.name] = run.info.run_id;
      if (s.acc === undefined) continue;
      await api().post('runs/log-batch', {
        run_id: run.info.run_id,
        metrics: [
          { key: 'accuracy', value: s.acc, timestamp: 1, step: 0 },
          { key: 'loss', value: s.loss, timestamp: 1, step: 0 },
        ],
        params: [{ key: 'model', value: s.model }],
        tags: [{ key: 'team', value: s.team }],
      });
    }
    await api().post('runs/update', { run_id: ids.forest, status: 'FINISHED', end_time: 10 });
    await api().post('runs/log-inputs', {
      run_id: ids['tree-a'],
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'iris', digest: 'd1', source_type: 'local', source: 'iris.csv' },
        },
      ],
    });
  });

  it('returns whole runs (info, data, inputs), newest first by default', async () => {
    const res = await api().post('runs/search', { experiment_ids: [experimentId] });
    assert.deepEqual(Object.keys(res.body), ['runs']);
    res.body.runs.forEach(assertRun);
    assert.deepEqual(
      res.body.runs.map((r: Json) => r.info.run_name),
      ['tree-a', 'tree-b', 'linear', 'forest', 'empty'],
    );
    assert.deepEqual(res.body.runs[0].inputs.dataset_inputs[0].dataset.name, 'iris');
  });

  it('filters on metrics, params, tags and attributes', async () => {
    assert.deepEqual(await names({ filter: 'metrics.accuracy > 0.9' }), ['tree-a', 'forest']);
    assert.deepEqual(await names({ filter: 'metrics.loss != 0.3' }), ['tree-b', 'linear', 'forest']);
    assert.deepEqual(await names({ filter: "params.model = 'tree'" }), ['tree-b']);
    assert.deepEqual(await names({ filter: "params.model LIKE 'T%'" }), ['tree-a']);
    assert.deepEqual(await names({ filter: "params.model ILIKE 't%'" }), ['tree-a', 'tree-b']);
    assert.deepEqual(await names({ filter: "tags.team = 'vision' and metrics.accuracy < 0.9" }), ['linear']);
    assert.deepEqual(await names({ filter: "attributes.status = 'FINISHED'" }), ['forest']);
    assert.deepEqual(await names({ filter: "run_name LIKE 'tree-%'" }), ['tree-a', 'tree-b']);
    assert.deepEqual(await names({ filter: "attributes.`run name` = 'linear'" }), ['linear']);
    assert.deepEqual(await names({ filter: 'start_time >= 4' }), ['tree-a', 'tree-b']);
    assert.deepEqual(await names({ filter: 'end_time > 0' }), ['forest']);
    assert.deepEqual(await names({ filter: "user_id = 'ada' and created < 2" }), ['empty']);
    assert.deepEqual(await names({ filter: `run_id IN ('${ids.linear}', '${ids.empty}')` }), ['linear', 'empty']);
    assert.deepEqual(await names({ filter: "datasets.name = 'iris' and datasets.context = 'training'" }), ['tree-a']);
    assert.deepEqual(await names({ filter: "tags.mlflow.runName = 'forest'" }), ['forest']);
  });

  it('orders by metrics (numbers, then NaN, then missing), params and attributes, ties by start_time DESC', async () => {
    assert.deepEqual(await names({ order_by: ['metrics.loss ASC'] }), [
      'forest',
      'tree-a',
      'tree-b',
      'linear',
      'empty',
    ]);
    assert.deepEqual(await names({ order_by: ['metrics.loss DESC'] }), [
      'tree-b',
      'tree-a',
      'forest',
      'linear',
      'empty',
    ]);
    assert.deepEqual(await names({ order_by: ['params.model'] }), ['forest', 'linear', 'tree-a', 'tree-b', 'empty']);
    assert.deepEqual(await names({ order_by: ['tags.team DESC', 'metrics.accuracy'] }), [
      'linear',
      'tree-a',
      'forest',
      'tree-b',
      'empty',
    ]);
    assert.deepEqual(await names({ order_by: ['start_time ASC'] }), ['empty', 'forest', 'linear', 'tree-b', 'tree-a']);
  });

  it('pages with max_results and next_page_token, by POST and GET', async () => {
    const first = await api().post('runs/search', { experiment_ids: [experimentId], max_results: 2 });
    assert.deepEqual(Object.keys(first.body), ['runs', 'next_page_token']);
    const second = await api().get('runs/search', {
      experiment_ids: [experimentId, '0'],
      max_results: 2,
      page_token: first.body.next_page_token,
      filter: 'start_time < 100',
    });
    assert.deepEqual(
      second.body.runs.map((r: Json) => r.info.run_name),
      ['linear', 'forest'],
    );
    const last = await api().post('runs/search', {
      experiment_ids: [experimentId],
      max_results: 2,
      page_token: second.body.next_page_token,
    });
    assert.deepEqual(
      last.body.runs.map((r: Json) => r.info.run_name),
      ['empty'],
    );
    assert.equal(last.body.next_page_token, undefined);
  });

  it('sees deleted runs only when run_view_type asks', async () => {
    const experiment = await api().experiment(unique('views'));
    const kept = await api().run(experiment, { run_name: 'kept' });
    const gone = await api().run(experiment, { run_name: 'gone' });
    await api().post('runs/delete', { run_id: gone.info.run_id });
    const view = async (run_view_type?: unknown) =>
      ((await api().post('runs/search', { experiment_ids: [experiment], run_view_type })).body.runs ?? []).map(
        (r: Json) => r.info.run_id,
      );
    assert.deepEqual(await view(), [kept.info.run_id]);
    assert.deepEqual(await view('DELETED_ONLY'), [gone.info.run_id]);
    assert.deepEqual((await view('ALL')).length, 2);
    assert.deepEqual(await view(3), await view('ALL'));
  });

  it('answers an empty search with {}', async () => {
    assert.deepEqual(await api().post('runs/search', { experiment_ids: [] }), { status: 200, body: {} });
    assert.deepEqual(
      await api().post('runs/search', { experiment_ids: [experimentId], filter: 'metrics.nothing > 1' }),
      {
        status: 200,
        body: {},
      },
    );
  });

  it('refuses bad filters, order_by, tokens and max_results', async () => {
    const refused = async (body: Record<string, unknown>, pattern: RegExp) =>
      assertError(
        await api().post('runs/search', { experiment_ids: [experimentId], ...body }),
        400,
        'INVALID_PARAMETER_VALUE',
        pattern,
      );
    await refused({ filter: "metrics.accuracy > 0.9 OR params.model = 'x'" }, /Invalid clause/);
    await refused({ filter: "metrics.accuracy = 'high'" }, /Expected numeric value type for metric/);
    await refused({ filter: "nonsense.x = 'y'" }, /Invalid entity type 'nonsense'/);
    await refused({ order_by: ['metrics.loss SIDEWAYS'] }, /Invalid ordering key/);
    await refused({ order_by: ['metrics.loss', 'metrics.loss DESC'] }, /duplicate fields/);
    await refused({ page_token: 'eyJub3QiOiAidGhlIG9mZnNldCJ9' }, /Invalid page token/);
    await refused({ max_results: 50_001 }, /at most 50000/);
    await refused({ max_results: 0 }, /positive integer/);
    await refused({ max_results: 'many' }, /max_results/);
    await refused({ experiment_ids: 'not-a-list-of-strings', filter: 1 }, /filter/);
  });
});
