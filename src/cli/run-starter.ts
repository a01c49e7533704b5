import { dirname, join } from 'node:path';
import type { PipelineExecutor } from '../pipelines/executor/executor.js';
import { OSPREY_ALIAS } from '../pipelines/executor/launch.js';
import type { RunStarter } from '../pipelines/triggers/trigger-service.js';
import { FINISHED_STATUSES } from '../store/pipelines.js';
import type { Context } from './context.js';

export async function executorFor(
  ctx: Context,
  options: { parallelism?: number; reuseProcesses?: boolean } = {},
): Promise<PipelineExecutor> {
  const { PipelineExecutor } = await import('../pipelines/executor/executor.js');
  return new PipelineExecutor({
    store: ctx.store,
    artifacts: ctx.artifacts,
    workRoot: join(ctx.config.home, 'work'),
    parallelism: options.parallelism ?? 4,
    reuseProcesses: options.reuseProcesses ?? false,
  });
}

/**
 * How triggers start pipeline runs on this machine: compile the pipeline file fresh (its current code), record the
 * run under the event's id (so a retried start is the same run), then execute it — in the background for the
 * server (a restarted server resumes it), to the end for a one-shot CLI command.
 */
export function runStarter(ctx: Context, mode: 'background' | 'wait'): RunStarter {
  return async (request) => {
    const existing = await ctx.store.pipelines.getRun(request.runId);
    if (existing && FINISHED_STATUSES.includes(existing.status)) return;
    const { compilePipelineFresh } = await import('../pipelines/triggers/code-digest.js');
    const executor = await executorFor(ctx);
    const spec = existing ? undefined : await compilePipelineFresh(request.pipeline);
    const runId = spec
      ? await executor.create(spec, request.params, dirname(request.pipeline), { runId: request.runId })
      : request.runId;
    const finished = executor.resume(runId);
    if (mode === 'wait') await finished;
    else finished.catch(() => {}); // the outcome is recorded on the run
  };
}

/** Continues every run whose orchestrator stopped while it was running (what `osprey server` does on start-up). */
export async function resumeInterrupted(ctx: Context): Promise<string[]> {
  const running = (await ctx.store.pipelines.listRuns({ limit: 1000 })).filter((r) => r.status === 'running');
  const executor = await executorFor(ctx);
  for (const run of running) executor.resume(run.id).catch(() => {});
  return running.map((r) => r.id);
}

let typeScriptLoader: Promise<void> | undefined;
let ospreyAlias: Promise<unknown> | undefined;

/**
 * Prepares this process to import a pipeline file from anywhere on the machine: `import … from 'osprey'` resolves
 * to this installation (pipelines/loader), and TypeScript loads — from source the CLI already runs under tsx; the
 * built CLI (plain node) registers tsx's loader once, the first time it imports a `.ts`/`.mts` pipeline file.
 */
export async function loadTypeScriptFor(file: string): Promise<void> {
  ospreyAlias ??= import(OSPREY_ALIAS);
  await ospreyAlias;
  if (!/\.(c|m)?ts$/.test(file) || import.meta.url.endsWith('.ts')) return;
  typeScriptLoader ??= import('tsx/esm/api').then((tsx) => {
    tsx.register();
  });
  await typeScriptLoader;
}
