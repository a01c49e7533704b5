import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import { DatasetService } from '../../data/datasets.js';
import type { RunRequest } from '../../pipelines/triggers/trigger-service.js';
import { TriggerService } from '../../pipelines/triggers/trigger-service.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { MonitorService } from './monitor-service.js';
import { weatherPrediction } from './test-support/monitor-fixture.js';

const TRAIN = fileURLToPath(new URL('../../../examples/train-pipeline.ts', import.meta.url));

let home: string;
let store: MetadataStore;
let artifacts: ArtifactStore;
let datasets: DatasetService;
let slices: Record<'winter' | 'summer', string>;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-monitors-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  datasets = new DatasetService(store, artifacts);
  // Two real slices of the bundled Seattle weather: winter months and summer months of 2012–2015.
  const [header, ...rows] = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trim().split('\n');
  const month = (row: string) => Number(row.slice(5, 7));
  slices = { winter: join(home, 'winter.csv'), summer: join(home, 'summer.csv') };
  await writeFile(slices.winter, [header, ...rows.filter((r) => [12, 1, 2].includes(month(r)))].join('\n'));
  await writeFile(slices.summer, [header, ...rows.filter((r) => [6, 7, 8].includes(month(r)))].join('\n'));
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

let copies = 0;
/** The same rows in a new file with one more trailing newline: new content, so a new dataset version. */
async function copyOf(path: string): Promise<string> {
  const copy = join(home, `copy-${++copies}.csv`);
  await writeFile(copy, `${await readFile(path, 'utf8')}${'\n'.repeat(copies)}`);
  return copy;
}

function services(name: string) {
  const started: RunRequest[] = [];
  const triggers = new TriggerService(store, {
    codeDigest: async () => 'a'.repeat(64),
    startRun: async (request) => {
      started.push(request);
    },
  });
  let now = Date.UTC(2026, 0, 1);
  const monitors = new MonitorService(store, {
    openDatasets: async () => ({ datasets, artifacts }),
    fireTrigger: async (trigger, event) => {
      const fired = await triggers.fire(trigger, event);
      return { runId: fired.runId, error: fired.error };
    },
    now: () => now,
  });
  return {
    started,
    triggers,
    monitors,
    advance: (minutes: number) => {
      now += minutes * 60_000;
    },
    addVersion: async (slice: 'winter' | 'summer') => (await datasets.add({ name, path: slices[slice] })).version,
  };
}

describe('monitors', () => {
  it('raises one alert per drift episode and starts exactly one pipeline run through a trigger', async () => {
    const s = services('weather');
    await s.addVersion('winter');
    await s.triggers.add({ name: 'retrain-weather', kind: 'api', pipeline: TRAIN });
    await s.monitors.add('weather-drift', {
      reference: 'weather@1',
      source: { dataset: 'weather' },
      columns: ['temp_max', 'temp_min', 'precipitation', 'wind'],
      everySeconds: 60,
      cooldownMinutes: 0,
      actions: [{ kind: 'trigger', trigger: 'retrain-weather', param: 'data' }],
    });
    const calm = await s.monitors.evaluate('weather-drift');
    assert.equal(calm.report?.dataset_drift, false, 'the reference against itself');
    assert.equal(calm.alert, null);

    await s.addVersion('summer');
    s.advance(1);
    const drifted = await s.monitors.evaluate('weather-drift');
    assert.equal(drifted.report?.dataset_drift, true);
    const byName = Object.fromEntries(drifted.report!.features.map((f) => [f.name, f.drifted]));
    assert.deepEqual([byName.temp_max, byName.temp_min], [true, true], 'the seasonal columns');
    assert.ok(drifted.alert);
    assert.match(drifted.alert.message, /columns drifted \(.*temp_max/);
    assert.equal(s.started.length, 1);
    assert.deepEqual(s.started[0]?.params.data, 'weather');
    const actions = drifted.alert.actions.actions as { kind: string; runId: string }[];
    assert.equal(actions[0]?.runId, s.started[0]?.runId);

    for (let i = 0; i < 3; i++) {
      s.advance(1);
      const again = await s.monitors.evaluate('weather-drift');
      assert.equal(again.report?.dataset_drift, true);
      assert.equal(again.alert, null, 'the same episode raises no second alert');
    }
    assert.equal(s.started.length, 1, 'and starts no second run');

    // Winter data again ends the episode; summer data after it is a new episode: a second alert, a second run.
    await datasets.add({ name: 'weather', path: await copyOf(slices.winter) });
    s.advance(1);
    const calmAgain = await s.monitors.evaluate('weather-drift');
    assert.deepEqual([calmAgain.report?.dataset_drift, calmAgain.alert], [false, null]);
    await datasets.add({ name: 'weather', path: await copyOf(slices.summer) });
    s.advance(1);
    assert.ok((await s.monitors.evaluate('weather-drift')).alert);
    assert.equal(s.started.length, 2);
    const monitor = await store.monitors.get('weather-drift');
    assert.equal((await store.monitors.alerts({ monitorId: monitor!.id })).length, 2);
  });

  it('does not alert again within the cooldown after an episode ends, and says when there is no data', async () => {
    const s = services('weather-b');
    await s.addVersion('winter');
    await s.monitors.add('cooling', {
      reference: 'weather-b@1',
      source: { dataset: 'weather-b' },
      columns: ['temp_max', 'temp_min'],
      cooldownMinutes: 60,
    });
    await s.addVersion('summer');
    assert.ok((await s.monitors.evaluate('cooling')).alert, 'first episode alerts');
    await datasets.add({ name: 'weather-b', path: await copyOf(slices.winter) });
    s.advance(5);
    assert.equal((await s.monitors.evaluate('cooling')).report?.dataset_drift, false, 'the episode ends');
    await datasets.add({ name: 'weather-b', path: await copyOf(slices.summer) });
    s.advance(5);
    const second = await s.monitors.evaluate('cooling');
    assert.equal(second.report?.dataset_drift, true);
    assert.equal(second.alert, null, 'a new episode inside the cooldown stays quiet');
    s.advance(61);
    // Still the same (unalerted) episode; once the cooldown is over it alerts.
    assert.ok((await s.monitors.evaluate('cooling')).alert);

    await s.monitors.add('no-traffic', { reference: 'weather-b@1', source: { deployment: 'rain' } });
    const empty = await s.monitors.evaluate('no-traffic');
    assert.equal(empty.report, null);
    assert.match(empty.note ?? '', /no predictions logged for rain/);
    await assert.rejects(
      s.monitors.add('bad', { reference: 'x', source: {} }),
      /invalid monitor configuration: source/,
    );
  });

  it('calls a webhook once per alert with the alert, and records what it answered', async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const s = services('weather-d');
      await s.addVersion('winter');
      await s.monitors.add('hooked', {
        reference: 'weather-d@1',
        source: { dataset: 'weather-d' },
        columns: ['temp_max', 'temp_min'],
        actions: [{ kind: 'webhook', url: `http://127.0.0.1:${port}/alerts` }],
      });
      await s.addVersion('summer');
      const { alert } = await s.monitors.evaluate('hooked');
      assert.deepEqual(alert?.actions, {
        actions: [{ kind: 'webhook', url: `http://127.0.0.1:${port}/alerts`, status: 202 }],
      });
      s.advance(1);
      await s.monitors.evaluate('hooked');
      assert.equal(received.length, 1, 'one call for the one alert');
      assert.match((received[0] as { alert: { message: string } }).alert.message, /temp_max/);
    } finally {
      server.close();
    }
  });

  it('compares the prediction log of a deployment with the reference', async () => {
    const s = services('weather-c');
    await s.addVersion('winter');
    const summer = (await readFile(slices.summer, 'utf8')).trim().split('\n').slice(1);
    await store.predictions.append(
      summer.map((line, i) =>
        weatherPrediction(line, {
          deployment: 'rain',
          requestId: `q${i}`,
          modelName: 'seattle-rain',
          at: Date.UTC(2026, 0, 1) - 1000 + i,
        }),
      ),
    );
    await s.monitors.add('rain-traffic', {
      reference: 'weather-c@1',
      source: { deployment: 'rain' },
      window: { rows: 200 },
    });
    const evaluation = await s.monitors.evaluate('rain-traffic');
    assert.equal(evaluation.report?.dataset_drift, true);
    assert.deepEqual(
      evaluation.report?.features.map((f) => f.name).sort(),
      ['precipitation', 'temp_max', 'temp_min', 'wind'],
      'the columns both sides have',
    );
    assert.equal(evaluation.report?.features[0]?.n_current, 200);
    const ticked = await s.monitors.tick();
    assert.deepEqual(ticked.evaluations, [], 'nothing is due again within everySeconds');
  });
});
