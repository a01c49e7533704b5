// Runs one `data add` in its own process and prints its phase times and peak resident memory as JSON.
import { join } from 'node:path';
import { LocalArtifactStore } from '../src/artifacts/local/local-artifact-store.js';
import { DatasetService } from '../src/data/datasets.js';
import { openSqlStore } from '../src/store/sql/sql-metadata-store.js';

const [file, home] = process.argv.slice(2) as [string, string];
const store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
const datasets = new DatasetService(store, artifacts, { scratchDir: home });
const marks: Record<string, number> = { start: performance.now() };
const { version } = await datasets.add({
  name: 'bench',
  path: file,
  onProgress: (e) => {
    marks[e.phase] ??= performance.now();
  },
});
marks.end = performance.now();
await store.close();
const s = (a: string, b: string) => ((marks[b] ?? 0) - (marks[a] ?? 0)) / 1000;
console.log(
  JSON.stringify({
    rows: version.rowCount,
    columns: (version.schema as { columns: unknown[] }).columns.length,
    hashSeconds: s('start', 'store'),
    storeSeconds: s('store', 'load'),
    parseSeconds: s('load', 'profile'),
    profileSeconds: s('profile', 'end'),
    totalSeconds: s('start', 'end'),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
