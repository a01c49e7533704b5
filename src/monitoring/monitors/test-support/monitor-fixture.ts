import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../../data/bundled.js';
import { DatasetService } from '../../../data/datasets.js';
import type { RunRequest } from '../../../pipelines/triggers/trigger-service.js';
import { TriggerService } from '../../../pipelines/triggers/trigger-service.js';
import { ModelRegistry } from '../../../registry/model-registry.js';
import { trackingRunLookup } from '../../../registry/sources.js';
import { DeploymentService } from '../../../serving/traffic/deployment-service.js';
import type { MetadataStore } from '../../../store/metadata-store.js';
import type { NewPrediction } from '../../../store/monitors.js';
import { storeBackends } from '../../../store/sql/test-support/fresh-stores.js';
import { DATASET_CONTEXT_TAG } from '../../../store/tracking.js';
import { TrackingService } from '../../../tracking/service.js';
import { MonitorService } from '../monitor-service.js';

export type Season = 'winter' | 'summer';

/** One line of the Seattle weather CSV logged as a prediction (`sun`, version 1) with its four measurements. */
export function weatherPrediction(
  line: string,
  where: Pick<NewPrediction, 'deployment' | 'requestId' | 'modelName' | 'at'>,
): NewPrediction {
  const [, precipitation, tempMax, tempMin, wind] = line.split(',');
  return {
    ...where,
    modelVersion: '1',
    features: {
      precipitation: Number(precipitation),
      temp_max: Number(tempMax),
      temp_min: Number(tempMin),
      wind: Number(wind),
    },
    prediction: 'sun',
    scores: null,
  };
}
const MONTHS: Record<Season, number[]> = { winter: [12, 1, 2], summer: [6, 7, 8] };

/**
 * A real SQLite store and artifact store with the services a monitor works with, and the bundled Seattle weather
 * (2012–2015) cut into its winter and summer days: files to add as dataset versions and rows to log as predictions.
 */
export async function monitorFixture(options: { store?: (store: MetadataStore) => MetadataStore } = {}) {
  const home = await mkdtemp(join(tmpdir(), 'osprey-monitor-fixture-'));
  const backend = storeBackends().find((b) => b.name === 'sqlite')!;
  const db = await backend.fresh();
  const realStore = await db.open();
  const store = options.store?.(realStore) ?? realStore;
  const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  const datasets = new DatasetService(realStore, artifacts);
  const tracking = new TrackingService(realStore.tracking, realStore.datasets);
  const registry = new ModelRegistry(realStore.registry, trackingRunLookup(realStore.tracking));
  const deployments = new DeploymentService(realStore, registry);
  const [header, ...rows] = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trim().split('\n');
  const days = (season: Season) => rows.filter((r) => MONTHS[season].includes(Number(r.slice(5, 7))));
  let copies = 0;
  const started: RunRequest[] = [];
  const triggers = new TriggerService(realStore, {
    codeDigest: async () => 'a'.repeat(64),
    startRun: async (request) => {
      started.push(request);
    },
  });
  const webhooks: unknown[] = [];
  let now = Date.UTC(2026, 0, 1);
  const monitors = new MonitorService(store, {
    openDatasets: async () => ({ datasets, artifacts }),
    fireTrigger: async (trigger, event) => {
      const fired = await triggers.fire(trigger, event);
      return { runId: fired.runId, error: fired.error };
    },
    fetch: async (_url, init) => {
      webhooks.push(JSON.parse(String(init?.body)));
      return new Response(null, { status: 204 });
    },
    now: () => now,
  });
  let requests = 0;

  return {
    home,
    store: realStore,
    datasets,
    tracking,
    registry,
    deployments,
    triggers,
    monitors,
    started,
    webhooks,
    advance(minutes: number) {
      now += minutes * 60_000;
    },
    /** A file of one season's days (each call a new file with new content, so a new dataset version). */
    async seasonFile(season: Season): Promise<string> {
      const path = join(home, `${season}-${++copies}.csv`);
      await writeFile(path, `${[header, ...days(season)].join('\n')}${'\n'.repeat(copies)}`);
      return path;
    },
    async addVersion(name: string, season: Season) {
      return (await datasets.add({ name, path: await this.seasonFile(season) })).version;
    },
    /**
     * Registers a version of `model` produced by a tracking run whose dataset inputs are the given dataset
     * versions (by digest, as MLflow's log-inputs sends them), each with its context tag.
     */
    async registerTrained(model: string, inputs: { name: string; digest: string; context: string }[]) {
      const run = await tracking.createRun({ tags: [] });
      await tracking.logInputs(
        run.info.runId,
        inputs.map((i) => ({
          dataset: { name: i.name, digest: i.digest, sourceType: 'local', source: i.name, schema: null, profile: null },
          tags: [{ key: DATASET_CONTEXT_TAG, value: i.context }],
        })),
      );
      if (!(await realStore.registry.getModel(model))) await registry.createModel(model, '', []);
      return registry.createVersion({
        name: model,
        source: `mlflow-artifacts:/models/${model}/${run.info.runId}`,
        runId: run.info.runId,
        runLink: '',
        description: '',
        tags: [],
        userId: null,
      });
    },
    /** Logs one season's days as the deployment's predictions, after everything logged before. */
    async logPredictions(deployment: string, season: Season): Promise<number> {
      return realStore.predictions.append(
        days(season).map((line) => {
          requests++;
          return weatherPrediction(line, {
            deployment,
            requestId: `r${requests}`,
            modelName: 'rain',
            at: Date.UTC(2025, 0, 1) + requests * 1000,
          });
        }),
      );
    },
    async close() {
      await db.cleanup();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export type MonitorFixture = Awaited<ReturnType<typeof monitorFixture>>;
