import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import type { JsonValue } from '../../store/metadata-store.js';
import type { MonitorFixture } from './test-support/monitor-fixture.js';
import { monitorFixture } from './test-support/monitor-fixture.js';

const TRAIN = new URL('../../../examples/train-pipeline.ts', import.meta.url).pathname;

let requests = 0;
/**
 * Logs `total` predictions of `sun` by `modelVersion`, then attaches labels to the first `labelled` of them: the
 * first `correct` labelled `sun`, the rest `rain`. Winter-like features (for the drift side).
 */
async function serve(
  f: MonitorFixture,
  deployment: string,
  counts: { total: number; labelled?: number; correct: number; modelVersion?: string },
) {
  const records = Array.from({ length: counts.total }, (_, i) => ({
    deployment,
    requestId: `p${++requests}`,
    modelName: 'rain',
    modelVersion: counts.modelVersion ?? '1',
    at: Date.UTC(2025, 6, 1) + requests * 1000,
    features: { temp_max: 4 + (i % 5), temp_min: -3 + (i % 4) },
    prediction: 'sun',
    scores: null,
  }));
  await f.store.predictions.append(records);
  const labels = records
    .slice(0, counts.labelled ?? counts.total)
    .map((r, i) => ({ requestId: r.requestId, label: (i < counts.correct ? 'sun' : 'rain') as JsonValue }));
  return { records, labels };
}

describe('monitors: performance alerts', () => {
  let f: MonitorFixture;
  before(async () => {
    f = await monitorFixture();
    const summer = await f.addVersion('sea', 'summer');
    await f.registerTrained('rain', [{ name: 'sea', digest: summer.digest, context: 'data' }]);
    await f.deployments.deploy('rain-api', 'rain/1');
    await f.triggers.add({ name: 'retrain', kind: 'api', pipeline: TRAIN });
  });
  after(() => f.close());

  it('raises one alert per performance episode on the labelled predictions of the champion, and retrains', async () => {
    await f.monitors.add('rain-quality', {
      source: { deployment: 'rain-api' },
      drift: false,
      window: { rows: 100 },
      performance: { metric: 'accuracy', min: 0.85, minLabelled: 50 },
      cooldownMinutes: 0,
      actions: [
        { kind: 'trigger', trigger: 'retrain', param: 'data', dataset: 'sea', championParam: 'champion' },
        { kind: 'webhook', url: 'http://127.0.0.1:9/hook' },
      ],
    });
    // 100 predictions, 70 of them right; only 30 labels have arrived: no verdict yet.
    const first = await serve(f, 'rain-api', { total: 100, correct: 70 });
    await f.store.predictions.attachLabels('rain-api', first.labels.slice(70));
    const early = await f.monitors.evaluate('rain-quality');
    assert.deepEqual([early.performance?.breached, early.performance?.labelled, early.alert], [null, 30, null]);
    assert.match(early.performance?.note ?? '', /30 labelled predictions .*fewer than minLabelled 50: no verdict/);
    assert.equal(early.report, null, 'drift is off');
    const noted = (await f.store.monitors.get('rain-quality'))!.state as { last: { performance: { note: string } } };
    assert.match(noted.last.performance.note, /fewer than minLabelled 50/);

    // The other labels arrive: accuracy 0.7 on 100 labelled predictions.
    await f.store.predictions.attachLabels('rain-api', first.labels.slice(0, 70));
    f.advance(1);
    const breached = await f.monitors.evaluate('rain-quality');
    assert.equal(breached.performance?.breached, true);
    assert.equal(breached.alert?.kind, 'performance');
    assert.equal(breached.alert?.message, 'accuracy 0.7 < 0.85 on 100 labelled predictions');
    const report = breached.alert?.report as { value: number; labelled: number; metrics: { accuracy: number } };
    assert.deepEqual([report.value, report.labelled, report.metrics.accuracy], [0.7, 100, 0.7]);
    assert.equal(f.started.length, 1, 'one triggered run');
    assert.deepEqual(
      { data: f.started[0]?.params.data, champion: f.started[0]?.params.champion },
      { data: 'sea@1', champion: 'models:/rain/1' },
    );
    assert.equal((f.webhooks.at(-1) as { alert: { kind: string } }).alert.kind, 'performance');

    f.advance(1);
    const again = await f.monitors.evaluate('rain-quality');
    assert.deepEqual([again.performance?.breached, again.alert], [true, null], 'the same episode alerts once');
    assert.equal(f.started.length, 1);

    // Recovered: 100 right answers of the champion, then 40 wrong ones of a canary (version 2), which do not count.
    const good = await serve(f, 'rain-api', { total: 100, correct: 100 });
    await f.store.predictions.attachLabels('rain-api', good.labels);
    const canary = await serve(f, 'rain-api', { total: 40, correct: 0, modelVersion: '2' });
    await f.store.predictions.attachLabels('rain-api', canary.labels);
    f.advance(1);
    const recovered = await f.monitors.evaluate('rain-quality');
    assert.deepEqual(
      [recovered.performance?.value, recovered.performance?.predictions, recovered.performance?.breached],
      [1, 60, false],
      "the champion's 60 predictions of the window of 100",
    );
    assert.equal(recovered.alert, null);
    const state = (await f.store.monitors.get('rain-quality'))!.state as { performanceEpisode: unknown };
    assert.equal(state.performanceEpisode, null, 'the episode ended');

    // A second breach is a second episode: a second alert and a second run.
    const worse = await serve(f, 'rain-api', { total: 100, correct: 60 });
    await f.store.predictions.attachLabels('rain-api', worse.labels);
    f.advance(1);
    const second = await f.monitors.evaluate('rain-quality');
    assert.equal(second.alert?.message, 'accuracy 0.6 < 0.85 on 100 labelled predictions');
    assert.equal(f.started.length, 2);
    const monitor = await f.store.monitors.get('rain-quality');
    const alerts = await f.store.monitors.alerts({ monitorId: monitor!.id });
    assert.deepEqual(
      alerts.map((a) => a.kind),
      ['performance', 'performance'],
    );
  });

  it('shares the cooldown with drift alerts: one retraining at a time', async () => {
    await f.monitors.add('rain-both', {
      reference: { champion: 'rain-api-2' },
      source: { deployment: 'rain-api-2' },
      columns: ['temp_max', 'temp_min'],
      window: { rows: 100 },
      performance: { metric: 'accuracy', min: 0.9, minLabelled: 100 },
      cooldownMinutes: 60,
      actions: [{ kind: 'trigger', trigger: 'retrain', param: 'data', dataset: 'sea' }],
    });
    await f.deployments.deploy('rain-api-2', 'rain/1');
    const started = f.started.length;
    // Winter-like traffic against the summer the champion learnt from, and half the answers wrong.
    const traffic = await serve(f, 'rain-api-2', { total: 100, correct: 50 });
    await f.store.predictions.attachLabels('rain-api-2', traffic.labels);
    f.advance(1);
    const both = await f.monitors.evaluate('rain-both');
    assert.equal(both.report?.dataset_drift, true);
    assert.equal(both.performance?.breached, true);
    assert.deepEqual(
      both.alerts.map((a) => a.kind),
      ['data_drift'],
      'the performance episode waits for the cooldown',
    );
    assert.equal(f.started.length, started + 1);
    f.advance(30);
    assert.deepEqual((await f.monitors.evaluate('rain-both')).alerts, [], 'still cooling');
    f.advance(31);
    const later = await f.monitors.evaluate('rain-both');
    assert.deepEqual(
      later.alerts.map((a) => [a.kind, a.message]),
      [['performance', 'accuracy 0.5 < 0.9 on 100 labelled predictions']],
      'the drift episode alerted before; the performance episode alerts once the cooldown is over',
    );
    assert.equal(f.started.length, started + 2);
  });

  it('refuses a performance bound it cannot check, naming the key', async () => {
    const base = { source: { deployment: 'rain-api' }, drift: false };
    const refused = async (config: object, pattern: RegExp) => {
      const error = await f.monitors.add('bad', config).then(
        () => assert.fail('accepted'),
        (e: unknown) => e,
      );
      assert.ok(isOspreyError(error, 'INVALID_ARGUMENT'), String(error));
      assert.match(error.message, pattern);
    };
    await refused({ ...base, performance: { metric: 'auc', min: 0.8 } }, /performance\.metric: /);
    await refused({ ...base, performance: { metric: 'accuracy' } }, /performance\.min: required/);
    await refused(
      { ...base, performance: { metric: 'accuracy', min: 85 } },
      /performance\.min: accuracy lies in \[0, 1\]/,
    );
    await refused(
      { ...base, performance: { metric: 'accuracy', max: 0.9 } },
      /performance\.max: accuracy is higher-is-better/,
    );
    await refused({ ...base, performance: { metric: 'log_loss', min: 0.2 } }, /performance\.min: log_loss is a loss/);
    await refused(
      { ...base, performance: { metric: 'roc_auc', min: 0.7 } },
      /performance\.classes: roc_auc needs "classes"/,
    );
    await refused({ ...base, performance: { metric: 'mae', max: 2, minLabelled: 0 } }, /performance\.minLabelled: /);
    await refused(
      { reference: 'sea@1', source: { dataset: 'sea' }, performance: { metric: 'accuracy', min: 0.8 } },
      /performance: needs a deployment source/,
    );
    await refused(base, /drift: false needs a "performance" block/);
    await refused(
      { ...base, reference: 'sea@1', performance: { metric: 'accuracy', min: 0.8 } },
      /reference: is compared only for drift/,
    );
    await refused({ source: { deployment: 'rain-api' } }, /reference: required/);
  });
});
