import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetVersionRecord } from '../store/metadata-store.js';
import type { Context } from './context.js';
import { executorFor, loadTypeScriptFor } from './run-starter.js';

export interface DemoPipelineRun {
  runId: string;
  status: string;
  tasks: { name: string; status: string }[];
}

const TRAIN = fileURLToPath(new URL('../../examples/train-pipeline.ts', import.meta.url));

/**
 * Demo stage 5: the example training pipeline (prepare → train → gate on accuracy → promote or reject, with an exit
 * handler) run by the durable orchestrator on the versioned data, each step in its own process. A second demo run
 * is served from the step cache. Undefined when the examples are not shipped (an installed package).
 */
export async function runDemoPipeline(
  ctx: Context,
  dataset: DatasetVersionRecord,
): Promise<DemoPipelineRun | undefined> {
  if (!existsSync(TRAIN)) return undefined;
  await loadTypeScriptFor(TRAIN);
  const { compileFile } = await import('../pipelines/compiler/index.js');
  const spec = await compileFile(TRAIN);
  const executor = await executorFor(ctx);
  const run = await executor.run(spec, { data: `${dataset.datasetName}@${dataset.version}` }, dirname(TRAIN));
  const tasks = await ctx.store.pipelines.listTasks(run.id);
  return { runId: run.id, status: run.status, tasks: tasks.map((t) => ({ name: t.path, status: t.status })) };
}
