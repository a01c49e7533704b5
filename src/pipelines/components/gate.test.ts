import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PipelineTaskRecord } from '../../store/pipelines.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import { PipelineExecutor } from '../executor/executor.js';
import { asArtifact } from '../executor/values.js';
import type { PipelineSpec } from '../spec/types.js';
import type { GateReport } from './index.js';
import { GATE_TAGS } from './index.js';

// The gated example (examples/gated-pipeline.ts) run end to end by the real executor, each step in its own process,
// on the bundled Seattle weather data and a temporary SQLite store.
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

let home: string;
let store: MetadataStore;
let artifacts: ArtifactStore;
let executor: PipelineExecutor;
let registry: ModelRegistry;
let spec: PipelineSpec;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-gate-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
  registry = new ModelRegistry(store.registry);
  spec = await compileFile(join(examples, 'gated-pipeline.ts'));
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function runGated(params: Record<string, unknown>) {
  const run = await executor.run(spec, { data: bundledDataset(SEATTLE_WEATHER), ...params }, examples);
  const tasks: Record<string, PipelineTaskRecord> = Object.fromEntries(
    (await store.pipelines.listTasks(run.id)).map((t) => [t.path, t]),
  );
  assert.equal(run.status, 'succeeded', JSON.stringify(tasks, null, 1));
  // Whichever gate ran: `gate` (no champion) or `champion-gate`.
  const judged = tasks.gate?.status === 'succeeded' ? tasks.gate : tasks['champion-gate'];
  const report = JSON.parse(await artifactText(judged?.outputs?.report)) as GateReport;
  return { run, tasks, report, gate: judged };
}

async function artifactText(value: unknown): Promise<string> {
  const ref = asArtifact(value as never);
  assert.ok(ref, 'an artifact output');
  return readFile(await artifacts.materialize(ref.digest), 'utf8');
}

const versionsOf = async (name: string) =>
  (await registry.searchVersions({ filter: `name = '${name}'`, maxResults: 100 })).items;
const tagsOf = (version: { tags: { key: string; value: string }[] }) =>
  Object.fromEntries(version.tags.map((t) => [t.key, t.value]));
const checks = (report: GateReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

describe('examples/gated-pipeline.ts: the deployment gate decides registration', () => {
  it('a first model that meets the thresholds is registered, the gate decision in its tags', async () => {
    const { run, tasks, report } = await runGated({ modelName: 'rain-first', compareWithChampion: false });
    assert.equal(report.passed, true, report.summary);
    assert.equal(tasks.gate?.outputs?.passed, true);
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status]),
      [
        ['threshold:accuracy', 'passed'],
        ['threshold:log_loss', 'passed'],
        ['champion:accuracy', 'skipped'],
        ['champion:log_loss', 'skipped'],
      ],
    );
    const accuracy = checks(report)['threshold:accuracy']?.candidate ?? 0;
    assert.ok(accuracy >= 0.85, `accuracy ${accuracy}`);
    assert.equal(report.champion.given, false);
    assert.match(report.candidate.holdout ?? '', /^[0-9a-f]{64}$/, 'the holdout digest travels with the metrics');
    assert.equal(tasks.register?.status, 'succeeded');

    const [version, ...others] = await versionsOf('rain-first');
    assert.ok(version);
    assert.equal(others.length, 0);
    assert.equal(version.runId, tasks.register!.id, 'the version leads back to the registering step');
    assert.equal((await store.registry.getVersionByAlias('rain-first', 'candidate'))?.version, version.version);
    const tags = tagsOf(version);
    assert.equal(tags[GATE_TAGS.passed], 'true');
    const short = JSON.parse(tags[GATE_TAGS.report] ?? '{}') as { passed: boolean; checks: { check: string }[] };
    assert.equal(short.passed, true);
    assert.deepEqual(
      short.checks.map((c) => c.check),
      report.checks.map((c) => c.id),
    );
    const reportRef = asArtifact(tasks.gate!.outputs!.report as never)!;
    assert.equal(tags[GATE_TAGS.reportDigest], `sha256:${reportRef.digest}`, 'the full report is one lookup away');
    assert.equal(Number(tags['metric.accuracy']), accuracy);
    const model = asArtifact(tasks.train!.outputs!.model as never)!;
    assert.equal(tags['osprey.artifact.digest'], model.digest, 'the registered bytes are the trained model');

    const pipelineRun = await store.tracking.getRun(run.id);
    assert.equal(pipelineRun?.info.status, 'FINISHED');
  });

  it('a failing threshold registers nothing; the run succeeds and the report names the failed check', async () => {
    const policy = { thresholds: { accuracy: { min: 0.99 }, log_loss: { max: 0.5 } } };
    const { tasks, report } = await runGated({ modelName: 'rain-strict', policy, compareWithChampion: false });
    assert.equal(report.passed, false);
    assert.equal(tasks.gate?.outputs?.passed, false);
    const failed = report.checks.filter((c) => c.status === 'failed');
    assert.deepEqual(
      failed.map((c) => [c.id, c.metric, c.threshold]),
      [['threshold:accuracy', 'accuracy', { min: 0.99 }]],
    );
    assert.match(failed[0]!.reason, /^accuracy 0\.\d+ is below the minimum 0\.99$/);
    assert.match(String(tasks.gate?.outputs?.summary), /^failed 1 of 2 checks: accuracy .* below the minimum 0\.99/);
    assert.equal(tasks.register?.status, 'skipped');
    assert.deepEqual(await versionsOf('rain-strict'), []);
    const attempts = await store.pipelines.listAttempts(tasks.gate!.id);
    assert.match(await readFile(attempts.at(-1)!.logPath, 'utf8'), /failed {2}threshold:accuracy: accuracy .* 0\.99/);
  });

  it('a candidate worse than the champion on the same holdout is refused; one no worse passes', async () => {
    // The champion stand-in trained at 0.1 is more accurate on the holdout than the candidate at 0.5.
    const weak = await runGated({ modelName: 'rain-challenged', championLearningRate: 0.1 });
    assert.equal(weak.tasks['evaluate-champion']?.status, 'succeeded', Object.keys(weak.tasks).join());
    assert.equal(weak.tasks.gate?.status, 'skipped', 'the first-model gate does not run');
    assert.equal(weak.gate?.path, 'champion-gate');
    assert.equal(weak.report.champion.given, true);
    assert.equal(weak.report.champion.holdout, weak.report.candidate.holdout, 'both judged on one holdout');
    const judged = checks(weak.report);
    assert.deepEqual(
      ['threshold:accuracy', 'threshold:log_loss', 'champion:log_loss'].map((id) => judged[id]?.status),
      ['passed', 'passed', 'passed'],
    );
    const compared = judged['champion:accuracy'];
    assert.equal(compared?.status, 'failed', compared?.reason);
    assert.ok(compared.champion! > compared.candidate!);
    assert.match(
      compared.reason,
      /^accuracy 0\.\d+ is worse than the champion's 0\.\d+ by 0\.\d+ \(higher is better, tolerance 0\)$/,
    );
    assert.equal(weak.tasks.register?.status, 'skipped');
    assert.deepEqual(await versionsOf('rain-challenged'), []);

    // Against the default stand-in (0.05): the same accuracy and a lower log loss, so no worse; registered.
    const better = await runGated({ modelName: 'rain-challenged' });
    assert.equal(better.report.passed, true, better.report.summary);
    const compared2 = checks(better.report);
    assert.equal(compared2['champion:accuracy']?.candidate, compared2['champion:accuracy']?.champion);
    assert.ok(compared2['champion:log_loss']!.candidate! < compared2['champion:log_loss']!.champion!);
    const [version] = await versionsOf('rain-challenged');
    const tags = tagsOf(version!);
    assert.equal(tags[GATE_TAGS.passed], 'true');
    assert.match(
      tags[GATE_TAGS.report] ?? '',
      /"check":"champion:log_loss","status":"passed","candidate":0\.\d+,"champion":0\.\d+/,
    );
  });

  it('an invalid policy fails the run at the gate with an error naming the field', async () => {
    const run = await executor.run(
      spec,
      { data: bundledDataset(SEATTLE_WEATHER), modelName: 'rain-invalid', policy: { thresholds: { accuracy: {} } } },
      examples,
    );
    assert.equal(run.status, 'failed');
    const gateTask = (await store.pipelines.listTasks(run.id)).find((t) => t.path === 'champion-gate')!;
    const attempts = await store.pipelines.listAttempts(gateTask.id);
    assert.match(
      await readFile(attempts.at(-1)!.logPath, 'utf8'),
      /gate policy: thresholds\.accuracy: give min, max or both/,
    );
    assert.deepEqual(await versionsOf('rain-invalid'), []);
  });
});
