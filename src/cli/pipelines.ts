import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { invalidArgument } from '../core/errors.js';
import type { PipelineRunRecord } from '../store/pipelines.js';
import { type Context, withContext } from './context.js';
import { printJson, printLines, table } from './output.js';
import { watchRun } from './run-progress.js';
import { executorFor, loadTypeScriptFor } from './run-starter.js';

/**
 * Pipelines: `osprey run FILE`, `osprey compile FILE`, and the verbs only pipeline runs have under `osprey runs`:
 * `logs`, `resume`, `retry`, `cancel` (`runs ls|show` list and show every run: a pipeline run is a tracking run).
 */
const parallelismOption = () => new Option('--parallelism <n>', 'steps running at once').default('4');
const reuseProcessesOption = () =>
  new Option('--reuse-processes', 'hand steps to reused processes (much less overhead per step; steps share globals)');

export function registerPipelineCommands(program: Command, runs: Command): void {
  program
    .command('run')
    .description('compile a pipeline file and run it to the end on this machine (steps in their own processes)')
    .argument('<file>', 'a pipeline file (its default export, or --export)')
    .option('-p, --param <k=v...>', 'pipeline parameters (JSON values allowed: --param epochs=3)')
    .option('--export <name>', 'the exported pipeline to run', 'default')
    .addOption(parallelismOption())
    .addOption(reuseProcessesOption())
    .option('--runner <runner>', 'process (default) or container (docker/podman, each step in its image)', 'process')
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: {
          param?: string[];
          export: string;
          parallelism: string;
          reuseProcesses?: boolean;
          runner: string;
          json?: boolean;
        },
      ) =>
        withContext(async (ctx) => {
          const params = parseParams(opts.param ?? []);
          const { compileFile } = await import('../pipelines/compiler/index.js');
          const path = resolve(file);
          await loadTypeScriptFor(path);
          const spec = await compileFile(path, { exportName: opts.export });
          const executor = await executorFor(ctx, executorOptions(opts));
          if (opts.runner !== 'process' && opts.runner !== 'container')
            throw invalidArgument(`--runner ${opts.runner}: use process or container`);
          const runId = await executor.create(spec, params, dirname(path), { runner: opts.runner });
          if (!opts.json) printLines(`pipeline ${spec.name}: run ${runId}`);
          const stopWatching = watchRun(ctx, runId, { quiet: Boolean(opts.json) });
          const run = await executor.resume(runId).finally(stopWatching);
          await report(ctx, run, Boolean(opts.json));
          if (run.status !== 'succeeded') process.exitCode = 1;
        }),
    );

  program
    .command('compile')
    .description('compile a pipeline file to its versioned spec (osprey.pipeline/v1) or an Argo Workflow manifest')
    .argument('<file>', 'a pipeline file')
    .option('--target <target>', 'spec or argo', 'spec')
    .option('--export <name>', 'the exported pipeline', 'default')
    .option('--image <image>', 'argo: the image of function components that declare none')
    .option('--namespace <ns>', 'argo: the Kubernetes namespace')
    .option('-o, --output <file>', 'write here instead of stdout')
    .action(
      async (
        file: string,
        opts: { target: string; export: string; image?: string; namespace?: string; output?: string },
      ) => {
        if (!['spec', 'argo'].includes(opts.target)) throw invalidArgument(`--target ${opts.target}: use spec or argo`);
        const [{ compileFile, toArgoWorkflow, argoYaml }, { formatSpec }] = await Promise.all([
          import('../pipelines/compiler/index.js'),
          import('../pipelines/spec/digest.js'),
        ]);
        await loadTypeScriptFor(resolve(file));
        const spec = await compileFile(resolve(file), { exportName: opts.export });
        const argo = {
          ...(opts.image ? { image: opts.image } : {}),
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
        };
        const text = opts.target === 'argo' ? argoYaml(toArgoWorkflow(spec, argo)) : formatSpec(spec);
        if (opts.output) await writeFile(opts.output, text);
        else process.stdout.write(text);
      },
    );

  program
    .command('reproduce')
    .description(
      're-run a succeeded pipeline run with its recorded code digests, parameters, dataset versions and seed, ' +
        'without the cache; report per step whether outputs and metrics came out identical (exit 1 if not)',
    )
    .argument('<run>', 'pipeline run id')
    .addOption(parallelismOption())
    .addOption(reuseProcessesOption())
    .option('--json', 'machine-readable output')
    .action(async (runId: string, opts: { parallelism: string; reuseProcesses?: boolean; json?: boolean }) =>
      withContext(async (ctx) => {
        await requiredRun(ctx, runId);
        const report = await (await executorFor(ctx, executorOptions(opts))).reproduce(runId);
        if (!report.reproducible) process.exitCode = 1;
        if (opts.json) return printJson(report);
        printLines(
          `run ${runId} reproduced as ${report.runId}: ${
            report.reproducible ? 'identical' : `NOT reproducible, first divergence at ${report.firstDivergence}`
          }`,
          ...table(
            ['STEP', 'RESULT', 'DIFFERENCES'],
            report.steps.map((s) => [
              s.task,
              s.verdict,
              s.error ??
                s.differences
                  .map((d) => `${d.kind} ${d.name}: ${clipText(d.original)} → ${clipText(d.reproduced)}`)
                  .join('; '),
            ]),
          ),
          ...report.environment.map((e) => `environment ${e.key}: ${clipText(e.original)} → ${clipText(e.reproduced)}`),
        );
      }),
    );

  runs
    .command('logs')
    .description("a pipeline run's task log (its last attempt), or every task's")
    .argument('<run>', 'pipeline run id')
    .argument('[task]', 'task path, e.g. train or grid[2]/train')
    .action(async (runId: string, task: string | undefined) =>
      withContext(async (ctx) => {
        await requiredRun(ctx, runId);
        for (const t of await ctx.store.pipelines.listTasks(runId)) {
          if (task && t.path !== task) continue;
          const last = (await ctx.store.pipelines.listAttempts(t.id)).at(-1);
          if (!last) continue;
          const text = await readFile(last.logPath, 'utf8').catch(() => '(no log)\n');
          printLines(`== ${t.path} (attempt ${last.number}, ${last.status}) ==`, text.trimEnd());
        }
      }),
    );
  const again = (verb: 'resume' | 'retry', description: string) =>
    runs
      .command(verb)
      .description(description)
      .argument('<run>', 'pipeline run id')
      .addOption(parallelismOption())
      .addOption(reuseProcessesOption())
      .option('--json', 'machine-readable output')
      .action(async (runId: string, opts: { parallelism: string; reuseProcesses?: boolean; json?: boolean }) =>
        withContext(async (ctx) => {
          await requiredRun(ctx, runId);
          const run = await (await executorFor(ctx, executorOptions(opts)))[verb](runId);
          await report(ctx, run, Boolean(opts.json));
          if (run.status !== 'succeeded') process.exitCode = 1;
        }),
      );
  again('resume', 'continue a run whose orchestrator stopped: finished steps are kept, interrupted ones retried');
  again('retry', 'run a failed or cancelled run again from its failed steps, reusing completed outputs');
  runs
    .command('cancel')
    .description('cancel a pending or running pipeline run: its orchestrator kills the running steps')
    .argument('<run>', 'pipeline run id')
    .option('--json', 'machine-readable output')
    .action(async (runId: string, opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        await requiredRun(ctx, runId);
        const run = await (await executorFor(ctx)).cancel(runId);
        await report(ctx, run, Boolean(opts.json));
      }),
    );
}

/** Prints the pipeline run `runId` when there is one (and says whether there was). */
export async function showPipelineRun(ctx: Context, runId: string, json: boolean): Promise<boolean> {
  const run = await ctx.store.pipelines.getRun(runId);
  if (run) await report(ctx, run, json);
  return run !== undefined;
}

async function requiredRun(ctx: Context, runId: string): Promise<PipelineRunRecord> {
  const run = await ctx.store.pipelines.getRun(runId);
  if (!run) throw invalidArgument(`no pipeline run ${JSON.stringify(runId)}: see osprey runs ls`);
  return run;
}

async function report(ctx: Context, run: PipelineRunRecord, json: boolean): Promise<void> {
  const tasks = await Promise.all(
    (await ctx.store.pipelines.listTasks(run.id)).map(async (t) => ({
      name: t.path,
      status: t.status,
      attempts: (await ctx.store.pipelines.listAttempts(t.id)).length,
      cached: t.status === 'cached',
      cached_from_run_id: t.cachedFromRunId,
      tracking_run_id: t.kind === 'component' && t.status !== 'skipped' ? t.id : null,
      outputs: t.outputs,
      error: t.error,
    })),
  );
  if (json)
    return printJson({
      run_id: run.id,
      kind: 'pipeline',
      pipeline: run.pipelineName,
      status: run.status,
      error: run.error,
      spec_digest: run.specDigest,
      params: run.params,
      created_at: run.createdAt,
      ended_at: run.endedAt,
      tasks,
    });
  printLines(
    `run ${run.id} (${run.pipelineName}): ${run.status}${run.error ? ` — ${run.error}` : ''}`,
    ...table(
      ['TASK', 'STATUS', 'ATTEMPTS', 'OUTPUTS'],
      tasks.map((t) => [
        t.name,
        t.cached ? `cached (from ${t.cached_from_run_id})` : t.status,
        t.attempts,
        summarize(t.outputs),
      ]),
    ),
  );
}

function executorOptions(opts: { parallelism: string; reuseProcesses?: boolean }) {
  const parallelism = Number(opts.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw invalidArgument(`--parallelism ${opts.parallelism}: give a whole number of at least 1`);
  return { parallelism, reuseProcesses: Boolean(opts.reuseProcesses) };
}

function clipText(text: string | null): string {
  if (text === null) return '(none)';
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

function summarize(outputs: unknown): string {
  if (!outputs || typeof outputs !== 'object') return '';
  return Object.entries(outputs as Record<string, unknown>)
    .map(([k, v]) => {
      const artifact = (v as { $artifact?: { digest?: string } } | null)?.$artifact;
      return `${k}=${artifact ? `sha256:${artifact.digest?.slice(0, 12)}` : JSON.stringify(v)}`;
    })
    .join(' ')
    .slice(0, 100);
}

/** `k=v` pairs; values are JSON when they parse as JSON (numbers, booleans, objects), strings otherwise. */
export function parseParams(pairs: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalidArgument(`--param ${JSON.stringify(pair)}: write it as name=value`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {}
    params[pair.slice(0, eq)] = value;
  }
  return params;
}
