import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { describeReference } from '../monitoring/monitors/config.js';
import type { MonitorService } from '../monitoring/monitors/monitor-service.js';
import type { Context } from './context.js';
import { withContext } from './context.js';
import { EXIT_FAILED } from './exit-codes.js';
import { printJson, printLines, table } from './output.js';
import { runStarter } from './run-starter.js';

interface AddOptions {
  config?: string;
  reference?: string;
  dataset?: string;
  deployment?: string;
  endpoint?: string;
  file?: string;
  rows?: string;
  minutes?: string;
  columns?: string;
  every?: string;
  cooldown?: string;
  trigger?: string;
  param?: string;
  paramDataset?: string;
  championParam?: string;
  webhook?: string;
  json?: boolean;
}

/** `osprey monitors add|ls|run|alerts|rm`: drift monitors, evaluated on their schedule by `osprey server`. */
export function registerMonitorCommands(program: Command): void {
  const monitors = program.command('monitors').description('drift monitors (evaluated on schedule by osprey server)');
  monitors
    .command('add')
    .description('watch an endpoint, a deployment, a dataset or a file for drift against a reference; act on alerts')
    .argument('<name>', 'monitor name')
    .option('--config <file>', 'the whole configuration as a JSON file (see the monitoring docs)')
    .option('--reference <ref>', 'reference data: a dataset version (name@N) or a file')
    .option(
      '--endpoint <name>',
      "watch an endpoint: its prediction log against its champion's training data (--reference overrides)",
    )
    .option('--deployment <name>', 'current data: the prediction log of this deployment')
    .option('--dataset <name>', 'current data: the newest version of this dataset')
    .option('--file <path>', 'current data: this file')
    .option('--rows <n>', 'deployment window: the latest n predictions (default 1000)')
    .option('--minutes <n>', 'deployment window: the predictions of the last n minutes')
    .option('--columns <a,b,...>', 'the columns compared (default: those both sides have)')
    .option('--every <seconds>', 'how often osprey server evaluates it (default 60)')
    .option('--cooldown <minutes>', 'no second alert within this time (default 60)')
    .option('--trigger <name>', 'on alert, fire this continuous-training trigger')
    .option('--param <name>', 'with --trigger and --dataset: the pipeline parameter receiving the dataset')
    .option('--param-dataset <name>', 'with --param: pass the newest version of this dataset at alert time (name@N)')
    .option(
      '--champion-param <name>',
      "with --trigger: the pipeline parameter receiving the endpoint's champion (models:/NAME/VERSION)",
    )
    .option('--webhook <url>', 'on alert, POST the alert to this URL')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: AddOptions) =>
      withMonitors(async (service) => {
        const monitor = await service.add(name, await configFrom(opts));
        if (opts.json) return printJson(monitor);
        printLines(`added monitor ${monitor.name}`);
      }),
    );
  monitors
    .command('ls')
    .description('monitors and their last evaluation')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.monitors.list();
        if (opts.json) return printJson(list);
        printLines(
          ...table(
            ['MONITOR', 'REFERENCE', 'SOURCE', 'LAST EVALUATION', 'DRIFT SHARE'],
            list.map((m) => {
              const last = (m.state as { last?: { at: number; driftShare: number | null; note: string | null } }).last;
              return [
                m.name,
                describeReference(m.config.reference),
                JSON.stringify(m.config.source),
                last ? isoTime(last.at) : 'never',
                last ? (last.driftShare?.toFixed(2) ?? last.note ?? '') : '',
              ];
            }),
          ),
        );
      }),
    );
  monitors
    .command('run')
    .description('evaluate a monitor now (an alert fires its actions, as on schedule)')
    .argument('<name>', 'monitor name')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }) =>
      withMonitors(async (service) => {
        const evaluation = await service.evaluate(name);
        // A source or reference that cannot be read is a failure (recorded as an operational alert, once).
        if (evaluation.error) process.exitCode = EXIT_FAILED;
        if (opts.json) return printJson(evaluation);
        const report = evaluation.report;
        const alertLine = evaluation.alert ? `alert: ${evaluation.alert.message}` : 'no new alert';
        if (evaluation.error) return printLines(`${name}: could not evaluate — ${evaluation.error}`, alertLine);
        if (!report) return printLines(`${name}: nothing compared — ${evaluation.note}`);
        printLines(
          `${name}: ${report.dataset_drift ? 'DRIFT' : 'no drift'} against ${evaluation.reference} (share of drifted columns ${report.drift_share.toFixed(2)})`,
          ...table(
            ['COLUMN', 'METHOD', 'STATISTIC', 'P-VALUE', 'EFFECT', 'DRIFTED'],
            report.features.map((f) => [
              f.name,
              f.method ?? '',
              f.statistic?.toPrecision(4) ?? '',
              f.p_value?.toPrecision(3) ?? '',
              f.effect_size?.toPrecision(3) ?? '',
              f.drifted ? 'yes' : 'no',
            ]),
          ),
          alertLine,
        );
      }),
    );
  monitors
    .command('alerts')
    .description('alerts, newest first')
    .argument('[name]', 'only this monitor')
    .option('-n, --max <n>', 'most alerts to list', '50')
    .option('--json', 'machine-readable output')
    .action(async (name: string | undefined, opts: { max: string; json?: boolean }) =>
      withMonitors(async (service, ctx) => {
        const monitorId = name ? (await service.required(name)).id : undefined;
        const alerts = await ctx.store.monitors.alerts({
          ...(monitorId ? { monitorId } : {}),
          limit: Number(opts.max),
        });
        if (opts.json) return printJson(alerts.map(({ report: _report, ...alert }) => alert));
        printLines(
          ...table(
            ['RAISED', 'KIND', 'MESSAGE', 'ACTIONS'],
            alerts.map((a) => [isoTime(a.raisedAt), a.kind, a.message, JSON.stringify(a.actions)]),
          ),
        );
      }),
    );
  monitors
    .command('rm')
    .description('remove a monitor and its alerts')
    .argument('<name>', 'monitor name')
    .action(async (name: string) =>
      withContext(async (ctx) => {
        await ctx.store.monitors.remove(name);
        printLines(`removed monitor ${name}`);
      }),
    );
}

/** The monitor service over this machine's store; an alert's trigger starts its run here and waits for it. */
export async function monitorServiceFor(ctx: Context, mode: 'background' | 'wait'): Promise<MonitorService> {
  const [{ MonitorService }, { TriggerService }, { pipelineCodeDigest }] = await Promise.all([
    import('../monitoring/monitors/monitor-service.js'),
    import('../pipelines/triggers/trigger-service.js'),
    import('../pipelines/triggers/code-digest.js'),
  ]);
  const triggers = new TriggerService(ctx.store, { codeDigest: pipelineCodeDigest, startRun: runStarter(ctx, mode) });
  return new MonitorService(ctx.store, {
    openDatasets: async () => ({ datasets: ctx.datasets, artifacts: ctx.artifacts }),
    fireTrigger: async (name, event) => {
      const fired = await triggers.fire(name, event);
      return { runId: fired.runId, error: fired.error };
    },
  });
}

function withMonitors<T>(work: (service: MonitorService, ctx: Context) => Promise<T>): Promise<T> {
  return withContext(async (ctx) => work(await monitorServiceFor(ctx, 'wait'), ctx));
}

async function configFrom(opts: AddOptions): Promise<unknown> {
  if (opts.config) {
    try {
      return JSON.parse(await readFile(opts.config, 'utf8')) as unknown;
    } catch (error) {
      throw invalidArgument(`--config ${opts.config}: ${(error as Error).message}`);
    }
  }
  const sources = [opts.endpoint, opts.deployment, opts.dataset, opts.file].filter((s) => s !== undefined);
  if ((!opts.reference && !opts.endpoint) || sources.length !== 1)
    throw invalidArgument(
      'give --config FILE, or --endpoint, or --reference and one of --deployment, --dataset, --file',
    );
  if (opts.paramDataset && !opts.param) throw invalidArgument('--param-dataset needs --param (the parameter to set)');
  if ((opts.param || opts.championParam) && !opts.trigger)
    throw invalidArgument(`${opts.param ? '--param' : '--champion-param'} needs --trigger`);
  const number = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw invalidArgument(`${flag} ${text}: not a number`);
    return value;
  };
  const rows = number('--rows', opts.rows);
  const minutes = number('--minutes', opts.minutes);
  const deployment = opts.endpoint ?? opts.deployment;
  return {
    reference: opts.reference ?? { champion: opts.endpoint },
    source: deployment ? { deployment } : opts.dataset ? { dataset: opts.dataset } : { file: opts.file },
    ...(rows !== undefined || minutes !== undefined
      ? { window: { ...(rows !== undefined ? { rows } : {}), ...(minutes !== undefined ? { minutes } : {}) } }
      : {}),
    ...(opts.columns ? { columns: opts.columns.split(',').map((c) => c.trim()) } : {}),
    ...(opts.every ? { everySeconds: number('--every', opts.every) } : {}),
    ...(opts.cooldown ? { cooldownMinutes: number('--cooldown', opts.cooldown) } : {}),
    actions: [
      ...(opts.trigger
        ? [
            {
              kind: 'trigger',
              trigger: opts.trigger,
              ...(opts.param ? { param: opts.param } : {}),
              ...(opts.paramDataset ? { dataset: opts.paramDataset } : {}),
              ...(opts.championParam ? { championParam: opts.championParam } : {}),
            },
          ]
        : []),
      ...(opts.webhook ? [{ kind: 'webhook', url: opts.webhook }] : []),
    ],
  };
}
