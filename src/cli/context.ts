import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { configFromEnv, type OspreyConfig } from '../core/config.js';
import type { DatasetService } from '../data/datasets.js';
import type { MetadataStore } from '../store/metadata-store.js';

/** The composition root of the CLI: the one place that picks implementations from the configuration. */
export interface Context {
  config: OspreyConfig;
  store: MetadataStore;
  artifacts: ArtifactStore;
  datasets: DatasetService;
  close(): Promise<void>;
}

export async function openContext(env: Readonly<Record<string, string | undefined>> = process.env): Promise<Context> {
  const config = configFromEnv(env);
  // Loaded here, not at the top, so that `--help` and usage errors answer without loading database drivers.
  const [{ openSqlStore }, { LocalArtifactStore }, { DatasetService }] = await Promise.all([
    import('../store/sql/sql-metadata-store.js'),
    import('../artifacts/local/local-artifact-store.js'),
    import('../data/datasets.js'),
  ]);
  const store = await openSqlStore(config.database);
  const artifacts = await LocalArtifactStore.open(config.artifactsRoot);
  return {
    config,
    store,
    artifacts,
    datasets: new DatasetService(store, artifacts),
    close: () => store.close(),
  };
}

/** Runs `work` with an open context and always closes it. */
export async function withContext<T>(work: (context: Context) => Promise<T>): Promise<T> {
  const context = await openContext();
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
