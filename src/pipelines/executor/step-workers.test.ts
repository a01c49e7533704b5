import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import { PipelineExecutor } from './executor.js';

const stepsDir = fileURLToPath(new URL('../../../examples/executor/', import.meta.url));
const pipelines = join(stepsDir, 'pipelines.ts');

let home: string;
let store: MetadataStore;
let executor: PipelineExecutor;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-workers-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({
    store,
    artifacts,
    workRoot: join(home, 'work'),
    parallelism: 2,
    reuseProcesses: true,
    cancelPollMs: 50,
  });
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

let count = 0;
async function markers(): Promise<string> {
  const dir = join(home, `markers-${++count}`);
  await mkdir(dir);
  return dir;
}
/** Process ids of the executions labelled `label` (each marker file is `<label>.<n>.<pid>`). */
const pidsOf = async (dir: string, label: string) =>
  (await readdir(dir)).filter((f) => f.startsWith(`${label}.`)).map((f) => f.split('.')[2]);

describe('reused step processes', () => {
  it('runs a whole pipeline in at most `parallelism` processes, each step logging to its own log', async () => {
    const dir = await markers();
    const spec = await compileFile(pipelines, { exportName: 'chain' });
    const run = await executor.run(spec, { markers: dir, sleepMs: 0 }, stepsDir);
    assert.equal(run.status, 'succeeded');
    const pids = new Set(
      (await Promise.all(['first', 'a', 'b', 'c', 'joined', 'last'].map((l) => pidsOf(dir, l)))).flat(),
    );
    assert.ok(pids.size <= 2, `6 steps ran in ${pids.size} processes`);
    assert.ok(!pids.has(String(process.pid)), 'never in the orchestrator itself');
    const tasks = await store.pipelines.listTasks(run.id);
    const last = tasks.find((t) => t.path === 'last')!;
    assert.equal(last.outputs?.text, '>first+joined>last');
  });

  it('never reuses a process after a failed step, and still retries and times out steps', async () => {
    const dir = await markers();
    const retried = await executor.run(
      await compileFile(pipelines, { exportName: 'retried' }),
      { markers: dir, failures: 2 },
      stepsDir,
    );
    assert.equal(retried.status, 'succeeded');
    const pids = await pidsOf(dir, 'flaky');
    assert.equal(pids.length, 3);
    assert.equal(new Set(pids).size, 3, 'each attempt after a failure got a fresh process');
    const task = (await store.pipelines.listTasks(retried.id))[0]!;
    const attempts = await store.pipelines.listAttempts(task.id);
    assert.match(await readFile(attempts[0]!.logPath, 'utf8'), /failing on purpose \(execution 1\)/);
    assert.doesNotMatch(await readFile(attempts[2]!.logPath, 'utf8'), /failing on purpose/);

    const stuck = await executor.run(
      await compileFile(pipelines, { exportName: 'timesOut' }),
      { markers: dir },
      stepsDir,
    );
    assert.equal(stuck.status, 'failed');
    const tasks = await store.pipelines.listTasks(stuck.id);
    const stuckTask = tasks.find((t) => t.path === 'stuck')!;
    for (const attempt of await store.pipelines.listAttempts(stuckTask.id))
      assert.match(attempt.error ?? '', /timed out after 500 ms/);
    assert.equal(tasks.find((t) => t.path === 'on-exit')?.outputs?.text, 'failed>exit');
  });

  it('cancels a step running in a reused process', async () => {
    const dir = await markers();
    const spec = await compileFile(pipelines, { exportName: 'chain' });
    const runId = await executor.create(spec, { markers: dir, sleepMs: 30_000 }, stepsDir);
    const running = executor.resume(runId);
    while ((await pidsOf(dir, 'first')).length === 0) await new Promise((r) => setTimeout(r, 50));
    await executor.cancel(runId);
    assert.equal((await running).status, 'cancelled');
    const [task] = await store.pipelines.listTasks(runId);
    const [attempt] = await store.pipelines.listAttempts(task!.id);
    assert.deepEqual([attempt?.status, attempt?.signal], ['cancelled', 'SIGTERM'], 'its process was killed');
  });
});
