import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { describeReference } from '../monitoring/monitors/config.js';
import type { Evaluation, MonitorService } from '../monitoring/monitors/monitor-service.js';
import { describeBound } from '../monitoring/monitors/performance-config.js';
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
  minAccuracy?: string;
  minLabelled?: string;
  performance?: string;
  /** False with --no-drift. */
  drift: boolean;
  json?: boolean;
}

/**
 * `osprey monitors add|ls|run|alerts|rm`: drift and performance monitors, evaluated on their schedule by
 * `osprey server`.
 */
export function registerMonitorCommands(program: Command): void {
  const monitors = program
    .command('monitors')
    .description('drift and performance monitors (evaluated on schedule by osprey server)');
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
    .option(
      '--min-accuracy <x>',
      'deployments: alert when the accuracy of the labelled predictions in the window falls below x (0 to 1)',
    )
    .option(
      '--performance <json>',
      'deployments: a performance bound, e.g. \'{"metric":"log_loss","max":0.4,"classes":["rain","sun"]}\'',
    )
    .option('--min-labelled <n>', 'with --min-accuracy or --performance: fewer labelled predictions give no verdict')
    .option('--no-drift', 'watch performance only (no reference, no drift test)')
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
            ['MONITOR', 'REFERENCE', 'SOURCE', 'PERFORMANCE', 'LAST EVALUATION', 'DRIFT SHARE'],
            list.map((m) => {
              const last = (m.state as { last?: LastEvaluation }).last;
              return [
                m.name,
                describeReference(m.config.reference),
                JSON.stringify(m.config.source),
                performanceColumn(m.config.performance, last?.performance),
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
        const alertLines =
          evaluation.alerts.length > 0 ? evaluation.alerts.map((a) => `alert: ${a.message}`) : ['no new alert'];
        const performance = performanceLine(evaluation);
        if (evaluation.error)
          return printLines(`${name}: could not evaluate — ${evaluation.error}`, ...performance, ...alertLines);
        if (!report) return printLines(`${name}: nothing compared — ${evaluation.note}`, ...performance, ...alertLines);
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
          ...performance,
          ...alertLines,
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

interface LastEvaluation {
  at: number;
  driftShare: number | null;
  note: string | null;
  performance?: { value: number | null; labelled: number; note: string | null } | null;
}

/** `accuracy >= 0.85: 0.7083 on 120 labelled`, or the bound and why there was no verdict; empty without one. */
function performanceColumn(bound: unknown, last: LastEvaluation['performance']): string {
  const described = describeBound(bound);
  if (!described || !last) return described;
  if (last.value === null) return `${described}: no verdict (${last.labelled} labelled)`;
  return `${described}: ${Number(last.value.toPrecision(4))} on ${last.labelled} labelled`;
}

function performanceLine(evaluation: Evaluation): string[] {
  const p = evaluation.performance;
  if (!p) return [];
  const bound = p.max !== null ? `<= ${p.max}` : `>= ${p.min}`;
  if (p.value === null) return [`performance: ${p.metric} ${bound}: ${p.note}`];
  return [
    `performance: ${p.metric} ${Number(p.value.toPrecision(4))} (bound ${bound}) on ${p.labelled} labelled predictions${p.breached ? ' — OUT OF BOUNDS' : ''}`,
  ];
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
  if ((!opts.reference && !opts.endpoint && opts.drift) || sources.length !== 1)
    throw invalidArgument(
      'give --config FILE, or --endpoint, or --reference and one of --deployment, --dataset, --file (--no-drift: no --reference)',
    );
  if (opts.minAccuracy !== undefined && opts.performance !== undefined)
    throw invalidArgument('give --min-accuracy or --performance, not both');
  if (opts.minLabelled !== undefined && opts.minAccuracy === undefined && opts.performance === undefined)
    throw invalidArgument('--min-labelled needs --min-accuracy or --performance');
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
  let performance: unknown;
  if (opts.performance !== undefined) {
    try {
      performance = JSON.parse(opts.performance) as unknown;
    } catch (error) {
      throw invalidArgument(`--performance: not JSON: ${(error as Error).message}`);
    }
  } else if (opts.minAccuracy !== undefined)
    performance = { metric: 'accuracy', min: number('--min-accuracy', opts.minAccuracy) };
  const minLabelled = number('--min-labelled', opts.minLabelled);
  if (minLabelled !== undefined) {
    if (typeof performance !== 'object' || performance === null || Array.isArray(performance))
      throw invalidArgument('--performance: expected a JSON object such as {"metric":"accuracy","min":0.85}');
    performance = { ...performance, minLabelled };
  }
  return {
    ...(opts.drift ? { reference: opts.reference ?? { champion: opts.endpoint } } : { drift: false }),
    ...(opts.reference && !opts.drift ? { reference: opts.reference } : {}),
    ...(performance !== undefined ? { performance } : {}),
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
