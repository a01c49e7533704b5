import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { DatasetsClient } from '../client/datasets-client.js';
import { isOspreyError } from '../core/errors.js';
import type { DatasetVersionRecord } from '../store/metadata-store.js';
import { embeddedSession } from './api-client.js';
import type { Context } from './context.js';
import { type Lineage, traceLineage } from './models.js';

const EXPERIMENT = 'seattle-rain-baseline';
const MODEL = 'seattle-rain-rule';

export interface TrackedBaseline {
  runId: string;
  threshold: number;
  accuracy: number;
  modelVersion: string;
  lineage: Lineage;
}

/**
 * Demo stage 4: a tracked run on the versioned data, through the MLflow-compatible API. The "model" is the simplest
 * honest baseline — predict rain when precipitation exceeds a threshold, sun otherwise — fitted on the real labels;
 * the run records the dataset version, code commit, parameters and metrics, and its model is registered with the
 * alias `champion`. Real trainers with ONNX export arrive with the serving and closed-loop issues.
 */
export async function trackBaseline(ctx: Context, dataset: DatasetVersionRecord): Promise<TrackedBaseline> {
  const session = await embeddedSession(ctx);
  const { client } = session;
  try {
    const experimentId = await client
      .getExperimentByName(EXPERIMENT)
      .then((e) => e.experiment_id)
      .catch(async (e: unknown) => {
        if (isOspreyError(e, 'NOT_FOUND')) return client.createExperiment(EXPERIMENT);
        throw e;
      });
    const commit = gitCommit();
    const run = await client.createRun(experimentId, {
      runName: 'threshold-rule',
      tags: [
        { key: 'mlflow.source.name', value: 'osprey demo' },
        ...(commit ? [{ key: 'mlflow.source.git.commit', value: commit }] : []),
      ],
    });
    const runId = run.info.run_id;
    await client.logInputs(runId, [
      {
        dataset: {
          name: dataset.datasetName,
          digest: dataset.digest,
          source_type: 'osprey',
          source: `${dataset.datasetName}@${dataset.version}`,
        },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ]);
    const rows = await readRows(await ctx.artifacts.materialize(dataset.digest));
    const thresholds = [0, 0.5, 1, 2, 5];
    const scores = thresholds.map((t) => accuracy(rows, t));
    for (const [step, value] of scores.entries())
      await client.logMetric(runId, { key: 'accuracy', value, timestamp: Date.now(), step });
    const best = scores.indexOf(Math.max(...scores));
    const threshold = thresholds[best]!;
    await client.logBatch(runId, {
      params: [
        { key: 'threshold', value: String(threshold) },
        { key: 'rule', value: 'rain if precipitation > threshold else sun' },
      ],
      metrics: [{ key: 'best_accuracy', value: scores[best]!, timestamp: Date.now(), step: 0 }],
    });
    const rule = JSON.stringify({
      kind: 'threshold-rule',
      feature: 'precipitation',
      threshold,
      above: 'rain',
      otherwise: 'sun',
    });
    await client.uploadArtifact(`${experimentId}/${runId}/artifacts/model/rule.json`, Buffer.from(rule));
    await client.updateRun(runId, { status: 'FINISHED', endTime: Date.now() });
    await client.createRegisteredModel(MODEL).catch((e: unknown) => {
      if (!isOspreyError(e, 'ALREADY_EXISTS')) throw e;
    });
    const version = await client.createModelVersion(MODEL, `runs:/${runId}/model`, { runId });
    await client.setModelAlias(MODEL, 'champion', version.version);
    const lineage = await traceLineage(client, new DatasetsClient(session.transport), `${MODEL}@champion`);
    return { runId, threshold, accuracy: scores[best]!, modelVersion: version.version, lineage };
  } finally {
    await session.close();
  }
}

async function readRows(path: string): Promise<{ precipitation: number; weather: string }[]> {
  const [header, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const columns = header!.split(',');
  const p = columns.indexOf('precipitation');
  const w = columns.indexOf('weather');
  return lines.map((line) => {
    const cells = line.split(',');
    return { precipitation: Number(cells[p]), weather: cells[w]! };
  });
}

function accuracy(rows: { precipitation: number; weather: string }[], threshold: number): number {
  const hits = rows.filter((r) => (r.precipitation > threshold ? 'rain' : 'sun') === r.weather).length;
  return hits / rows.length;
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
