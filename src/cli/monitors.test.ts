import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { openSqlStore } from '../store/sql/sql-metadata-store.js';
import { runCli, startServerProcess, stopProcess } from './test-support/run-cli.js';

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-monitors-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
});
after(() => rm(dir, { recursive: true, force: true }));

async function slice(name: string, months: number[]): Promise<string> {
  const [header, ...rows] = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trim().split('\n');
  const path = join(dir, `${name}.csv`);
  await writeFile(path, [header, ...rows.filter((r) => months.includes(Number(r.slice(5, 7))))].join('\n'));
  return path;
}

describe('osprey monitors', () => {
  it('adds a monitor on a dataset, evaluates it on demand, and lists its one alert per episode', async () => {
    assert.equal((await runCli(['data', 'add', await slice('winter', [12, 1, 2]), '--name', 'w'], env)).code, 0);
    const add = await runCli(
      ['monitors', 'add', 'w-drift', '--reference', 'w@1', '--dataset', 'w', '--columns', 'temp_max,temp_min,wind'],
      env,
    );
    assert.equal(add.code, 0, add.stderr);
    const calm = JSON.parse((await runCli(['monitors', 'run', 'w-drift', '--json'], env)).stdout);
    assert.equal(calm.report.dataset_drift, false);
    assert.equal((await runCli(['data', 'add', await slice('summer', [6, 7, 8]), '--name', 'w'], env)).code, 0);
    const drift = await runCli(['monitors', 'run', 'w-drift'], env);
    assert.equal(drift.code, 0, drift.stderr);
    assert.match(drift.stdout, /w-drift: DRIFT/);
    assert.match(drift.stdout, /^temp_max\s+\S+\s+\S+\s+\S+\s+\S+\s+yes$/m);
    assert.match(drift.stdout, /alert: 2 of 3 columns drifted|alert: 3 of 3 columns drifted/);
    const again = await runCli(['monitors', 'run', 'w-drift'], env);
    assert.match(again.stdout, /no new alert/);
    const alerts = JSON.parse((await runCli(['monitors', 'alerts', 'w-drift', '--json'], env)).stdout) as unknown[];
    assert.equal(alerts.length, 1);
    const ls = await runCli(['monitors', 'ls'], env);
    assert.match(ls.stdout, /w-drift\s+w@1/);
    const bad = await runCli(['monitors', 'add', 'bad', '--reference', 'w@1'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /one of --deployment, --dataset, --file/);
  });

  it('watches an endpoint against its champion; an endpoint that cannot be read is one operational alert', async () => {
    const home = { OSPREY_HOME: join(dir, 'endpoint-home'), OSPREY_DB: '' };
    const add = await runCli(
      [
        'monitors',
        'add',
        'rain-watch',
        '--endpoint',
        'rain-api',
        '--trigger',
        'retrain',
        '--param',
        'data',
        '--param-dataset',
        'seattle-weather',
        '--champion-param',
        'champion',
      ],
      home,
    );
    assert.equal(add.code, 0, add.stderr);
    const [monitor] = JSON.parse((await runCli(['monitors', 'ls', '--json'], home)).stdout) as {
      config: Record<string, unknown>;
    }[];
    assert.deepEqual(
      [monitor?.config.reference, monitor?.config.source, monitor?.config.actions],
      [
        { champion: 'rain-api' },
        { deployment: 'rain-api' },
        [{ kind: 'trigger', trigger: 'retrain', param: 'data', dataset: 'seattle-weather', championParam: 'champion' }],
      ],
    );
    assert.match((await runCli(['monitors', 'ls'], home)).stdout, /rain-watch\s+champion of rain-api/);
    const run = await runCli(['monitors', 'run', 'rain-watch'], home);
    assert.equal(run.code, 1, 'a monitor that cannot read its reference fails');
    assert.match(run.stdout, /rain-watch: could not evaluate — .*no deployment serves endpoint "rain-api"/);
    assert.match(run.stdout, /alert: monitor rain-watch: /);
    assert.match((await runCli(['monitors', 'run', 'rain-watch'], home)).stdout, /no new alert/);
    const alerts = await runCli(['monitors', 'alerts', 'rain-watch'], home);
    assert.equal(alerts.stdout.match(/^\S+\s+operational\s+monitor rain-watch: /gm)?.length, 1, alerts.stdout);
    const bad = await runCli(['monitors', 'add', 'bad', '--endpoint', 'rain-api', '--param-dataset', 'x'], home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--param-dataset needs --param/);
  });

  it('watches the accuracy of labelled predictions: --min-accuracy, a performance alert, ls and alerts', async () => {
    const home = { OSPREY_HOME: join(dir, 'performance-home'), OSPREY_DB: '' };
    const add = await runCli(
      [
        'monitors',
        'add',
        'rain-acc',
        '--deployment',
        'rain',
        '--no-drift',
        '--min-accuracy',
        '0.85',
        '--min-labelled',
        '20',
      ],
      home,
    );
    assert.equal(add.code, 0, add.stderr);
    const [monitor] = JSON.parse((await runCli(['monitors', 'ls', '--json'], home)).stdout) as {
      config: Record<string, unknown>;
    }[];
    assert.deepEqual(
      [monitor?.config.reference, monitor?.config.drift, monitor?.config.performance],
      [undefined, false, { metric: 'accuracy', min: 0.85, minLabelled: 20 }],
    );
    // 40 answers logged by the server, labelled later: half of them wrong.
    const store = await openSqlStore({ kind: 'sqlite', path: join(home.OSPREY_HOME, 'osprey.db') });
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
      await store.predictions.append(
        ids.map((requestId, i) => ({
          deployment: 'rain',
          requestId,
          modelName: 'rain',
          modelVersion: '1',
          at: Date.UTC(2026, 0, 1) + i,
          features: { temp_max: 10 },
          prediction: 'sun',
          scores: null,
        })),
      );
      await store.predictions.attachLabels(
        'rain',
        ids.map((requestId, i) => ({ requestId, label: i % 2 === 0 ? 'sun' : 'rain' })),
      );
    } finally {
      await store.close();
    }
    const run = await runCli(['monitors', 'run', 'rain-acc'], home);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /performance: accuracy 0\.5 \(bound >= 0\.85\) on 40 labelled predictions — OUT OF BOUNDS/,
    );
    assert.match(run.stdout, /^alert: accuracy 0\.5 < 0\.85 on 40 labelled predictions$/m);
    const alerts = await runCli(['monitors', 'alerts', 'rain-acc'], home);
    assert.match(alerts.stdout, /^\S+\s+performance\s+accuracy 0\.5 < 0\.85 on 40 labelled predictions/m);
    assert.match(
      (await runCli(['monitors', 'ls'], home)).stdout,
      /rain-acc\s+-\s+\S+\s+accuracy >= 0\.85: 0\.5 on 40 labelled/,
    );
    const bad = await runCli(
      ['monitors', 'add', 'bad', '--deployment', 'rain', '--no-drift', '--min-accuracy', '85'],
      home,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /performance\.min: accuracy lies in \[0, 1\]; 85 is outside it/);
  });

  it('osprey server evaluates monitors on their schedule and records the alert', async () => {
    const home = { OSPREY_HOME: join(dir, 'server-home'), OSPREY_DB: '' };
    assert.equal((await runCli(['data', 'add', await slice('winter-s', [12, 1, 2]), '--name', 's'], home)).code, 0);
    const add = await runCli(
      ['monitors', 'add', 's-drift', '--reference', 's@1', '--dataset', 's', '--columns', 'temp_max', '--every', '1'],
      home,
    );
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await runCli(['data', 'add', await slice('summer-s', [6, 7, 8]), '--name', 's'], home)).code, 0);
    const { child } = await startServerProcess({ ...home, OSPREY_MONITOR_INTERVAL: '1' });
    try {
      let alerts: unknown[] = [];
      for (let i = 0; i < 120 && alerts.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        alerts = JSON.parse((await runCli(['monitors', 'alerts', 's-drift', '--json'], home)).stdout) as unknown[];
      }
      assert.equal(alerts.length, 1, 'the server evaluated the monitor and raised its alert');
    } finally {
      await stopProcess(child);
    }
  });
});
