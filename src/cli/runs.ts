import type { Command } from 'commander';
import type { MlflowClient } from '../client/mlflow-client.js';
import type { Experiment, Run } from '../client/types.js';
import { isoTime } from '../core/time.js';
import { PIPELINE_TAGS } from '../pipelines/executor/tracking-tags.js';
import { withApi } from './api-client.js';
import { withContext } from './context.js';
import { printJson, printLines, table } from './output.js';
import { showPipelineRun } from './pipelines.js';

export function registerTrackingCommands(program: Command): Command {
  program
    .command('experiments')
    .description('tracking experiments')
    .command('ls')
    .description('list experiments')
    .option('--all', 'include deleted experiments')
    .option('--json', 'machine-readable output')
    .action(async (opts: { all?: boolean; json?: boolean }) =>
      withApi(async ({ client }) => {
        const experiments = await allExperiments(client, opts.all ? 'ALL' : 'ACTIVE_ONLY');
        if (opts.json) return printJson(experiments);
        printLines(
          ...table(
            ['ID', 'NAME', 'STAGE', 'CREATED', 'ARTIFACTS'],
            experiments.map((e) => [
              e.experiment_id,
              e.name,
              e.lifecycle_stage ?? '',
              e.creation_time ? isoTime(e.creation_time) : '',
              e.artifact_location ?? '',
            ]),
          ),
        );
      }),
    );

  const runs = program
    .command('runs')
    .description('runs: pipeline runs (each a tracking run) and the tracking runs clients log');
  runs
    .command('ls')
    .description(
      'runs newest first (steps of pipeline runs with --steps); MLflow filter syntax, e.g. ' +
        '--filter "metrics.accuracy > 0.85 and params.lr = \'0.1\'"',
    )
    .option('-e, --experiment <nameOrId...>', 'experiments to search (default: all active)')
    .option('-f, --filter <filter>', 'MLflow search filter')
    .option('-o, --order-by <clause...>', 'e.g. "metrics.accuracy DESC" (default: newest first)')
    .option('-n, --max <n>', 'most runs to list', '100')
    .option('--steps', 'include the steps of pipeline runs (each is a child run)')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        experiment?: string[];
        filter?: string;
        orderBy?: string[];
        max: string;
        steps?: boolean;
        json?: boolean;
      }) =>
        withApi(async ({ client }) => {
          const ids = opts.experiment
            ? await Promise.all(opts.experiment.map((e) => experimentId(client, e)))
            : (await allExperiments(client, 'ACTIVE_ONLY')).map((e) => e.experiment_id);
          const max = Number(opts.max);
          const found: Run[] = [];
          let pageToken: string | undefined;
          do {
            const page = await client.searchRuns(ids, {
              ...(opts.filter ? { filter: opts.filter } : {}),
              ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
              maxResults: Math.min(1000, max),
              ...(pageToken ? { pageToken } : {}),
            });
            found.push(...page.items.filter((r) => opts.steps || runKind(r) !== 'step'));
            pageToken = page.nextPageToken;
          } while (pageToken && found.length < max);
          const listed = found.slice(0, max);
          if (opts.json)
            return printJson(
              listed.map((r) => ({ run_id: r.info.run_id, status: runStatus(r), kind: runKind(r), ...r })),
            );
          printLines(
            ...table(
              ['RUN', 'NAME', 'KIND', 'EXPERIMENT', 'STATUS', 'STARTED', 'METRICS'],
              listed.map((r) => [
                r.info.run_id,
                r.info.run_name ?? '',
                runKind(r),
                r.info.experiment_id,
                runStatus(r),
                r.info.start_time ? isoTime(r.info.start_time) : '',
                (r.data?.metrics ?? [])
                  .slice(0, 4)
                  .map((m) => `${m.key}=${m.value}`)
                  .join(' '),
              ]),
            ),
          );
        }),
    );
  runs
    .command('show')
    .description('a run: a pipeline run with each task, or a tracking run with params, metrics, tags, datasets')
    .argument('<runId>', 'the run id')
    .option('--json', 'machine-readable output')
    .action(async (runId: string, opts: { json?: boolean }) => {
      if (await withContext((ctx) => showPipelineRun(ctx, runId, Boolean(opts.json)))) return;
      await withApi(async ({ client }) => {
        const run = await client.getRun(runId);
        if (opts.json)
          return printJson({ run_id: run.info.run_id, status: runStatus(run), kind: runKind(run), ...run });
        printLines(...describeRun(run));
      });
    });
  return runs;
}

const STATUS: Record<string, string> = {
  RUNNING: 'running',
  SCHEDULED: 'pending',
  FINISHED: 'succeeded',
  FAILED: 'failed',
  KILLED: 'cancelled',
};

/** The run's status in Osprey's words (a pipeline run's tracking run mirrors the orchestrator's status). */
function runStatus(run: Run): string {
  return STATUS[run.info.status ?? ''] ?? (run.info.status ?? '').toLowerCase();
}

/** `pipeline` (a pipeline run), `step` (one of its steps) or `run` (logged by a client). */
function runKind(run: Run): 'pipeline' | 'step' | 'run' {
  const tags = new Map((run.data?.tags ?? []).map((t) => [t.key, t.value]));
  const pipelineRun = tags.get(PIPELINE_TAGS.runId);
  if (pipelineRun === undefined) return 'run';
  return pipelineRun === run.info.run_id ? 'pipeline' : 'step';
}

export function describeRun(run: Run): string[] {
  const i = run.info;
  const kv = (list: { key: string; value: unknown }[] | undefined) =>
    (list ?? []).map((p) => `    ${p.key} = ${p.value}`);
  return [
    `run ${i.run_id}${i.run_name ? ` (${i.run_name})` : ''} in experiment ${i.experiment_id}`,
    `  status ${i.status ?? '?'}, started ${i.start_time ? isoTime(i.start_time) : '?'}${i.end_time ? `, ended ${isoTime(i.end_time)}` : ''}`,
    `  artifacts ${i.artifact_uri ?? ''}`,
    '  params',
    ...kv(run.data?.params),
    '  metrics (latest)',
    ...(run.data?.metrics ?? []).map((m) => `    ${m.key} = ${m.value} (step ${m.step ?? 0})`),
    '  tags',
    ...kv(run.data?.tags),
    '  dataset inputs',
    ...(run.inputs?.dataset_inputs ?? []).map(
      (d) => `    ${d.dataset.name} digest ${d.dataset.digest} (${d.dataset.source_type})`,
    ),
  ];
}

async function allExperiments(client: MlflowClient, viewType: 'ALL' | 'ACTIVE_ONLY'): Promise<Experiment[]> {
  const all: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchExperiments({ viewType, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    all.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

async function experimentId(client: MlflowClient, nameOrId: string): Promise<string> {
  if (/^\d+$/.test(nameOrId)) return nameOrId;
  return (await client.getExperimentByName(nameOrId)).experiment_id;
}
