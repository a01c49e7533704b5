import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import { PipelineExecutor } from './executor.js';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const stepsDir = join(examples, 'executor');
const stepsPipelines = join(stepsDir, 'pipelines.ts');

let home: string;
let store: MetadataStore;
let executor: PipelineExecutor;
let artifacts: ArtifactStore;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-executor-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2, cancelPollMs: 50 });
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

let markerDirs = 0;
async function markerDir(): Promise<string> {
  const dir = join(home, `markers-${++markerDirs}`);
  await mkdir(dir);
  return dir;
}
const executions = async (dir: string, label: string) =>
  (await readdir(dir)).filter((f) => f.startsWith(`${label}.`)).length;

async function tasksOf(runId: string) {
  const tasks = await store.pipelines.listTasks(runId);
  return Object.fromEntries(tasks.map((t) => [t.path, t]));
}

describe('pipeline executor', () => {
  it('runs the training example end to end: each step in its own process, the gate picking a branch', async () => {
    const spec = await compileFile(join(examples, 'train-pipeline.ts'));
    const run = await executor.run(spec, { data: bundledDataset(SEATTLE_WEATHER), threshold: 0.5 }, examples);
    const tasks = await tasksOf(run.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(tasks, null, 1));
    const condition = Object.values(tasks).find((t) => t.kind === 'condition');
    assert.equal(condition?.status, 'succeeded');
    assert.deepEqual(
      ['profile', 'prepare', 'train', 'promote', 'reject', 'notify'].map((p) => tasks[p]?.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'skipped', 'succeeded'],
    );
    const rows = tasks.prepare?.outputs?.rows;
    assert.ok(typeof rows === 'number' && rows > 1000);
    const attempts = await store.pipelines.listAttempts(tasks.train!.id);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]?.exitCode, 0);
    assert.match(await readFile(attempts[0]!.logPath, 'utf8'), /metric accuracy=/);
    assert.equal(run.environment.node, process.version);

    // The run and each step are tracking runs; the promoted model is a registered version leading back to them.
    const tracked = await store.tracking.getRun(run.id);
    assert.equal(tracked?.info.status, 'FINISHED');
    const data = run.params.data as unknown as { $artifact: { digest: string } };
    assert.deepEqual(
      tracked?.params.map((p) => [p.key, p.value]),
      [
        ['data', `Dataset:sha256:${data.$artifact.digest}`],
        ['learningRate', '0.5'],
        ['threshold', '0.5'],
      ],
    );
    assert.equal(tracked?.inputs[0]?.dataset.digest, data.$artifact.digest);
    const trainRun = await store.tracking.getRun(tasks.train!.id);
    assert.equal(trainRun?.info.runName, 'train');
    assert.equal(trainRun?.tags.find((t) => t.key === 'mlflow.parentRunId')?.value, run.id);
    assert.ok((trainRun?.metrics.find((m) => m.key === 'accuracy')?.value ?? 0) > 0.5);
    assert.match(trainRun?.tags.find((t) => t.key === 'osprey.output.model')?.value ?? '', /^sha256:[0-9a-f]{64}$/);
    const version = await store.registry.getVersionByAlias('seattle-rain', 'candidate');
    assert.equal(version?.runId, tasks.promote!.id);
    assert.equal(version?.source, `runs:/${tasks.promote!.id}/outputs/release`);
    const linked = await artifacts.stat(version!.storageLocation.replace('mlflow-artifacts:/', ''));
    const release = (tasks.promote!.outputs!.release as { $artifact: { digest: string } }).$artifact;
    assert.equal(linked?.digest, release.digest, 'the version source holds the released model bytes');

    // A registered version is an artifact parameter: the promoted model, by alias.
    const measured = await executor.run(
      await compileFile(stepsPipelines, { exportName: 'measured' }),
      { model: 'models:/seattle-rain@candidate' },
      stepsDir,
    );
    assert.equal(measured.status, 'succeeded');
    const size = (await readFile(await artifacts.materialize(release.digest))).length;
    assert.deepEqual((await tasksOf(measured.id)).measure?.outputs, { bytes: size });
    assert.equal(
      (await store.tracking.getRun(measured.id))?.params[0]?.value,
      `models:/seattle-rain/${version?.version}`,
    );
    await assert.rejects(
      executor.create(
        await compileFile(stepsPipelines, { exportName: 'measured' }),
        { model: 'models:/nope@x' },
        stepsDir,
      ),
      /model: "models:\/nope@x" names no model version/,
    );

    // Reproduced: every step executes again (no cache) and comes out identical; no second model version.
    const report = await executor.reproduce(run.id);
    assert.equal(report.reproducible, true, JSON.stringify(report, null, 1));
    assert.deepEqual(
      report.steps.map((s) => [s.task, s.verdict]),
      ['profile', 'prepare', 'train', 'promote', 'notify'].map((t) => [t, 'identical']),
    );
    const redone = await tasksOf(report.runId);
    assert.equal(redone.train?.status, 'succeeded', 'not served from the cache');
    assert.equal((await store.pipelines.getRun(report.runId))?.reproducesRunId, run.id);
    const registry = new ModelRegistry(store.registry);
    const versions = await registry.searchVersions({ filter: "name = 'seattle-rain'", maxResults: 10 });
    assert.equal(versions.items.length, 1, 'a reproduction registers nothing');
  });

  it('reproduce names the first step whose results diverge: seeded randomness repeats, Math.random does not', async () => {
    const spec = await compileFile(stepsPipelines, { exportName: 'randomness' });
    const run = await executor.run(spec, {}, stepsDir);
    assert.equal(run.status, 'succeeded');
    const report = await executor.reproduce(run.id);
    assert.equal(report.reproducible, false);
    assert.equal(report.firstDivergence, 'noisy');
    const [seeded, noisy] = report.steps;
    assert.deepEqual([seeded?.task, seeded?.verdict], ['seeded', 'identical']);
    assert.deepEqual([noisy?.task, noisy?.verdict], ['noisy', 'diverged']);
    assert.deepEqual(
      noisy?.differences.map((d) => `${d.kind}:${d.name}`),
      ['output:sample', 'output:value', 'metric:value@0'],
    );
    await assert.rejects(executor.reproduce(report.runId.slice(0, 8)), /no pipeline run/);
  });

  it("a change to a component's code misses the cache; unchanged components still hit it", async () => {
    const dsl = new URL('../dsl/index.ts', import.meta.url).href;
    const write = async (dir: string, increment: number) => {
      await mkdir(dir, { recursive: true });
      const file = join(dir, 'pipeline.mts');
      await writeFile(
        file,
        [
          `import { component, pipeline } from '${dsl}';`,
          "export const stable = component({ name: 'stable', outputs: { n: 'number' }, cache: true }, async () => ({ n: 1 }));",
          "export const changing = component({ name: 'changing', inputs: { n: 'number' }, outputs: { n: 'number' }, cache: true },",
          `  async ({ n }) => ({ n: n + ${increment} }));`,
          "export default pipeline({ name: 'code-change' }, () => { changing({ n: stable().outputs.n }); });",
        ].join('\n'),
      );
      return compileFile(file);
    };
    const statuses = async (runId: string) =>
      Object.fromEntries((await store.pipelines.listTasks(runId)).map((t) => [t.path, [t.status, t.outputs?.n]]));
    const v1 = await write(join(home, 'code-v1'), 1);
    const first = await executor.run(v1, {}, join(home, 'code-v1'));
    assert.deepEqual(await statuses(first.id), { stable: ['succeeded', 1], changing: ['succeeded', 2] });
    const again = await executor.run(v1, {}, join(home, 'code-v1'));
    assert.deepEqual(await statuses(again.id), { stable: ['cached', 1], changing: ['cached', 2] });
    const v2 = await write(join(home, 'code-v2'), 10);
    assert.notEqual(v2.components.changing?.digest, v1.components.changing?.digest);
    const changed = await executor.run(v2, {}, join(home, 'code-v2'));
    assert.deepEqual(await statuses(changed.id), { stable: ['cached', 1], changing: ['succeeded', 11] });
  });

  it('cancels a running run: the running step is killed, nothing new starts; retry then finishes it', async () => {
    const markers = await markerDir();
    const spec = await compileFile(stepsPipelines, { exportName: 'chain' });
    const runId = await executor.create(spec, { markers, sleepMs: 30_000 }, stepsDir);
    const running = executor.resume(runId);
    while ((await executions(markers, 'first')) === 0) await new Promise((r) => setTimeout(r, 50));
    await executor.cancel(runId);
    const cancelled = await running;
    assert.equal(cancelled.status, 'cancelled');
    const tasks = await tasksOf(runId);
    assert.equal(tasks.first?.status, 'cancelled');
    const [attempt] = await store.pipelines.listAttempts(tasks.first!.id);
    assert.deepEqual([attempt?.status, attempt?.signal], ['cancelled', 'SIGTERM'], 'the sleeping step was killed');
    assert.equal(tasks.last, undefined, 'no task starts after the cancellation');
    assert.equal((await store.tracking.getRun(runId))?.info.status, 'KILLED');
    await assert.rejects(executor.resume(runId), /cancelled: retry it/);
    await assert.rejects(executor.cancel(runId), /nothing to cancel/);
  });

  it('retries a failed run from its failed step, reusing what completed', async () => {
    const markers = await markerDir();
    const spec = await compileFile(stepsPipelines, { exportName: 'retried' });
    const failed = await executor.run(spec, { markers, failures: 5 }, stepsDir);
    assert.equal(failed.status, 'failed');
    assert.equal(await executions(markers, 'flaky'), 4);
    const retried = await executor.retry(failed.id);
    assert.equal(retried.id, failed.id);
    assert.equal(retried.status, 'succeeded');
    const task = (await tasksOf(failed.id)).flaky!;
    assert.deepEqual(task.outputs, { executions: 6 });
    assert.deepEqual(
      (await store.pipelines.listAttempts(task.id)).map((a) => a.number),
      [1, 2, 3, 4, 5, 6],
    );
    await assert.rejects(executor.retry(failed.id), /only a failed or cancelled run/);
  });

  it('retries a failing step with backoff until it succeeds', async () => {
    const markers = await markerDir();
    const spec = await compileFile(stepsPipelines, { exportName: 'retried' });
    const run = await executor.run(spec, { markers, failures: 2 }, stepsDir);
    assert.equal(run.status, 'succeeded');
    const task = (await tasksOf(run.id)).flaky!;
    assert.deepEqual(task.outputs, { executions: 3 });
    const attempts = await store.pipelines.listAttempts(task.id);
    assert.deepEqual(
      attempts.map((a) => [a.number, a.status, a.exitCode]),
      [
        [1, 'failed', 1],
        [2, 'failed', 1],
        [3, 'succeeded', 0],
      ],
    );
    assert.match(await readFile(attempts[0]!.logPath, 'utf8'), /failing on purpose \(execution 1\)/);
  });

  it('kills a step that exceeds its timeout, fails the run naming it, and still runs the exit handler', async () => {
    const markers = await markerDir();
    const spec = await compileFile(stepsPipelines, { exportName: 'timesOut' });
    const run = await executor.run(spec, { markers }, stepsDir);
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /stuck/);
    const tasks = await tasksOf(run.id);
    const attempts = await store.pipelines.listAttempts(tasks.stuck!.id);
    assert.equal(attempts.length, 2);
    for (const attempt of attempts) assert.match(attempt.error ?? '', /timed out after 500 ms/);
    assert.ok((await executions(markers, 'stuck')) <= 2, 'a killed attempt never runs on');
    assert.equal(tasks['on-exit']?.status, 'succeeded');
    assert.equal(tasks['on-exit']?.outputs?.text, 'failed>exit');
  });

  it('serves a re-run from the cache, pointing at the producing run, without executing the steps', async () => {
    const markers = await markerDir();
    const spec = await compileFile(stepsPipelines, { exportName: 'chain' });
    const first = await executor.run(spec, { markers, sleepMs: 0 }, stepsDir);
    assert.equal(first.status, 'succeeded');
    const second = await executor.run(spec, { markers, sleepMs: 0 }, stepsDir);
    assert.equal(second.status, 'succeeded');
    const tasks = await tasksOf(second.id);
    assert.equal(tasks.first?.status, 'cached');
    assert.equal(tasks.first?.cachedFromRunId, first.id);
    assert.equal(tasks['fan[1]/fan-step']?.status, 'cached');
    assert.equal(tasks.last?.status, 'succeeded', 'cache: false runs every time');
    assert.equal(await executions(markers, 'first'), 1);
    assert.equal(await executions(markers, 'b'), 1);
    assert.equal(await executions(markers, 'last'), 2);
    assert.equal(tasks.last?.outputs?.text, '>first+joined>last');
    assert.deepEqual((await tasksOf(first.id)).fan?.outputs, { text: ['>first>a', '>first>b', '>first>c'] });
  });
});
