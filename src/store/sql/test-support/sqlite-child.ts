// A separate process for the SQLite tests: `node --import tsx sqlite-child.ts <db path> <adds> <label>`.
// Prints "ready" once loaded, waits for "go" on stdin (so two children open the database at the same moment),
// opens the store, adds <adds> versions of dataset "shared" concurrently, then prints its schema version as JSON.
import { createInterface } from 'node:readline';
import { newDatasetVersion } from '../../test-support/dataset-fixtures.js';
import { openSqlStore } from '../sql-metadata-store.js';

const [path, adds = '0', label = 'child'] = process.argv.slice(2);
if (!path) throw new Error('usage: sqlite-child.ts <db path> <adds> <label>');

const lines = createInterface({ input: process.stdin });
console.log('ready');
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const store = await openSqlStore({ kind: 'sqlite', path });
const results = await Promise.all(
  Array.from({ length: Number(adds) }, (_, i) =>
    store.datasets.addVersion(newDatasetVersion('shared', `${label}-${i}`)),
  ),
);
console.log(
  JSON.stringify({ schemaVersion: await store.schemaVersion(), created: results.filter((r) => r.created).length }),
);
await store.close();
