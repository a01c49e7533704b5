import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import type { DeploymentService } from '../serving/traffic/deployment-service.js';
import { DEPLOYMENT_STRATEGIES, type DeploymentStrategy } from '../store/deployments.js';
import type { JsonObject } from '../store/metadata-store.js';
import { type Context, withContext } from './context.js';
import { printJson, printLines, table } from './output.js';

/** `osprey deploy` and `osprey deployments ls|show|approve|rollback`: endpoints, champions and rollouts. */
export function registerDeploymentCommands(program: Command): void {
  program
    .command('deploy')
    .description('put a model version on an endpoint: the first is the champion, a later one is tried by --strategy')
    .argument('<endpoint>', 'endpoint name')
    .requiredOption('--model <ref>', 'NAME@ALIAS or NAME/VERSION')
    .option(
      '--strategy <strategy>',
      `${DEPLOYMENT_STRATEGIES.join(', ')} (a shadow, then once it passes a canary)`,
      'direct',
    )
    .option('--steps <percents>', 'canary: the challenger share at each step, e.g. 10,50,100')
    .option('--shadow-percent <n>', 'shadow: share of requests also sent to the challenger (default 100)')
    .option('--min-requests <n>', 'requests the challenger must serve before each analysis judges it (default 100)')
    .option('--approval', 'promotion waits for osprey deployments approve')
    .option('--json', 'machine-readable output')
    .action(
      async (
        endpoint: string,
        opts: {
          model: string;
          strategy: string;
          steps?: string;
          shadowPercent?: string;
          minRequests?: string;
          approval?: boolean;
          json?: boolean;
        },
      ) =>
        withDeployments(async (service) => {
          const deployed = await service.deploy(endpoint, opts.model, {
            strategy: opts.strategy as DeploymentStrategy,
            ...(opts.steps ? { steps: opts.steps.split(',').map((s) => percent('--steps', s)) } : {}),
            ...(opts.shadowPercent ? { shadowPercent: percent('--shadow-percent', opts.shadowPercent) } : {}),
            ...(opts.approval ? { approval: true } : {}),
            ...(opts.minRequests !== undefined
              ? { analysis: { minRequests: count('--min-requests', opts.minRequests) } }
              : {}),
          });
          if (opts.json) return printJson(deployed);
          printLines(
            deployed.phase === 'stable'
              ? `${endpoint}: ${deployed.modelName} version ${deployed.championVersion} is the champion (@${deployed.alias})`
              : `${endpoint}: trying version ${deployed.challengerVersion} against champion ${deployed.championVersion} ` +
                  `(${deployed.phase}${deployed.strategy === 'shadow-then-canary' && deployed.phase === 'shadow' ? ', then canary' : ''})`,
          );
        }),
    );
  const deployments = program.command('deployments').description('endpoints, their champions and rollouts');
  deployments
    .command('ls')
    .description('endpoints')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.deployments.list();
        if (opts.json) return printJson(list);
        printLines(
          ...table(
            ['ENDPOINT', 'MODEL', 'CHAMPION', 'CHALLENGER', 'PHASE', 'UPDATED'],
            list.map((d) => [
              d.endpoint,
              d.modelName,
              d.championVersion,
              d.challengerVersion ?? '',
              d.phase === 'canary' ? `canary ${d.state.percent}%` : d.phase,
              isoTime(d.updatedAt),
            ]),
          ),
        );
      }),
    );
  deployments
    .command('show')
    .description('an endpoint with every decision taken on it and its evidence')
    .argument('<endpoint>', 'endpoint name')
    .option('--json', 'machine-readable output')
    .action(async (endpoint: string, opts: { json?: boolean }) =>
      withDeployments(async (service, ctx) => {
        const d = await service.required(endpoint);
        const decisions = await ctx.store.deployments.decisions(d.id);
        if (opts.json) return printJson({ ...d, decisions });
        printLines(
          `${d.endpoint}: ${d.modelName} champion ${d.championVersion}${d.challengerVersion ? `, challenger ${d.challengerVersion} (${d.phase})` : ''}`,
          ...table(
            ['DECIDED', 'DECISION', 'FROM', 'TO', 'EVIDENCE'],
            decisions.map((x) => [
              isoTime(x.decidedAt),
              x.decision,
              x.fromVersion ?? '',
              x.toVersion ?? '',
              evidenceLine(x.evidence) ?? JSON.stringify(x.evidence).slice(0, 100),
            ]),
          ),
        );
      }),
    );
  deployments
    .command('approve')
    .description('promote a challenger that waits for approval')
    .argument('<endpoint>', 'endpoint name')
    .option('--by <who>', 'who approves (recorded)', process.env.USER ?? 'unknown')
    .action(async (endpoint: string, opts: { by: string }) =>
      withDeployments(async (service) => {
        const d = await service.approve(endpoint, opts.by);
        printLines(`${endpoint}: version ${d.championVersion} promoted (@${d.alias})`);
      }),
    );
  deployments
    .command('rollback')
    .description('end a rollout now, keeping the champion')
    .argument('<endpoint>', 'endpoint name')
    .option('--reason <text>', 'why (recorded)', 'rolled back by hand')
    .action(async (endpoint: string, opts: { reason: string }) =>
      withDeployments(async (service) => {
        const d = await service.rollback(endpoint, opts.reason);
        printLines(`${endpoint}: rolled back; version ${d.championVersion} stays the champion`);
      }),
    );
}

function percent(flag: string, text: string): number {
  const value = Number(text.trim());
  if (!Number.isFinite(value)) throw invalidArgument(`${flag} ${text}: not a number`);
  return value;
}

function count(flag: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < 0)
    throw invalidArgument(`${flag} ${text}: give a whole number ≥ 0`);
  return value;
}

function withDeployments<T>(work: (service: DeploymentService, ctx: Context) => Promise<T>): Promise<T> {
  return withContext(async (ctx) => {
    const [{ DeploymentService }, { ModelRegistry }, { trackingRunLookup }] = await Promise.all([
      import('../serving/traffic/deployment-service.js'),
      import('../registry/model-registry.js'),
      import('../registry/sources.js'),
    ]);
    const registry = new ModelRegistry(ctx.store.registry, trackingRunLookup(ctx.store.tracking));
    return work(new DeploymentService(ctx.store, registry), ctx);
  });
}

/** What a rollout decision was based on, in one line: the shadow diff or the canary step's numbers. */
export function evidenceLine(evidence: JsonObject): string | null {
  const e = evidence as {
    phase?: string;
    judgedPercent?: number;
    champion?: { requests: number; errors: number; latencyP99Ms: number };
    challenger?: { requests: number; errors: number; latencyP99Ms: number };
    shadow?: { pairs: number; agreement: number; meanAbsScoreDiff: number | null };
  };
  if (!e.champion || !e.challenger) return null;
  const checks = (evidence.analysis as { checks?: { check: string; passed: boolean | null }[] } | undefined)?.checks;
  const failed = checks?.filter((c) => c.passed === false).map((c) => c.check) ?? [];
  const side = (s: { requests: number; errors: number; latencyP99Ms: number }) =>
    `${s.requests} req, ${s.errors} err, p99 ${s.latencyP99Ms.toFixed(2)} ms`;
  const where = e.phase === 'canary' ? `canary at ${e.judgedPercent} %` : 'shadow';
  const shadow = e.shadow
    ? `; agreement ${e.shadow.agreement.toFixed(3)} over ${e.shadow.pairs} pairs, mean |Δp| ${e.shadow.meanAbsScoreDiff?.toFixed(3) ?? '–'}`
    : '';
  const verdict = failed.length > 0 ? `; failed: ${failed.join(', ')}` : '';
  return `${where}: challenger ${side(e.challenger)} vs champion ${side(e.champion)}${shadow}${verdict}`;
}
