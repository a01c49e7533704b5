import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../api/test-support/server.js';
import { isOspreyError } from '../core/errors.js';
import { MlflowClient } from './mlflow-client.js';
import { RunLogger } from './run-logger.js';
import { httpTransport } from './transport.js';

let server: TestServer;
let client: MlflowClient;
before(async () => {
  server = await startTestServer('sqlite');
  client = new MlflowClient(httpTransport(server.url));
});
after(() => server.close());

describe('MlflowClient', () => {
  it('round-trips experiments, runs, params, tags and metric history', async () => {
    const experimentId = await client.createExperiment('client-test');
    assert.equal((await client.getExperimentByName('client-test')).experiment_id, experimentId);
    const run = await client.createRun(experimentId, { runName: 'r1' });
    await client.logParam(run.info.run_id, 'lr', '0.1');
    await client.setTag(run.info.run_id, 'team', 'risk');
    for (let step = 0; step < 5; step++)
      await client.logMetric(run.info.run_id, { key: 'loss', value: 1 / (step + 1), timestamp: 1000 + step, step });
    const history = [];
    for await (const m of client.metricHistory(run.info.run_id, 'loss', 2)) history.push(m.step);
    assert.deepEqual(history, [0, 1, 2, 3, 4]);
    const found = await client.searchRuns([experimentId], { filter: "params.lr = '0.1' and tags.team = 'risk'" });
    assert.deepEqual(
      found.items.map((r) => r.info.run_id),
      [run.info.run_id],
    );
  });

  it('turns MLflow errors into OspreyErrors with the matching code', async () => {
    await assert.rejects(client.getRun('0'.repeat(32)), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
    await client.createExperiment('dup');
    await assert.rejects(client.createExperiment('dup'), (e: unknown) => isOspreyError(e, 'ALREADY_EXISTS'));
    const unreachable = new MlflowClient(httpTransport('http://127.0.0.1:1'));
    await assert.rejects(unreachable.getExperiment('0'), (e: unknown) => isOspreyError(e, 'UNAVAILABLE'));
  });
});

describe('RunLogger', () => {
  it('batches thousands of points into log-batch calls within MLflow limits, in order, and flushes on close', async () => {
    const experimentId = await client.createExperiment('logger-test');
    const run = await client.createRun(experimentId);
    let batches = 0;
    const counting = new MlflowClient({
      request: (method, path, options) => {
        if (path.endsWith('runs/log-batch')) batches++;
        return httpTransport(server.url).request(method, path, options);
      },
    });
    const logger = new RunLogger(counting, run.info.run_id, { flushIntervalMs: 60_000 });
    for (let step = 0; step < 2500; step++) void logger.logMetric('acc', step / 2500, step, 5000);
    for (let i = 0; i < 150; i++) void logger.logParam(`p${i}`, String(i));
    await logger.close();
    assert.ok(batches >= 3 && batches <= 5, `${batches} batches`);
    const steps = [];
    for await (const m of client.metricHistory(run.info.run_id, 'acc')) steps.push(m.step);
    assert.equal(steps.length, 2500);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
    const saved = await client.getRun(run.info.run_id);
    assert.equal(saved.data?.params?.length, 150);
  });

  it('reports a failed batch on the next flush instead of losing it silently', async () => {
    const logger = new RunLogger(client, 'f'.repeat(32), { flushIntervalMs: 60_000 });
    void logger.logMetric('x', 1);
    await assert.rejects(logger.flush(), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
  });
});

describe('MlflowClient registry methods', () => {
  it('manage models, versions, tags, stages and aliases', async () => {
    await client.createRegisteredModel('m1', { description: 'first' });
    await client.setRegisteredModelTag('m1', 'team', 'risk');
    await client.renameRegisteredModel('m1', 'm2');
    const updated = await client.updateRegisteredModel('m2', 'renamed');
    assert.equal(updated.description, 'renamed');
    const v1 = await client.createModelVersion('m2', 'mlflow-artifacts:/0/abc/artifacts/model');
    const v2 = await client.createModelVersion('m2', 'mlflow-artifacts:/0/def/artifacts/model');
    await client.setModelVersionTag('m2', v1.version, 'checked', 'yes');
    await client.transitionModelVersionStage('m2', v2.version, 'Production');
    assert.deepEqual(
      (await client.getLatestVersions('m2', ['Production'])).map((v) => v.version),
      [v2.version],
    );
    await client.setModelAlias('m2', 'champion', v1.version);
    assert.equal((await client.getModelVersionByAlias('m2', 'champion')).version, v1.version);
    assert.equal((await client.updateModelVersion('m2', v1.version, 'best')).description, 'best');
    await client.deleteModelVersionTag('m2', v1.version, 'checked');
    assert.deepEqual((await client.getModelVersion('m2', v1.version)).tags ?? [], []);
    await client.deleteModelVersion('m2', v2.version);
    await client.deleteRegisteredModelTag('m2', 'team');
    const model = await client.getRegisteredModel('m2');
    assert.deepEqual(model.tags ?? [], []);
    await client.deleteRegisteredModel('m2');
    await assert.rejects(client.getRegisteredModel('m2'), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
  });
});
