// A disposable orchestrator process for crash tests:
//   orchestrator-child.ts HOME start PIPELINE_FILE EXPORT PARAMS_JSON   → prints the run id, then runs it
//   orchestrator-child.ts HOME resume RUN_ID
// HOME holds osprey.db, artifacts/ and work/. Exits 0 when the run succeeded.
import { dirname, join } from 'node:path';
import { LocalArtifactStore } from '../../../artifacts/local/local-artifact-store.js';
import { openSqlStore } from '../../../store/sql/sql-metadata-store.js';
import { compileFile } from '../../compiler/compile.js';
import { PipelineExecutor } from '../executor.js';

const [home, command, ...rest] = process.argv.slice(2);
if (!home || !command) throw new Error('usage: orchestrator-child HOME start|resume …');
const store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
const executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
let runId = rest[0]!;
if (command === 'start') {
  const [file, exportName, params] = rest as [string, string, string];
  const spec = await compileFile(file, { exportName });
  runId = await executor.create(spec, JSON.parse(params) as Record<string, unknown>, dirname(file));
}
console.log(runId);
const run = await executor.resume(runId);
await store.close();
process.exit(run.status === 'succeeded' ? 0 : 1);
