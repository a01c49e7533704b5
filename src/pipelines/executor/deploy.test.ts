import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PipelineTaskRecord } from '../../store/pipelines.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import type { PipelineSpec } from '../spec/types.js';
import { PipelineExecutor } from './executor.js';
import { RunTracking } from './run-tracking.js';
import type { StepRegistration } from './step-protocol.js';

// A step asks for its registered model to be deployed (registerModel(..., { deploy })); the orchestrator deploys
// it after registering, once, and records `osprey.deployed.<endpoint>` on the step run. Real SQLite store, real
// step processes (examples/executor/deploy-steps.ts).
const stepsDir = fileURLToPath(new URL('../../../examples/executor/', import.meta.url));

let home: string;
let store: MetadataStore;
let artifacts: ArtifactStore;
let executor: PipelineExecutor;
let spec: PipelineSpec;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-executor-deploy-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
  spec = await compileFile(join(stepsDir, 'deploy-steps.ts'), { exportName: 'publishAndDeploy' });
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function publish(model: string, content: string, deploy: unknown) {
  const run = await executor.run(spec, { model, content, deploy }, stepsDir);
  const task = (await store.pipelines.listTasks(run.id)).find((t) => t.path === 'publish');
  assert.ok(task);
  return { run, task };
}
const tagsOf = async (runId: string) =>
  Object.fromEntries(((await store.tracking.getRun(runId))?.tags ?? []).map((t) => [t.key, t.value]));

/** What a retried step hands the orchestrator again: the same registration, for the same step run. */
function registerAgain(task: PipelineTaskRecord, model: string, deploy: StepRegistration['deploy']) {
  const registration: StepRegistration = {
    model,
    from: { output: 'release' },
    alias: null,
    description: '',
    tags: {},
    ...(deploy ? { deploy } : {}),
  };
  return new RunTracking(store, artifacts).register(task.id, [registration], {}, task.outputs ?? {});
}

describe('deploying from a pipeline step', () => {
  it('deploys the first version as the champion, a later one as the challenger, each once', async () => {
    const first = await publish('rain', 'model one', { endpoint: 'rain-api' });
    assert.equal(first.run.status, 'succeeded', first.run.error ?? '');
    let deployment = await store.deployments.get('rain-api');
    assert.deepEqual(
      [deployment?.modelName, deployment?.championVersion, deployment?.challengerVersion, deployment?.phase],
      ['rain', '1', null, 'stable'],
    );
    assert.equal((await store.registry.getVersionByAlias('rain', 'champion'))?.version, 1);
    assert.equal((await tagsOf(first.task.id))['osprey.deployed.rain-api'], '1 stable');

    const deploy = { endpoint: 'rain-api', strategy: 'shadow-then-canary', analysis: { minRequests: 50 } };
    const second = await publish('rain', 'model two', deploy);
    assert.equal(second.run.status, 'succeeded', second.run.error ?? '');
    deployment = await store.deployments.get('rain-api');
    assert.deepEqual(
      [deployment?.championVersion, deployment?.challengerVersion, deployment?.phase, deployment?.strategy],
      ['1', '2', 'shadow', 'shadow-then-canary'],
    );
    assert.deepEqual(deployment?.config.analysis, { minRequests: 50 });
    assert.equal((await store.registry.getVersionByAlias('rain', 'champion'))?.version, 1, 'the champion stays');
    assert.equal((await tagsOf(second.task.id))['osprey.deployed.rain-api'], '2 shadow');
    const decisions = async () => (await store.deployments.decisions(deployment!.id)).map((d) => d.decision);
    assert.deepEqual(await decisions(), ['deploy', 'start_shadow']);

    // Retried after the orchestrator died: with the tag recorded, and between deploying and recording the tag.
    assert.deepEqual(await registerAgain(second.task, 'rain', deploy), [{ model: 'rain', version: '2' }]);
    await store.tracking.deleteTag(second.task.id, 'osprey.deployed.rain-api');
    assert.deepEqual(await registerAgain(second.task, 'rain', deploy), [{ model: 'rain', version: '2' }]);
    assert.equal((await tagsOf(second.task.id))['osprey.deployed.rain-api'], '2 shadow');
    await store.tracking.deleteTag(first.task.id, 'osprey.deployed.rain-api');
    await registerAgain(first.task, 'rain', { endpoint: 'rain-api' });
    assert.equal((await tagsOf(first.task.id))['osprey.deployed.rain-api'], '1 stable');
    assert.equal((await store.deployments.get('rain-api'))?.revision, deployment?.revision, 'nothing moved');
    assert.deepEqual(await decisions(), ['deploy', 'start_shadow'], 'nothing deployed twice');
    const versions = await new ModelRegistry(store.registry).searchVersions({
      filter: "name = 'rain'",
      maxResults: 10,
    });
    assert.equal(versions.items.length, 2, 'nothing registered twice');
  });

  it('a bad deploy request fails the step before anything is registered, naming the option', async () => {
    const cases: [unknown, RegExp][] = [
      [{ endpoint: 'no way' }, /registerModel hail: deploy\.endpoint: invalid endpoint name "no way"/],
      [{ endpoint: 'hail', strategy: 'blue-green' }, /deploy\.strategy: "blue-green" is not one of direct, shadow,/],
      [{ endpoint: 'hail', analysis: { minAgreement: 3 } }, /deploy\.analysis\.minAgreement: expected a share/],
      [{ endpoint: 'hail', when: 'now' }, /deploy\.when: no such option/],
    ];
    for (const [deploy, message] of cases) {
      const { run, task } = await publish('hail', 'model', deploy);
      assert.equal(run.status, 'failed');
      const attempts = await store.pipelines.listAttempts(task.id);
      assert.match(await readFile(attempts.at(-1)!.logPath, 'utf8'), message);
    }
    const versions = await new ModelRegistry(store.registry).searchVersions({
      filter: "name = 'hail'",
      maxResults: 10,
    });
    assert.deepEqual(versions.items, []);
    assert.equal(await store.deployments.get('hail'), undefined);
  });
});
