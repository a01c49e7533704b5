import assert from 'node:assert/strict';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PredictionLogRepository } from '../../store/monitors.js';
import { type MonitorFixture, monitorFixture } from './test-support/monitor-fixture.js';

const TRAIN = new URL('../../../examples/train-pipeline.ts', import.meta.url).pathname;

describe('monitors: operational alerts', () => {
  let f: MonitorFixture;
  before(async () => {
    f = await monitorFixture();
    await f.addVersion('sea', 'summer');
    await f.triggers.add({ name: 'retrain', kind: 'api', pipeline: TRAIN });
  });
  after(() => f.close());

  const actions = (url: string) => [
    { kind: 'trigger', trigger: 'retrain', param: 'data', dataset: 'sea' },
    { kind: 'webhook', url },
  ];

  it('alerts once per read-failure episode, fires no trigger, calls the webhook, and ends at the next good read', async () => {
    const file = join(f.home, 'current.csv');
    await f.monitors.add('blind', {
      reference: 'sea@1',
      source: { file },
      columns: ['temp_max', 'temp_min'],
      cooldownMinutes: 0,
      actions: actions('http://127.0.0.1:9/hook'),
    });
    const first = await f.monitors.evaluate('blind');
    assert.equal(first.report, null);
    assert.match(first.error ?? '', /cannot read its source file .*current\.csv: no such file/);
    assert.equal(first.alert?.kind, 'operational');
    assert.match(first.alert?.message ?? '', /^monitor blind: cannot read its source file/);
    assert.deepEqual(first.alert?.report, { error: first.error });
    assert.deepEqual(first.alert?.actions, {
      actions: [
        { kind: 'trigger', trigger: 'retrain', skipped: 'operational alerts fire no triggers' },
        { kind: 'webhook', url: 'http://127.0.0.1:9/hook', status: 204 },
      ],
    });
    for (let i = 0; i < 2; i++) {
      f.advance(1);
      const again = await f.monitors.evaluate('blind');
      assert.ok(again.error);
      assert.equal(again.alert, null, 'the same failure episode alerts once');
    }
    assert.equal(f.started.length, 0, 'no pipeline run for a read failure');
    assert.equal(f.webhooks.length, 1);
    assert.equal((f.webhooks[0] as { alert: { kind: string } }).alert.kind, 'operational');

    // The file appears (winter days against a summer reference): a drift alert, with its trigger, ends the episode.
    await rename(await f.seasonFile('winter'), file);
    f.advance(1);
    const drifted = await f.monitors.evaluate('blind');
    assert.equal(drifted.error, null);
    assert.equal(drifted.alert?.kind, 'data_drift');
    assert.equal(f.started.length, 1);
    assert.equal(f.started[0]?.params.data, 'sea@1');

    // It disappears again: a new failure episode, a second operational alert; the drift episode is left alone.
    await rm(file);
    f.advance(1);
    const lost = await f.monitors.evaluate('blind');
    assert.equal(lost.alert?.kind, 'operational');
    await rename(await f.seasonFile('winter'), file);
    f.advance(1);
    const back = await f.monitors.evaluate('blind');
    assert.deepEqual([back.report?.dataset_drift, back.alert], [true, null], 'still the drift episode alerted before');
    const monitor = await f.store.monitors.get('blind');
    const kinds = (await f.store.monitors.alerts({ monitorId: monitor!.id })).map((a) => a.kind);
    assert.deepEqual(kinds, ['operational', 'data_drift', 'operational']);
    assert.equal(f.started.length, 1, 'read failures started nothing');
  });

  it('names the endpoint without a deployment, or a champion registered without a run', async () => {
    await f.monitors.add('ghost', {
      reference: { champion: 'ghost-api' },
      source: { deployment: 'ghost-api' },
      actions: actions('http://127.0.0.1:9/hook'),
    });
    const ghost = await f.monitors.evaluate('ghost');
    assert.match(ghost.error ?? '', /champion of ghost-api: no deployment serves endpoint "ghost-api"/);
    assert.equal(ghost.alert?.kind, 'operational');

    await f.registry.createModel('untracked', '', []);
    await f.registry.createVersion({
      name: 'untracked',
      source: 'mlflow-artifacts:/models/untracked/1',
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
    await f.deployments.deploy('untracked-api', 'untracked/1');
    await f.monitors.add('untracked', {
      reference: { champion: 'untracked-api' },
      source: { deployment: 'untracked-api' },
    });
    const untracked = await f.monitors.evaluate('untracked');
    assert.match(untracked.error ?? '', /\(models:\/untracked\/1\) was registered without a run/);
  });
});

describe('monitors: a prediction log that cannot be read', () => {
  let f: MonitorFixture;
  let failing = true;
  before(async () => {
    f = await monitorFixture({
      store: (store) =>
        new Proxy(store, {
          get(target, key, receiver) {
            if (key !== 'predictions') return Reflect.get(target, key, receiver);
            const log: PredictionLogRepository = target.predictions;
            return {
              append: (records) => log.append(records),
              attachLabels: (deployment, labels) => log.attachLabels(deployment, labels),
              labelledCounts: (deployment, sinceMs) => log.labelledCounts(deployment, sinceMs),
              window: async (deployment, options) => {
                if (failing) throw new Error('database disk image is malformed');
                return log.window(deployment, options);
              },
            } satisfies PredictionLogRepository;
          },
        }) as MetadataStore,
    });
  });
  after(() => f.close());

  it('raises an operational alert, and tick goes on with the other monitors', async () => {
    await f.addVersion('sea', 'summer');
    await f.logPredictions('rain-api', 'summer');
    await f.monitors.add('a-broken-log', { reference: 'sea@1', source: { deployment: 'rain-api' }, everySeconds: 1 });
    await f.monitors.add('b-dataset', {
      reference: 'sea@1',
      source: { dataset: 'sea' },
      columns: ['temp_max'],
      everySeconds: 1,
    });
    const ticked = await f.monitors.tick();
    assert.deepEqual(
      ticked.evaluations.map((e) => [e.monitor, e.alert?.kind ?? null, e.report?.dataset_drift ?? null]),
      [
        ['a-broken-log', 'operational', null],
        ['b-dataset', null, false],
      ],
    );
    assert.deepEqual(ticked.errors, [
      {
        monitor: 'a-broken-log',
        error: 'cannot read the prediction log of deployment rain-api: database disk image is malformed',
      },
    ]);
    f.advance(1);
    assert.equal((await f.monitors.tick()).evaluations[0]?.alert, null, 'one alert for the episode');
    failing = false;
    f.advance(1);
    const recovered = (await f.monitors.tick()).evaluations[0]!;
    assert.deepEqual([recovered.error, recovered.report?.dataset_drift, recovered.alert], [null, false, null]);
    const state = (await f.store.monitors.get('a-broken-log'))!.state as { failure: unknown };
    assert.equal(state.failure, null, 'the failure episode ended');
  });
});
