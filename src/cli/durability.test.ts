import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MlflowClient } from '../client/mlflow-client.js';
import { httpTransport } from '../client/transport.js';
import { startServerProcess, stopProcess } from './test-support/run-cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-durability-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function startServer(env: Record<string, string>) {
  const { child, url } = await startServerProcess(env);
  return { child, client: new MlflowClient(httpTransport(url)) };
}

describe('durability of acknowledged writes', () => {
  it('keeps every metric, param and tag acknowledged with 200 when the server is killed with SIGKILL', async () => {
    const env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
    const first = await startServer(env);
    const experimentId = await first.client.createExperiment('durable');
    const run = await first.client.createRun(experimentId, { runName: 'killed' });
    const runId = run.info.run_id;
    const acknowledged: number[] = [];
    let stop = false;
    // Log steadily from several concurrent writers, then kill the server mid-stream.
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const step = w * 1_000_000 + i;
        try {
          await first.client.logBatch(runId, {
            metrics: [{ key: 'm', value: step, timestamp: 1, step }],
            ...(i % 10 === 0
              ? { params: [{ key: `p${step}`, value: 'v' }], tags: [{ key: `t${step}`, value: 'v' }] }
              : {}),
          });
          acknowledged.push(step);
        } catch {
          return; // the server is gone: this write was not acknowledged
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killed = stopProcess(first.child, 'SIGKILL');
    stop = true;
    await Promise.all(writers);
    await killed;
    assert.ok(acknowledged.length > 20, `only ${acknowledged.length} writes were acknowledged before the kill`);

    const second = await startServer(env);
    try {
      const stored = new Set<number>();
      for await (const m of second.client.metricHistory(runId, 'm')) stored.add(m.step ?? 0);
      const lost = acknowledged.filter((step) => !stored.has(step));
      assert.deepEqual(lost, [], `${lost.length} acknowledged metrics were lost`);
      const saved = await second.client.getRun(runId);
      const params = new Set((saved.data?.params ?? []).map((p) => p.key));
      const tags = new Set((saved.data?.tags ?? []).map((t) => t.key));
      for (const step of acknowledged.filter((s) => (s % 1_000_000) % 10 === 0)) {
        assert.ok(params.has(`p${step}`), `param p${step} lost`);
        assert.ok(tags.has(`t${step}`), `tag t${step} lost`);
      }
    } finally {
      await stopProcess(second.child);
    }
  });
});
