// A real Osprey API server in its own process, for tests that kill it: argv[2] is the database config (JSON),
// argv[3] the artifacts directory. Prints {"port": N} once listening on 127.0.0.1, then serves until killed.
import { LocalArtifactStore } from '../../../../artifacts/local/local-artifact-store.js';
import type { OspreyConfig } from '../../../../core/config.js';
import { openSqlStore } from '../../../../store/sql/sql-metadata-store.js';
import { createApiServer } from '../../../server.js';

const database = JSON.parse(process.argv[2] ?? '{}') as OspreyConfig['database'];
const store = await openSqlStore(database);
const artifacts = await LocalArtifactStore.open(process.argv[3] ?? '');
const app = createApiServer({ store, artifacts, version: 'child' });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
