import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PIPELINE_TAGS } from '../../pipelines/executor/tracking-tags.js';
import { DATASET_CONTEXT_TAG } from '../../store/tracking.js';
import { type MonitorFixture, monitorFixture } from './test-support/monitor-fixture.js';

const TRAIN = new URL('../../../examples/train-pipeline.ts', import.meta.url).pathname;

describe('monitors: the champion as reference', () => {
  let f: MonitorFixture;
  before(async () => {
    f = await monitorFixture();
  });
  after(() => f.close());

  it("compares an endpoint's traffic with its champion's training data, re-resolved when the champion changes", async () => {
    const summer = await f.addVersion('sea', 'summer');
    const winterEval = await f.addVersion('sea-eval', 'winter');
    // Two linked inputs; the one whose context is `data` is the training data, though logged second.
    await f.registerTrained('rain', [
      { name: 'sea-eval', digest: winterEval.digest, context: 'eval' },
      { name: 'sea', digest: summer.digest, context: 'data' },
    ]);
    await f.deployments.deploy('rain-api', 'rain/1');
    await f.triggers.add({ name: 'retrain-rain', kind: 'api', pipeline: TRAIN });
    const summerDays = await f.logPredictions('rain-api', 'summer');
    await f.monitors.add('rain-watch', {
      reference: { champion: 'rain-api' },
      source: { deployment: 'rain-api' },
      window: { rows: summerDays },
      columns: ['temp_max', 'temp_min'],
      cooldownMinutes: 0,
      actions: [{ kind: 'trigger', trigger: 'retrain-rain', param: 'data', dataset: 'sea', championParam: 'champion' }],
    });

    const calm = await f.monitors.evaluate('rain-watch');
    assert.equal(calm.reference, 'sea@1', 'the input named data, not the first logged');
    assert.equal(calm.report?.dataset_drift, false, 'summer traffic against the summer the champion learnt from');
    assert.equal(calm.alert, null);
    const state = (await f.store.monitors.get('rain-watch'))!.state as { last: Record<string, unknown> };
    assert.deepEqual([state.last.reference, state.last.champion], ['sea@1', 'models:/rain/1']);

    // Winter arrives: in the traffic and, as a newer version, in the dataset the retraining should use.
    await f.logPredictions('rain-api', 'winter');
    await f.addVersion('sea', 'winter');
    f.advance(1);
    const drifted = await f.monitors.evaluate('rain-watch');
    assert.equal(drifted.reference, 'sea@1');
    assert.equal(drifted.report?.dataset_drift, true, 'winter traffic against a summer reference');
    assert.equal(drifted.alert?.kind, 'data_drift');
    assert.equal(f.started.length, 1);
    assert.deepEqual(
      { data: f.started[0]?.params.data, champion: f.started[0]?.params.champion },
      { data: 'sea@2', champion: 'models:/rain/1' },
      'the newest version of the dataset at alert time, and the champion that drifted',
    );

    // A champion trained on winter data: the same traffic is now in line with the reference, the episode ends.
    const winter = (await f.datasets.resolve('sea@2')).digest;
    await f.registerTrained('rain', [{ name: 'sea', digest: winter, context: 'training' }]);
    await f.deployments.deploy('rain-api', 'rain/2');
    f.advance(1);
    const retrained = await f.monitors.evaluate('rain-watch');
    assert.deepEqual([retrained.reference, retrained.report?.dataset_drift], ['sea@2', false]);
    const after = (await f.store.monitors.get('rain-watch'))!.state as { last: Record<string, unknown> };
    assert.equal(after.last.champion, 'models:/rain/2');
    assert.equal(f.started.length, 1, 'no second run');
  });

  it('refuses a champion parameter without an endpoint, and a dataset without the parameter it fills', async () => {
    await assert.rejects(
      f.monitors.add('no-endpoint', {
        reference: 'sea@1',
        source: { dataset: 'sea' },
        actions: [{ kind: 'trigger', trigger: 'retrain-rain', championParam: 'champion' }],
      }),
      /actions\.0\.championParam: needs an endpoint/,
    );
    await assert.rejects(
      f.monitors.add('no-param', {
        reference: { champion: 'rain-api' },
        source: { deployment: 'rain-api' },
        actions: [{ kind: 'trigger', trigger: 'retrain-rain', dataset: 'sea' }],
      }),
      /actions\.0\.dataset: .*give "param" too/,
    );
  });
});

describe('monitors: the champion registered by a pipeline step', () => {
  let f: MonitorFixture;
  before(async () => {
    f = await monitorFixture();
  });
  after(() => f.close());

  it("follows the step's run to its pipeline run's dataset parameter when the step trained on a derived dataset", async () => {
    const summer = await f.addVersion('weather', 'summer');
    // As the orchestrator records it: the pipeline run (its `data` parameter linked to weather@1) and the step
    // that registered the model, whose dataset input is an upstream step's output (no Osprey dataset version).
    const pipelineRun = await f.tracking.createRun({ tags: [] });
    const id = pipelineRun.info.runId;
    await f.tracking.setTag(id, { key: PIPELINE_TAGS.runId, value: id });
    await f.tracking.logInputs(id, [
      {
        dataset: {
          name: 'weather',
          digest: summer.digest,
          sourceType: 'osprey',
          source: 'weather@1',
          schema: null,
          profile: null,
        },
        tags: [{ key: DATASET_CONTEXT_TAG, value: 'data' }],
      },
    ]);
    const step = await f.tracking.createRun({
      tags: [
        { key: PIPELINE_TAGS.runId, value: id },
        { key: PIPELINE_TAGS.parent, value: id },
      ],
    });
    await f.tracking.logInputs(step.info.runId, [
      {
        dataset: {
          name: 'clean',
          digest: 'b'.repeat(64),
          sourceType: 'osprey',
          source: 'Dataset:sha256:bbbb',
          schema: null,
          profile: null,
        },
        tags: [{ key: DATASET_CONTEXT_TAG, value: 'data' }],
      },
    ]);
    await f.registry.createModel('wind', '', []);
    await f.registry.createVersion({
      name: 'wind',
      source: 'mlflow-artifacts:/models/wind/1',
      runId: step.info.runId,
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
    await f.deployments.deploy('wind-api', 'wind/1');
    await f.logPredictions('wind-api', 'summer');
    await f.monitors.add('wind-watch', {
      reference: { champion: 'wind-api' },
      source: { deployment: 'wind-api' },
      window: { rows: 100_000 },
      columns: ['temp_max', 'temp_min'],
    });
    const evaluation = await f.monitors.evaluate('wind-watch');
    assert.equal(evaluation.error, null);
    assert.deepEqual([evaluation.reference, evaluation.report?.dataset_drift], ['weather@1', false]);
  });
});
