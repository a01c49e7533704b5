import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { DatasetService } from '../datasets.js';

/** A real embedded Osprey home (SQLite file + local artifacts) in a temp dir. */
export interface DataFixture {
  dir: string;
  store: MetadataStore;
  artifacts: LocalArtifactStore;
  datasets: DatasetService;
  cleanup(): Promise<void>;
}

export async function openDataFixture(): Promise<DataFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-data-test-'));
  const store = await openSqlStore({ kind: 'sqlite', path: join(dir, 'osprey.db') });
  const artifacts = await LocalArtifactStore.open(join(dir, 'artifacts'));
  const datasets = new DatasetService(store, artifacts, { scratchDir: dir });
  return {
    dir,
    store,
    artifacts,
    datasets,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
