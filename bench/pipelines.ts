// Pipeline orchestration overhead with the real executor on SQLite, steps in reused processes and in a fresh
// process each. Targets
// (issue 4): ≤ 20 ms overhead per process-isolated no-op step on a 200-step chain, (wall − step work) / steps,
// and a 1,000-task fan-out/fan-in of no-op steps in under 60 s on this 2-core machine. Anchors for context:
// Airflow 1.7–4.3 s between dependent tasks, Prefect about 0.1 s per task, Argo up to 10 s requeue per step.
// Smaller sizes for a quick try: BENCH_CHAIN_STEPS, BENCH_FANOUT_TASKS; BENCH_PARALLELISM (default 4).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore } from '../src/artifacts/local/local-artifact-store.js';
import { compile } from '../src/pipelines/compiler/compile.js';
import { PipelineExecutor } from '../src/pipelines/executor/executor.js';
import { openSqlStore } from '../src/store/sql/sql-metadata-store.js';
import { report, timeIt } from './lib.js';
import { chainPipeline, fanOutPipeline } from './pipelines/definitions.js';

const CHAIN_STEPS = Number(process.env.BENCH_CHAIN_STEPS ?? 200);
const FANOUT_TASKS = Number(process.env.BENCH_FANOUT_TASKS ?? 1000);
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 4);
/** Sizes for the process-per-step mode (projected linearly to the full sizes). */
const PER_STEP_MAX = Number(process.env.BENCH_PER_STEP_MAX ?? 50);
const TARGET_STEP_MS = 20;
const LIMIT_FANOUT_S = 60;
const BASE_DIR = fileURLToPath(new URL('./pipelines/', import.meta.url));

/** Runs `pipeline` on a fresh SQLite home; returns the wall time, the run's status and its steps' process time. */
async function runOnce(
  pipeline: unknown,
  reuseProcesses: boolean,
): Promise<{ seconds: number; status: string; steps: number; processMs: number }> {
  const home = await mkdtemp(join(tmpdir(), 'osprey-bench-pipelines-'));
  const store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  try {
    const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
    const executor = new PipelineExecutor({
      store,
      artifacts,
      workRoot: join(home, 'work'),
      parallelism: PARALLELISM,
      reuseProcesses,
    });
    const spec = await compile(pipeline, { baseDir: BASE_DIR });
    const runId = await executor.create(spec, {}, BASE_DIR);
    let status = '';
    const seconds = await timeIt(async () => {
      status = (await executor.resume(runId)).status;
    });
    if (status !== 'succeeded') throw new Error(`the benchmark run ${runId} ended ${status}`);
    let steps = 0;
    let processMs = 0;
    for (const task of await store.pipelines.listTasks(runId)) {
      if (task.kind !== 'component') continue;
      steps++;
      for (const attempt of await store.pipelines.listAttempts(task.id)) processMs += attempt.durationMs ?? 0;
    }
    return { seconds, status, steps, processMs };
  } finally {
    await store.close();
    await rm(home, { recursive: true, force: true });
  }
}

export async function benchPipelines(): Promise<void> {
  // Reused step processes at full size; a fresh process per step at a smaller size, projected (it is CPU-bound on
  // starting Node, ~100 ms of CPU per process here, so its cost grows linearly).
  await benchMode(true, CHAIN_STEPS, FANOUT_TASKS);
  await benchMode(false, Math.min(CHAIN_STEPS, PER_STEP_MAX), Math.min(FANOUT_TASKS, PER_STEP_MAX));
}

async function benchMode(reuseProcesses: boolean, chainSteps: number, fanoutTasks: number): Promise<void> {
  const chain = await runOnce(chainPipeline(chainSteps), reuseProcesses);
  // A no-op step does no work, so all of the wall time is overhead: (wall − 0) / steps.
  const perStepMs = (chain.seconds * 1000) / chain.steps;
  const processMs = chain.processMs / chain.steps;
  const fan = await runOnce(fanOutPipeline(fanoutTasks), reuseProcesses);
  const projected = (fan.seconds / fan.steps) * 1002; // 1,000 fanned-out steps, the source and the fan-in
  const mode = reuseProcesses ? 'reused step processes' : 'a fresh process per step';
  report(
    `pipeline executor, ${mode}, SQLite (${chainSteps}-step chain; ${fanoutTasks}-task fan-out/fan-in, parallelism ${PARALLELISM})`,
    [
      [
        `chain: overhead per no-op step`,
        `${perStepMs.toFixed(1)} ms  ratio ${(perStepMs / TARGET_STEP_MS).toFixed(2)} of the 20 ms target`,
      ],
      [
        '  of which in the step process',
        `${processMs.toFixed(1)} ms; orchestrator and store ${(perStepMs - processMs).toFixed(1)} ms`,
      ],
      ['chain: wall', `${chain.seconds.toFixed(2)} s for ${chain.steps} steps`],
      [
        `fan-out/fan-in of ${fanoutTasks.toLocaleString('en')}: wall`,
        `${fan.seconds.toFixed(1)} s  ratio ${(fan.seconds / LIMIT_FANOUT_S).toFixed(2)} of the 60 s limit  (${((fan.seconds * 1000) / fan.steps).toFixed(1)} ms per task)`,
      ],
      ...(fanoutTasks === 1000
        ? []
        : ([
            [
              '  projected to 1,000 tasks (linear)',
              `${projected.toFixed(1)} s  ratio ${(projected / LIMIT_FANOUT_S).toFixed(2)} of the 60 s limit`,
            ],
          ] as [string, string][])),
      [
        'anchors between dependent steps',
        `Airflow 1.7–4.3 s (${((1700 / perStepMs) | 0).toLocaleString('en')}–${((4300 / perStepMs) | 0).toLocaleString('en')}× ours), Prefect ~0.1 s (${(100 / perStepMs).toFixed(1)}×), Argo up to 10 s requeue`,
      ],
    ],
  );
}
