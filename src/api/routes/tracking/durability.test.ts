import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OspreyConfig } from '../../../core/config.js';
import { openSqlStore } from '../../../store/sql/sql-metadata-store.js';
import { createTestSchema } from '../../../store/sql/test-support/postgres-schemas.js';
import { backends } from '../../test-support/server.js';
import type { Json } from './test-support/mlflow-api.js';

const CHILD = fileURLToPath(new URL('./test-support/server-child.ts', import.meta.url));

async function startChild(
  database: OspreyConfig['database'],
  artifacts: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(database), artifacts], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
  lines.close();
  return { child, url: `http://127.0.0.1:${(JSON.parse(first) as { port: number }).port}` };
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

for (const backend of backends())
  describe(`durability under kill -9 (${backend})`, () => {
    it('keeps every metric, param and tag acknowledged with 200 when the server is killed mid-load', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'osprey-kill-'));
      const schema =
        backend === 'postgres' ? await createTestSchema(process.env.OSPREY_TEST_POSTGRES_URL ?? '') : undefined;
      const database: OspreyConfig['database'] = schema
        ? { kind: 'postgres', url: schema.url }
        : { kind: 'sqlite', path: join(dir, 'osprey.db') };
      try {
        const { child, url } = await startChild(database, join(dir, 'artifacts'));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const run = await post(url, 'runs/create', { experiment_id: '0' });
        const runId = run.body.run.info.run_id as string;
        const acked: number[] = [];
        let next = 0;
        let stop = false;
        const worker = async () => {
          while (!stop) {
            const n = next++;
            const metrics = Array.from({ length: 20 }, (_, i) => ({
              key: 'm',
              value: n,
              timestamp: n,
              step: n * 20 + i,
            }));
            const single = n % 2 === 0;
            const res = await (single
              ? post(url, 'runs/log-metric', { run_id: runId, key: 'single', value: n, timestamp: n, step: n })
              : post(url, 'runs/log-batch', {
                  run_id: runId,
                  metrics,
                  params: [{ key: `p${n}`, value: String(n) }],
                  tags: [{ key: `t${n}`, value: String(n) }],
                })
            ).catch(() => undefined);
            if (res?.status === 200) acked.push(n);
          }
        };
        const workers = Array.from({ length: 8 }, worker);
        // Killed once enough writes are acknowledged (however slow the machine is), with 8 more in flight.
        for (let waited = 0; acked.length < 40 && waited < 120_000; waited += 20)
          await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGKILL');
        stop = true;
        await Promise.all([exited, ...workers]);
        assert.ok(acked.length > 20, `only ${acked.length} writes were acknowledged before the kill`);

        const store = await openSqlStore(database);
        try {
          const stored = await store.tracking.getRun(runId);
          const batches = (await store.tracking.getMetricHistory(runId, 'm', 1_000_000)).metrics.map((m) => m.step);
          const singles = (await store.tracking.getMetricHistory(runId, 'single', 1_000_000)).metrics.map(
            (m) => m.step,
          );
          const params = new Set(stored?.params.map((p) => p.key));
          const tags = new Set(stored?.tags.map((t) => t.key));
          for (const n of acked) {
            if (n % 2 === 0) assert.ok(singles.includes(n), `acknowledged log-metric ${n} was lost`);
            else {
              assert.ok(params.has(`p${n}`) && tags.has(`t${n}`), `acknowledged batch ${n} lost its param or tag`);
              for (let i = 0; i < 20; i++)
                assert.ok(batches.includes(n * 20 + i), `acknowledged batch ${n} lost a point`);
            }
          }
        } finally {
          await store.close();
        }
      } finally {
        await schema?.drop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
