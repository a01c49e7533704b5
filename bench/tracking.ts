// MLflow-compatible tracking over HTTP on SQLite, against what MLflow 2.17.2's own server did on this machine:
// 8.2k metric points/s through log-batch, 126 log-metric calls/s, 0.7 s to search 1,000 runs. Targets (issue 3):
// ≥ 150,000 points/s, ≥ 3,000 log-metric/s with keep-alive, search over 10,000 runs p50 < 50 ms, and a 1,000,000
// point history streamed with bounded memory. The server runs here; the load comes from bench/tracking-load.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiServer } from '../src/api/server.js';
import { LocalArtifactStore } from '../src/artifacts/local/local-artifact-store.js';
import { newId } from '../src/core/ids.js';
import { openSqlStore } from '../src/store/sql/sql-metadata-store.js';
import type { Metric, TrackingRepository } from '../src/store/tracking.js';
import { report } from './lib.js';

const MLFLOW = { batchPointsPerSecond: 8_200, logMetricPerSecond: 126, searchSeconds: 0.7 };
const SEARCH_RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 10_000);
const HISTORY_POINTS = Number(process.env.BENCH_HISTORY_POINTS ?? 1_000_000);

interface LoadResult {
  requests: number;
  failed: number;
  firstError: string;
  seconds: number;
  bytes: number;
  pointsPerRequest: number;
  p50: number;
  p90: number;
}

function runLoad(job: Record<string, unknown>): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./tracking-load.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d;
  });
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed: ${err}`));
      const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult;
      if (result.failed > 0) return reject(new Error(`${result.failed} requests failed: ${result.firstError}`));
      resolve(result);
    }),
  );
}

async function newRun(tracking: TrackingRepository, experimentId: string, startTime: number): Promise<string> {
  const runId = newId();
  await tracking.createRun({
    runId,
    experimentId,
    runName: `run-${runId.slice(0, 8)}`,
    userId: 'bench',
    startTime,
    artifactUri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
    tags: [{ key: 'mlflow.runName', value: `run-${runId.slice(0, 8)}` }],
  });
  return runId;
}

/** 10,000 runs, each with 5 metrics, 5 params and 3 tags, the shape of a hyper-parameter sweep. */
async function seedSweep(tracking: TrackingRepository, experimentId: string): Promise<void> {
  for (let i = 0; i < SEARCH_RUNS; i++) {
    const runId = await newRun(tracking, experimentId, 1_700_000_000_000 + i);
    const metric = (key: string, value: number): Metric => ({ key, value, timestamp: 1, step: 10 });
    await tracking.logBatch(runId, {
      metrics: [
        metric('accuracy', Math.random()),
        metric('loss', Math.random() * 3),
        metric('f1', Math.random()),
        metric('precision', Math.random()),
        metric('recall', Math.random()),
      ],
      params: ['lr', 'depth', 'model', 'seed', 'optimizer'].map((key, k) => ({
        key,
        value: String((i * (k + 3)) % 17),
      })),
      tags: [
        { key: 'team', value: i % 2 ? 'vision' : 'speech' },
        { key: 'mlflow.user', value: 'bench' },
      ],
    });
  }
}

async function seedHistory(tracking: TrackingRepository, runId: string): Promise<void> {
  for (let start = 0; start < HISTORY_POINTS; start += 1000) {
    const metrics = Array.from({ length: Math.min(1000, HISTORY_POINTS - start) }, (_, j) => ({
      key: 'm',
      value: Math.log1p(start + j),
      timestamp: 1_700_000_000_000 + start + j,
      step: start + j,
    }));
    await tracking.logBatch(runId, { metrics, params: [], tags: [] });
  }
}

/** Runs `work` while sampling this process's resident memory; returns the peak growth over the start. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work();
    return { result, growth: Math.max(0, peak - base) };
  } finally {
    clearInterval(timer);
  }
}

export async function benchTracking(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-bench-tracking-'));
  const store = await openSqlStore({ kind: 'sqlite', path: join(dir, 'osprey.db') });
  const artifacts = await LocalArtifactStore.open(join(dir, 'artifacts'));
  const app = createApiServer({ store, artifacts, version: 'bench' });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const { tracking } = store;
    const experiment = await tracking.createExperiment({
      name: 'bench',
      tags: [],
      artifactLocation: (id) => `mlflow-artifacts:/${id}`,
      creationTime: Date.now(),
    });
    const runIds = await Promise.all([1, 2, 3, 4].map((i) => newRun(tracking, experiment.experimentId, i)));

    const batch = await runLoad({ url, mode: 'log-batch', runIds, concurrency: 4, maxRequests: 1500, maxSeconds: 15 });
    const pointsPerSecond = (batch.requests * batch.pointsPerRequest) / batch.seconds;

    const single = await runLoad({
      url,
      mode: 'log-metric',
      runIds,
      concurrency: 32,
      maxRequests: 40_000,
      maxSeconds: 10,
    });
    const metricsPerSecond = single.requests / single.seconds;

    const sweep = await tracking.createExperiment({
      name: 'sweep',
      tags: [],
      artifactLocation: (id) => `mlflow-artifacts:/${id}`,
      creationTime: Date.now(),
    });
    await seedSweep(tracking, sweep.experimentId);
    const search = await runLoad({
      url,
      mode: 'search',
      runIds,
      experimentId: sweep.experimentId,
      concurrency: 1,
      maxRequests: 30,
      maxSeconds: 60,
    });

    const historyRun = await newRun(tracking, experiment.experimentId, 5);
    await seedHistory(tracking, historyRun);
    const history = await peakRssGrowth(() =>
      runLoad({ url, mode: 'history', runIds: [historyRun], concurrency: 1, maxRequests: 1, maxSeconds: 120 }),
    );
    const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

    report('MLflow tracking API on SQLite over HTTP (peer: MLflow 2.17.2 on this machine)', [
      [
        'log-batch points/s (MLflow 8.2k)',
        `${Math.round(pointsPerSecond).toLocaleString('en')}  ratio ${(pointsPerSecond / MLFLOW.batchPointsPerSecond).toFixed(1)}×  (target ≥ 150,000)`,
      ],
      [
        'log-metric req/s, 32 in flight (MLflow 126)',
        `${Math.round(metricsPerSecond).toLocaleString('en')}  ratio ${(metricsPerSecond / MLFLOW.logMetricPerSecond).toFixed(1)}×  (target ≥ 3,000)`,
      ],
      [
        `search ${SEARCH_RUNS.toLocaleString('en')} runs, p50 (MLflow 0.7 s / 1k)`,
        `${search.p50.toFixed(1)} ms  p90 ${search.p90.toFixed(1)} ms  ratio ${(MLFLOW.searchSeconds / (search.p50 / 1000)).toFixed(1)}× faster  (target < 50 ms)`,
      ],
      [
        `get-history ${HISTORY_POINTS.toLocaleString('en')} points`,
        `${history.result.seconds.toFixed(2)} s, ${mib(history.result.bytes)} sent, server peak RSS growth ${mib(history.growth)}  ratio ${(history.growth / history.result.bytes).toFixed(2)} of the body`,
      ],
    ]);
  } finally {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
