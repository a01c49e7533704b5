import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import { WEATHER_FEATURES } from '../../ml/index.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PipelineTaskRecord } from '../../store/pipelines.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import type { GateReport } from '../components/index.js';
import { GATE_TAGS } from '../components/index.js';
import type { PipelineSpec } from '../spec/types.js';
import { PipelineExecutor } from './executor.js';
import { asArtifact } from './values.js';

// The continuous-training example (examples/weather-ct-pipeline.ts) run end to end by the real executor on the
// bundled Seattle weather data: the first run registers version 1 and deploys it as the endpoint's champion; the
// next run, given that champion, registers version 2 and starts a shadow-then-canary rollout of it.
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const pipelineFile = join(examples, 'weather-ct-pipeline.ts');

let home: string;
let store: MetadataStore;
let artifacts: ArtifactStore;
let executor: PipelineExecutor;
let registry: ModelRegistry;
let first: PipelineSpec;
let loop: PipelineSpec;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-weather-ct-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
  registry = new ModelRegistry(store.registry);
  first = await compileFile(pipelineFile, { exportName: 'weatherCtFirst' });
  loop = await compileFile(pipelineFile);
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function run(spec: PipelineSpec, params: Record<string, unknown>) {
  const done = await executor.run(spec, { data: bundledDataset(SEATTLE_WEATHER), ...params }, examples);
  const tasks: Record<string, PipelineTaskRecord> = Object.fromEntries(
    (await store.pipelines.listTasks(done.id)).map((t) => [t.path, t]),
  );
  assert.equal(done.status, 'succeeded', JSON.stringify(tasks, null, 1));
  const judged = tasks.gate ?? tasks['champion-gate'];
  const ref = asArtifact(judged?.outputs?.report as never);
  assert.ok(ref, 'the gate wrote its report');
  const report = JSON.parse(await readFile(await artifacts.materialize(ref.digest), 'utf8')) as GateReport;
  return { tasks, report };
}
const versionsOf = async (name: string) =>
  (await registry.searchVersions({ filter: `name = '${name}'`, maxResults: 100 })).items.sort(
    (a, b) => a.version - b.version,
  );
const tagsOf = (tags: { key: string; value: string }[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]));

describe('examples/weather-ct-pipeline.ts: train, gate, register and deploy in a loop', () => {
  it('the first model becomes the champion; the next, no worse, is tried by shadow then canary', async () => {
    const one = await run(first, {});
    assert.equal(one.report.passed, true, one.report.summary);
    assert.equal(one.report.champion.given, false);
    const accuracy = one.report.checks.find((c) => c.id === 'threshold:accuracy')?.candidate ?? 0;
    assert.ok(accuracy >= 0.85, `holdout accuracy ${accuracy}`);
    assert.equal(one.tasks['validate-data']?.outputs?.violations, 0);
    assert.ok(Number(one.tasks['split-by-time']?.outputs?.holdoutRows) > 250);
    const [v1, ...more] = await versionsOf('weather-wet');
    assert.ok(v1);
    assert.equal(more.length, 0);
    const tags = tagsOf(v1.tags);
    assert.equal(tags[GATE_TAGS.passed], 'true');
    assert.equal(tags['osprey.feature_names'], JSON.stringify(WEATHER_FEATURES));
    assert.equal(Number(tags['metric.accuracy']), accuracy);
    assert.ok(Number(tags['metric.log_loss']) > 0);
    const model = asArtifact(one.tasks['train-onnx']!.outputs!.model as never)!;
    assert.equal(tags['osprey.artifact.digest'], model.digest, 'the registered bytes are the trained model');
    assert.equal(model.kind, 'directory');
    let deployment = await store.deployments.get('weather');
    assert.deepEqual(
      [deployment?.modelName, deployment?.championVersion, deployment?.challengerVersion, deployment?.phase],
      ['weather-wet', '1', null, 'stable'],
    );
    assert.equal((await store.registry.getVersionByAlias('weather-wet', 'champion'))?.version, 1);
    const registered = await store.tracking.getRun(one.tasks.register!.id);
    assert.equal(tagsOf(registered?.tags ?? [])['osprey.deployed.weather'], '1 stable');

    const two = await run(loop, { champion: 'models:/weather-wet@champion' });
    assert.equal(two.tasks.gate, undefined, 'the loop has no first-model gate');
    assert.equal(two.report.passed, true, two.report.summary);
    assert.equal(two.report.champion.given, true);
    assert.equal(two.report.champion.holdout, two.report.candidate.holdout, 'both judged on one holdout');
    assert.deepEqual(
      two.report.checks.map((c) => [c.id, c.status]),
      [
        ['threshold:accuracy', 'passed'],
        ['champion:accuracy', 'passed'],
        ['champion:log_loss', 'passed'],
      ],
    );
    assert.deepEqual(
      (await versionsOf('weather-wet')).map((v) => v.version),
      [1, 2],
    );
    deployment = await store.deployments.get('weather');
    assert.deepEqual(
      [deployment?.championVersion, deployment?.challengerVersion, deployment?.phase, deployment?.strategy],
      ['1', '2', 'shadow', 'shadow-then-canary'],
    );
    assert.equal((await store.registry.getVersionByAlias('weather-wet', 'champion'))?.version, 1);

    // A stricter policy refuses the next candidate: nothing is registered, the rollout stays as it was.
    const strict = await run(loop, {
      champion: 'models:/weather-wet@champion',
      policy: { thresholds: { accuracy: { min: 0.999 } } },
    });
    assert.equal(strict.report.passed, false);
    assert.equal(strict.tasks.register?.status, 'skipped');
    assert.equal((await versionsOf('weather-wet')).length, 2);
    assert.equal((await store.deployments.get('weather'))?.revision, deployment?.revision);
  });
});
