/**
 * The stages of `osprey demo` (see demo.ts): each says what it did, in a short narrative, and what it found goes
 * into the summary. A stage that fails stops the loop and names itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { WeatherDay } from '../ml/seattle-weather.js';
import { computeDrift, readDriftTables } from '../monitoring/drift/index.js';
import { driftReportHtml } from '../monitoring/reports/index.js';
import type { DeploymentRecord } from '../store/deployments.js';
import type { JsonObject } from '../store/metadata-store.js';
import type { Context } from './context.js';
import { WeatherTraffic } from './demo-traffic.js';
import { evidenceLine } from './deployments.js';
import { monitorServiceFor } from './monitors.js';
import { executorFor, loadTypeScriptFor, runStarter } from './run-starter.js';
import { startServe } from './serve.js';

export const ENDPOINT = 'weather';
const DATASET = 'seattle-weather';
const TRIGGER = 'weather-retrain';
const MONITOR = 'weather-drift';
/** Days between monitor evaluations: a quarter of replayed traffic. */
const MONITOR_EVERY_DAYS = 90;
const MONITORED = ['precipitation', 'temp_max', 'temp_min', 'wind'];
/** The pipeline file's variant for the first model, when there is no champion to compare with. */
const FIRST_MODEL_EXPORT = 'weatherCtFirst';
/**
 * The demo's policy: the seed's accuracy > 0.85, and no worse than the champion on the same holdout beyond 0.02
 * (on a holdout of ~90 days one day is 0.011); rollout steps judged on 40 requests each.
 */
const PIPELINE_PARAMS = {
  endpoint: ENDPOINT,
  policy: {
    thresholds: { accuracy: { min: 0.85 } },
    noWorseThanChampion: { metrics: ['accuracy'], tolerance: 0.02 },
  },
  analysis: { minRequests: 40 },
};

export interface DemoLoop {
  ok: boolean;
  /** The stage that failed, with why. */
  failure: string | null;
  home: string;
  seconds: number;
  dataVersions: string[];
  runs: { runId: string; reason: string; data: string; status: string }[];
  alert: { afterDay: string; message: string; report: string } | null;
  traffic: { requests: number; failed: number; byVersion: Record<string, number>; accuracy: number | null };
  decisions: { decision: string; from: string | null; to: string | null; evidence: JsonObject }[];
  deployment: { model: string; champion: string; phase: string } | null;
  summaryFile: string;
}

export interface ClosedLoopInput {
  home: string;
  open(): Promise<Context>;
  pipeline: string;
  training: readonly WeatherDay[];
  live: readonly WeatherDay[];
  say(...lines: string[]): void;
  writeCsv(path: string, rows: readonly WeatherDay[]): Promise<void>;
}

/**
 * The class the demo's model predicts (the pipeline's `wet` target): a wet day (rain or snow) or a dry one (sun, fog,
 * drizzle — the data records no precipitation on any drizzle day).
 */
export const wetOrDry = (day: WeatherDay) => (day.weather === 'rain' || day.weather === 'snow' ? 'wet' : 'dry');

export async function runClosedLoop(ctx: Context, input: ClosedLoopInput): Promise<DemoLoop> {
  const started = Date.now();
  const { say } = input;
  const dataDir = join(input.home, 'data');
  const reportsDir = join(input.home, 'reports');
  await mkdir(dataDir, { recursive: true });
  await mkdir(reportsDir, { recursive: true });
  const summary: DemoLoop = {
    ok: false,
    failure: null,
    home: input.home,
    seconds: 0,
    dataVersions: [],
    runs: [],
    alert: null,
    traffic: { requests: 0, failed: 0, byVersion: {}, accuracy: null },
    decisions: [],
    deployment: null,
    summaryFile: join(input.home, 'summary.json'),
  };
  let stage = 'data';
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const version = async (rows: readonly WeatherDay[], until: string) => {
    const path = join(dataDir, `seattle-weather-to-${until}.csv`);
    await input.writeCsv(path, rows);
    const added = await ctx.datasets.add({ name: DATASET, path, description: `Seattle days to ${until}` });
    const ref = `${DATASET}@${added.version.version}`;
    summary.dataVersions.push(ref);
    return { ref, rows: added.version.rowCount };
  };

  say(`Osprey demo — the closed loop on real data, in its own embedded store: ${input.home}`, '');
  try {
    const first = await version(input.training, input.training.at(-1)!.date);
    say(`1 data     ${first.ref}: the ${first.rows} days of 2012 (Seattle's daily weather), content-hashed`);

    stage = 'train';
    const monitors = await monitorServiceFor(ctx, 'wait');
    const { TriggerService } = await import('../pipelines/triggers/trigger-service.js');
    const { pipelineCodeDigest } = await import('../pipelines/triggers/code-digest.js');
    const triggers = new TriggerService(ctx.store, {
      codeDigest: pipelineCodeDigest,
      startRun: runStarter(ctx, 'wait'),
    });
    await triggers.add({ name: TRIGGER, kind: 'api', pipeline: input.pipeline, params: PIPELINE_PARAMS });
    say(
      `2 train    continuous-training trigger ${TRIGGER}: ${input.pipeline.split('/').slice(-2).join('/')}`,
      '           (validate → split by time → train gradient-boosted trees → evaluate → gate accuracy > 0.85 → register',
      `            → deploy to endpoint ${ENDPOINT}); first run on ${first.ref}…`,
    );
    const firstRun = await runFirstModel(ctx, input.pipeline, first.ref);
    await describeRun(ctx, summary, firstRun, 'the first model', first.ref, say);
    const deployed = await ctx.store.deployments.get(ENDPOINT);
    if (!deployed)
      throw new Error(`the first run deployed nothing to endpoint ${ENDPOINT}: see osprey runs show ${firstRun}`);
    say(
      `           ${deployed.modelName}/${deployed.championVersion} is the champion of endpoint ${ENDPOINT} (${elapsed()})`,
    );

    stage = 'serve';
    const serveLog: string[] = [];
    const running = await startServe(
      {
        host: '127.0.0.1',
        port: '0',
        grpcPort: '0',
        grpc: false,
        pollInterval: '1000',
        endpoint: [ENDPOINT],
        rolloutInterval: '100',
      },
      {
        openContext: input.open,
        log: (event) =>
          serveLog.push(`${event.event.startsWith('rollout') ? 'rollout' : 'server'}: ${event.msg.trim()}`),
      },
    );
    try {
      await monitors.add(MONITOR, {
        reference: { champion: ENDPOINT },
        source: { deployment: ENDPOINT },
        window: { rows: MONITOR_EVERY_DAYS },
        columns: MONITORED,
        everySeconds: 1,
        cooldownMinutes: 0,
        actions: [{ kind: 'trigger', trigger: TRIGGER, param: 'data', dataset: DATASET, championParam: 'champion' }],
      });
      say(
        `3 serve    osprey serve --endpoint ${ENDPOINT}: ${running.server.httpUrl}/v2/models/${ENDPOINT}/infer (Open Inference Protocol)`,
        `           monitor ${MONITOR}: the endpoint's last ${MONITOR_EVERY_DAYS} predictions vs the champion's training data,`,
        `           ${MONITORED.join(', ')}; on drift it fires ${TRIGGER} on the newest ${DATASET} version`,
      );

      stage = 'traffic';
      const traffic = new WeatherTraffic(running.server.httpUrl, ENDPOINT, ctx.store, wetOrDry);
      say(
        `4 traffic  replaying the days from ${input.live[0]!.date} through the V2 API, one request a day; labels arrive`,
        `           monthly and each month is versioned; the monitor runs every ${MONITOR_EVERY_DAYS} days`,
      );
      let printed = 0;
      const flushServeLog = () => {
        for (; printed < serveLog.length; printed++) say(`           ${serveLog[printed]}`);
      };
      for (const [i, day] of input.live.entries()) {
        await traffic.send(day);
        flushServeLog();
        const next = input.live[i + 1];
        if (next === undefined || next.date.slice(0, 7) !== day.date.slice(0, 7)) {
          await running.server.predictionLogger?.flush();
          await traffic.attachLabels();
          await version([...input.training, ...input.live.slice(0, i + 1)], day.date);
        }
        if (summary.alert === null && (i + 1) % MONITOR_EVERY_DAYS === 0) {
          stage = 'monitor';
          const evaluation = await monitors.evaluate(MONITOR);
          const drifted = evaluation.report?.features.filter((f) => f.drifted).map((f) => f.name) ?? [];
          say(
            `           ${day.date}: monitor — ${evaluation.error ?? (evaluation.report?.dataset_drift ? `drift in ${drifted.join(', ')}` : 'no drift')}` +
              ` (against ${evaluation.reference ?? '?'})`,
          );
          if (evaluation.alert) {
            const report = await writeDriftReport(ctx, evaluation.reference ?? '?', reportsDir, day.date);
            summary.alert = { afterDay: day.date, message: evaluation.alert.message, report };
            say(`           alert: ${evaluation.alert.message}`, `           drift report: ${report}`);
            stage = 'retrain';
            const action = (evaluation.alert.actions.actions as JsonObject[] | undefined)?.[0] ?? {};
            const runId = typeof action.runId === 'string' ? action.runId : null;
            if (runId === null) throw new Error(`the alert started no retraining: ${JSON.stringify(action)}`);
            say(`5 retrain  ${TRIGGER} fired by the alert (${elapsed()})…`);
            const params = action.params as JsonObject | undefined;
            await describeRun(ctx, summary, runId, 'drift alert', String(params?.data ?? '?'), say);
            const after = (await ctx.store.deployments.get(ENDPOINT))!;
            if (after.phase === 'stable')
              throw new Error(`the retrained model was not deployed as a challenger (see osprey runs show ${runId})`);
            say(
              `6 rollout  challenger ${after.modelName}/${after.challengerVersion}: ${after.strategy}, now ${after.phase}`,
            );
            stage = 'rollout';
          }
        }
        if (summary.alert !== null) {
          const d = (await ctx.store.deployments.get(ENDPOINT))!;
          if (d.phase === 'stable') break;
        }
      }
      await running.server.predictionLogger?.flush();
      await traffic.attachLabels();
      await new Promise((resolve) => setTimeout(resolve, 150)); // the server's last rollout round reports
      flushServeLog();
      summary.traffic = {
        ...traffic.tally,
        accuracy: traffic.tally.requests === 0 ? null : traffic.tally.correct / traffic.tally.requests,
      };
      if (summary.alert === null) throw new Error(`no drift alert in ${input.live.length} days of traffic`);
      const final = (await ctx.store.deployments.get(ENDPOINT))!;
      if (final.phase !== 'stable') throw new Error(`the rollout did not finish: still ${final.phase}`);
      if (traffic.tally.failed > 0) throw new Error(`${traffic.tally.failed} requests failed: ${traffic.lastError}`);
    } finally {
      await running.close();
    }
    stage = 'summary';
    await summarise(ctx, summary);
    summary.ok = true;
  } catch (error) {
    summary.failure = `${stage}: ${errorMessage(error)}`;
    await summarise(ctx, summary).catch(() => {});
  }
  summary.seconds = (Date.now() - started) / 1000;
  await writeFile(summary.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  sayOutcome(summary, say);
  return summary;
}

/** The pipeline's first-model variant (no champion to beat yet), run here to the end. */
async function runFirstModel(ctx: Context, pipeline: string, data: string): Promise<string> {
  await loadTypeScriptFor(pipeline);
  const { compileFile } = await import('../pipelines/compiler/index.js');
  const spec = await compileFile(pipeline, { exportName: FIRST_MODEL_EXPORT });
  const executor = await executorFor(ctx);
  return (await executor.run(spec, { ...PIPELINE_PARAMS, data }, dirname(pipeline))).id;
}

async function describeRun(
  ctx: Context,
  summary: DemoLoop,
  runId: string,
  reason: string,
  data: string,
  say: (...lines: string[]) => void,
): Promise<void> {
  const run = await ctx.store.pipelines.getRun(runId);
  const tasks = await ctx.store.pipelines.listTasks(runId);
  summary.runs.push({ runId, reason, data, status: run?.status ?? 'missing' });
  say(
    `           run ${runId} on ${data}: ${run?.status ?? 'missing'}`,
    `           ${tasks.map((t) => `${t.path} ${t.status === 'succeeded' ? '✓' : t.status}`).join(' · ')}`,
  );
  const scores: string[] = [];
  for (const task of tasks.filter((t) => t.path.startsWith('evaluate-'))) {
    const metrics = (await ctx.store.tracking.getRun(task.id).catch(() => undefined))?.metrics ?? [];
    const value = (key: string) => metrics.find((m) => m.key === key)?.value.toFixed(3) ?? '–';
    scores.push(`${task.path.slice('evaluate-'.length)} accuracy ${value('accuracy')}, log loss ${value('log_loss')}`);
  }
  if (scores.length > 0) say(`           on the holdout (newest 20 % of the days): ${scores.join('; ')}`);
  if (run?.status !== 'succeeded')
    throw new Error(`pipeline run ${runId} ${run?.status ?? 'is missing'}: osprey runs show ${runId}`);
}

/** The drift report of the monitor's window against the reference, as an HTML file with charts. */
async function writeDriftReport(ctx: Context, reference: string, dir: string, day: string): Promise<string> {
  const window = await ctx.store.predictions.window(ENDPOINT, { limit: MONITOR_EVERY_DAYS });
  const current = join(dir, `window-to-${day}.jsonl`);
  await writeFile(current, `${window.map((p) => JSON.stringify(p.features)).join('\n')}\n`);
  const tables = await readDriftTables(
    reference,
    current,
    async () => ({ datasets: ctx.datasets, artifacts: ctx.artifacts }),
    { scratchDir: dir },
  );
  const only = (t: typeof tables.reference) => ({ ...t, columns: t.columns.filter((c) => MONITORED.includes(c.name)) });
  const result = await computeDrift(only(tables.reference), only(tables.current), { charts: true });
  const path = join(dir, `drift-${day}.html`);
  await writeFile(
    path,
    driftReportHtml(result, `Endpoint ${ENDPOINT}: last ${window.length} predictions vs ${reference}`),
  );
  return path;
}

async function summarise(ctx: Context, summary: DemoLoop): Promise<void> {
  const d: DeploymentRecord | undefined = await ctx.store.deployments.get(ENDPOINT);
  if (!d) return;
  summary.deployment = { model: d.modelName, champion: d.championVersion, phase: d.phase };
  summary.decisions = (await ctx.store.deployments.decisions(d.id)).map((x) => ({
    decision: x.decision,
    from: x.fromVersion,
    to: x.toVersion,
    evidence: x.evidence,
  }));
}

function sayOutcome(summary: DemoLoop, say: (...lines: string[]) => void): void {
  const t = summary.traffic;
  say(
    '',
    `7 summary  ${summary.ok ? 'the loop closed' : `FAILED at ${summary.failure}`} in ${summary.seconds.toFixed(1)} s`,
    `           data versions: ${summary.dataVersions[0]} … ${summary.dataVersions.at(-1)} (${summary.dataVersions.length})`,
    ...summary.runs.map((r) => `           run ${r.runId} (${r.reason}) on ${r.data}: ${r.status}`),
    `           traffic: ${t.requests} requests, ${t.failed} failed, answered by ${Object.entries(t.byVersion)
      .map(([v, n]) => `v${v} ×${n}`)
      .join(', ')}; accuracy ${t.accuracy === null ? '–' : t.accuracy.toFixed(3)}`,
    `           decisions: ${summary.decisions.map((x) => `${x.decision}${x.to ? ` v${x.to}` : ''}`).join(' → ')}`,
    ...summary.decisions.flatMap((x) => {
      const line = evidenceLine(x.evidence);
      return line ? [`             ${x.decision.padEnd(13)} ${line}`] : [];
    }),
    ...(summary.deployment
      ? [
          `           endpoint ${ENDPOINT}: champion ${summary.deployment.model}/${summary.deployment.champion} (${summary.deployment.phase})`,
        ]
      : []),
    ...(summary.alert ? [`           drift report: ${summary.alert.report}`] : []),
    `           summary: ${summary.summaryFile}`,
    `           look around: OSPREY_HOME=${summary.home} osprey deployments show ${ENDPOINT} · osprey monitors alerts ·`,
    `                        osprey runs ls · osprey models lineage ${summary.deployment?.model ?? 'MODEL'}@champion`,
  );
}
