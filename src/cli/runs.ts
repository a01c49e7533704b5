import type { Command } from 'commander';
import type { MlflowClient } from '../client/mlflow-client.js';
import type { Experiment, Run } from '../client/types.js';
import { isoTime } from '../core/time.js';
import { withApi } from './api-client.js';
import { printJson, printLines, table } from './output.js';

export function registerTrackingCommands(program: Command): void {
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

  const runs = program.command('runs').description('tracked runs');
  runs
    .command('ls')
    .description(
      "search runs with MLflow's filter syntax, e.g. --filter \"metrics.accuracy > 0.85 and params.lr = '0.1'\"",
    )
    .option('-e, --experiment <nameOrId...>', 'experiments to search (default: all active)')
    .option('-f, --filter <filter>', 'MLflow search filter')
    .option('-o, --order-by <clause...>', 'e.g. "metrics.accuracy DESC"')
    .option('-n, --max <n>', 'most runs to list', '100')
    .option('--json', 'machine-readable output')
    .action(async (opts: { experiment?: string[]; filter?: string; orderBy?: string[]; max: string; json?: boolean }) =>
      withApi(async ({ client }) => {
        const ids = opts.experiment
          ? await Promise.all(opts.experiment.map((e) => experimentId(client, e)))
          : (await allExperiments(client, 'ACTIVE_ONLY')).map((e) => e.experiment_id);
        const page = await client.searchRuns(ids, {
          ...(opts.filter ? { filter: opts.filter } : {}),
          ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
          maxResults: Number(opts.max),
        });
        if (opts.json) return printJson(page.items);
        printLines(
          ...table(
            ['RUN', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'METRICS'],
            page.items.map((r) => [
              r.info.run_id,
              r.info.run_name ?? '',
              r.info.experiment_id,
              r.info.status ?? '',
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
    .description('show a run: info, params, latest metrics, tags, dataset inputs')
    .argument('<runId>', 'the run id')
    .option('--json', 'machine-readable output')
    .action(async (runId: string, opts: { json?: boolean }) =>
      withApi(async ({ client }) => {
        const run = await client.getRun(runId);
        if (opts.json) return printJson(run);
        printLines(...describeRun(run));
      }),
    );
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
