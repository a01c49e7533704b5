import * as assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { HISTORY_CHUNK } from '../../../tracking/metric-history.js';
import { assertError, assertMetric, eachBackend, type Json, unique } from './test-support/mlflow-api.js';

eachBackend('MLflow metric history API', (api) => {
  const POINTS = HISTORY_CHUNK * 2 + 500;
  let longRun = '';

  before(async () => {
    longRun = (await api().run(await api().experiment(unique('history')))).info.run_id;
    // Straight into the store: the HTTP path is what is under test here, not 25 log-batch calls.
    for (let start = 0; start < POINTS; start += 5000) {
      const metrics = Array.from({ length: Math.min(5000, POINTS - start) }, (_, i) => ({
        key: 'loss',
        value: (start + i) / 2,
        timestamp: 1_000 + start + i,
        step: start + i,
      }));
      await api().server.store.tracking.logBatch(longRun, { metrics, params: [], tags: [] });
    }
  });

  it('returns a history as MLflow Metric messages, in (step, timestamp, value) order', async () => {
    const runId = (await api().run(await api().experiment(unique('short')))).info.run_id;
    await api().post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'm', value: 3, timestamp: 5, step: 1 },
        { key: 'm', value: 'NaN', timestamp: 5, step: 0 },
        { key: 'm', value: 1, timestamp: 5, step: 0 },
        { key: 'm', value: 1, timestamp: 5, step: 0 },
        { key: 'other', value: 9, timestamp: 5, step: 0 },
      ],
    });
    const res = await api().get('metrics/get-history', { run_id: runId, metric_key: 'm' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['metrics']);
    for (const m of res.body.metrics) assertMetric(m);
    assert.deepEqual(res.body.metrics, [
      { key: 'm', value: 1, timestamp: 5, step: 0 },
      { key: 'm', value: 'NaN', timestamp: 5, step: 0 },
      { key: 'm', value: 3, timestamp: 5, step: 1 },
    ]);
    assert.deepEqual(await api().get('metrics/get-history', { run_uuid: runId, metric_key: 'absent' }), {
      status: 200,
      body: {},
    });
  });

  it('streams a history longer than one read chunk, whole and in order', async () => {
    const res = await api().get('metrics/get-history', { run_id: longRun, metric_key: 'loss' });
    assert.equal(res.status, 200);
    assert.equal(res.body.metrics.length, POINTS);
    assert.equal(res.body.next_page_token, undefined);
    assert.ok(
      res.body.metrics.every((m: Json, i: number) => m.step === i && m.value === i / 2 && m.timestamp === 1000 + i),
    );
  });

  it('pages with max_results and next_page_token, across chunk boundaries', async () => {
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, unknown> = { run_id: longRun, metric_key: 'loss', max_results: HISTORY_CHUNK + 1234 };
      if (token) query.page_token = token;
      const res = await api().get('metrics/get-history', query);
      assert.equal(res.status, 200);
      for (const m of res.body.metrics) seen.push(m.step);
      token = res.body.next_page_token;
      pages++;
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(
      seen,
      Array.from({ length: POINTS }, (_, i) => i),
    );
  });

  it('refuses unknown runs, missing keys and bad tokens before streaming', async () => {
    assertError(
      await api().get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'loss' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /Run with id=f+ not found/,
    );
    assertError(
      await api().get('metrics/get-history', { run_id: longRun }),
      400,
      'INVALID_PARAMETER_VALUE',
      /metric_key/,
    );
    assertError(
      await api().get('metrics/get-history', { metric_key: 'loss' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /run_id/,
    );
    assertError(
      await api().get('metrics/get-history', { run_id: longRun, metric_key: 'loss', page_token: 'abc' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /page token/,
    );
    assertError(
      await api().get('metrics/get-history', { run_id: longRun, metric_key: 'loss', max_results: 0 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /max_results/,
    );
  });

  it('samples several runs for charts (get-history-bulk-interval)', async () => {
    const experimentId = await api().experiment(unique('bulk'));
    const a = (await api().run(experimentId)).info.run_id;
    const b = (await api().run(experimentId)).info.run_id;
    const points = (n: number, every: number) =>
      Array.from({ length: n }, (_, i) => ({ key: 'acc', value: i, timestamp: i, step: i * every }));
    await api().post('runs/log-batch', { run_id: a, metrics: points(100, 1) });
    await api().post('runs/log-batch', { run_id: b, metrics: points(3, 10) });

    const all = await api().get('metrics/get-history-bulk-interval', { run_ids: [a, b], metric_key: 'acc' });
    assert.equal(all.status, 200);
    for (const m of all.body.metrics) assertMetric(m, ['run_id']);
    assert.equal(all.body.metrics.filter((m: Json) => m.run_id === a).length, 100);
    assert.deepEqual(
      all.body.metrics.filter((m: Json) => m.run_id === b).map((m: Json) => m.step),
      [0, 10, 20],
    );

    const sampled = await api().get('metrics/get-history-bulk-interval', {
      run_ids: [a],
      metric_key: 'acc',
      start_step: 10,
      end_step: 59,
      max_results: 5,
    });
    assert.deepEqual(
      sampled.body.metrics.map((m: Json) => m.step),
      [10, 20, 30, 40, 50, 59],
    );
    assertError(
      await api().get('metrics/get-history-bulk-interval', { run_ids: [a], metric_key: 'acc', start_step: 5 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /both must be specified/,
    );
    assertError(
      await api().get('metrics/get-history-bulk-interval', { run_ids: [a], metric_key: 'acc', max_results: 2501 }),
      400,
      'INVALID_PARAMETER_VALUE',
      /between 1 and 2500/,
    );
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`);
    assertError(
      await api().get('metrics/get-history-bulk-interval', { run_ids: many, metric_key: 'acc' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 100 run_ids/,
    );
  });
});
