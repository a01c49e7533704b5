import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { runCli, startServerProcess, stopProcess } from './test-support/run-cli.js';

const TRAIN = fileURLToPath(new URL('../../examples/train-pipeline.ts', import.meta.url));
let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-triggers-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
});
after(() => rm(dir, { recursive: true, force: true }));

async function addWeatherVersion(days: number): Promise<void> {
  const lines = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trimEnd().split('\n');
  const path = join(dir, `weather-${days}.csv`);
  await writeFile(path, lines.slice(0, days + 1).join('\n'));
  assert.equal((await runCli(['data', 'add', path, '--name', 'weather'], env)).code, 0);
}

describe('osprey triggers with osprey server', () => {
  it('a new dataset version makes the server start exactly one training run with that version', async () => {
    await addWeatherVersion(1000);
    const add = await runCli(
      ['triggers', 'add', 'retrain', '--kind', 'dataset', '--dataset', 'weather', '--pipeline', TRAIN],
      env,
    );
    assert.equal(add.code, 0, add.stderr);
    await addWeatherVersion(1461);
    const { child } = await startServerProcess({ ...env, OSPREY_TRIGGER_INTERVAL: '1' });
    try {
      let runs: { run_id: string; status: string }[] = [];
      for (let i = 0; i < 120 && !runs.some((r) => r.status === 'succeeded'); i++) {
        await sleep(500);
        runs = JSON.parse((await runCli(['runs', 'ls', '--json'], env)).stdout) as typeof runs;
      }
      assert.equal(runs.length, 1, JSON.stringify(runs));
      assert.equal(runs[0]?.status, 'succeeded');
      const history = JSON.parse((await runCli(['triggers', 'history', 'retrain', '--json'], env)).stdout) as {
        dedupe_key: string;
        run_id: string;
      }[];
      assert.deepEqual(
        history.map((e) => [e.dedupe_key, e.run_id]),
        [['dataset:weather@2', runs[0]?.run_id]],
      );
    } finally {
      await stopProcess(child);
    }
    const runs = JSON.parse((await runCli(['runs', 'ls', '--json'], env)).stdout) as unknown[];
    assert.equal(runs.length, 1, 'no second run for the same version');
  });

  it('an API trigger fired twice with one key starts one run (embedded, the run completes first)', async () => {
    const add = await runCli(['triggers', 'add', 'on-alert', '--kind', 'api', '--pipeline', TRAIN], env);
    assert.equal(add.code, 0, add.stderr);
    const fire = ['triggers', 'fire', 'on-alert', '--key', 'alert-1', '--params', '{"data":"weather@1"}', '--json'];
    const first = JSON.parse((await runCli(fire, env)).stdout) as { run_id: string; error: string | null };
    assert.equal(first.error, null);
    const second = JSON.parse((await runCli(fire, env)).stdout) as { run_id: string };
    assert.equal(second.run_id, first.run_id);
    const show = JSON.parse((await runCli(['runs', 'show', first.run_id, '--json'], env)).stdout) as {
      status: string;
    };
    assert.equal(show.status, 'succeeded');
  });
});
