import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backends, startTestServer } from '../api/test-support/server.js';
import { DatasetsClient } from '../client/datasets-client.js';
import { MlflowClient } from '../client/mlflow-client.js';
import { httpTransport } from '../client/transport.js';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { DatasetService } from '../data/datasets.js';
import { traceLineage } from './models.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/mlflow-curl-flow.sh', import.meta.url));

function runScript(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [SCRIPT], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

for (const backend of backends())
  describe(`the MLflow client's REST calls with curl (${backend})`, () => {
    it('create a run, log, search, register a model version and alias it; lineage reaches the dataset and commit', async () => {
      const server = await startTestServer(backend);
      try {
        const dataset = await new DatasetService(server.store, server.artifacts).add({
          name: 'weather',
          path: bundledDataset(SEATTLE_WEATHER),
        });
        // Asynchronous on purpose: the server answers from this very process.
        const result = await runScript({ OSPREY_URL: server.url, DATASET_DIGEST: dataset.version.digest });
        assert.equal(result.status, 0, `${result.stderr}\n${result.stdout}`);
        const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { run_id: string; model: string };
        assert.match(result.stderr, /\+ curl -X POST .*runs\/log-batch/);

        const transport = httpTransport(server.url);
        const lineage = await traceLineage(
          new MlflowClient(transport),
          new DatasetsClient(transport),
          `${out.model}@champion`,
        );
        assert.equal(lineage.run?.info.run_id, out.run_id);
        assert.equal(lineage.code.gitCommit, '0123456789abcdef0123456789abcdef01234567');
        assert.deepEqual(lineage.params, { depth: '3', lr: '0.1', seed: '7' });
        assert.deepEqual(
          lineage.datasets.map((d) => [d.ospreyVersion, d.context, d.rows]),
          [['weather@1', 'training', 1461]],
        );
      } finally {
        await server.close();
      }
    });
  });
