import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { diffVersions } from '../data/diff.js';
import { type Context, withContext } from './context.js';
import { describeVersion } from './data.js';
import { runDemoPipeline } from './demo-pipeline.js';
import { trackBaseline } from './demo-tracking.js';
import { printJson, printLines } from './output.js';

/**
 * The end-to-end demo on the embedded default. Today: version the bundled real dataset (Seattle weather 2012–2015),
 * profile it, show that adding it again is a no-op, and compare two real time windows of it as two versions.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the end-to-end demo on the embedded store ($OSPREY_HOME, default ./.osprey)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => withContext((ctx) => runDemo(ctx, Boolean(opts.json))));
}

async function runDemo(ctx: Context, json: boolean): Promise<void> {
  const say = (...lines: string[]) => (json ? undefined : printLines(...lines));
  const source = bundledDataset(SEATTLE_WEATHER);
  say(`Osprey demo — home ${ctx.config.home}, metadata on ${ctx.store.kind}`, '', `1. version ${source}`);
  const first = await ctx.datasets.add({
    name: 'seattle-weather',
    path: source,
    description: 'daily weather, 2012–2015',
  });
  say(first.created ? '   created' : '   already versioned', ...describeVersion(first.version).map((l) => `   ${l}`));

  const again = await ctx.datasets.add({ name: 'seattle-weather', path: source });
  say(
    '',
    `2. add the same content again → ${again.version.datasetName}@${again.version.version}, created: ${again.created}`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'osprey-demo-'));
  try {
    const [header, ...rows] = (await readFile(source, 'utf8')).trimEnd().split('\n');
    const window = async (years: string[], file: string) => {
      const path = join(dir, file);
      await writeFile(path, [header, ...rows.filter((r) => years.some((y) => r.startsWith(y)))].join('\n'));
      return ctx.datasets.add({ name: 'seattle-weather-window', path, description: `years ${years.join(', ')}` });
    };
    const early = await window(['2012', '2013'], 'weather-2012-2013.csv');
    const late = await window(['2014', '2015'], 'weather-2014-2015.csv');
    const diff = diffVersions(early.version, late.version);
    say(
      '',
      `3. two windows of the same station as versions: ${diff.a.ref} (2012–13) vs ${diff.b.ref} (2014–15)`,
      `   rows ${diff.a.rowCount} → ${diff.b.rowCount}`,
      ...diff.columns.map(
        (c) =>
          `   ${c.name.padEnd(14)} ${c.level.padEnd(9)} ${
            c.mean
              ? `mean ${c.mean[0]?.toFixed(2)} → ${c.mean[1]?.toFixed(2)} (shift ${c.meanShift?.toFixed(2)} sd)`
              : ''
          }${c.totalVariation !== undefined ? `total variation ${c.totalVariation.toFixed(3)}` : ''}`,
      ),
    );
    const tracked = await trackBaseline(ctx, first.version);
    const d = tracked.lineage.datasets[0];
    say(
      '',
      `4. a tracked run on ${first.version.datasetName}@${first.version.version} through the MLflow-compatible API`,
      `   rule: rain if precipitation > ${tracked.threshold} mm, else sun — accuracy ${tracked.accuracy.toFixed(3)} on the real labels`,
      `   registered seattle-rain-rule version ${tracked.modelVersion} as @champion; its lineage:`,
      `   model seattle-rain-rule/${tracked.modelVersion} → run ${tracked.runId} → dataset ${d?.ospreyVersion ?? '?'} (${d?.rows ?? '?'} rows) → commit ${tracked.lineage.code.gitCommit?.slice(0, 12) ?? 'none'}`,
    );
    const pipelineRun = await runDemoPipeline(ctx, first.version);
    if (pipelineRun)
      say(
        '',
        `5. the training pipeline examples/train-pipeline.ts on ${first.version.datasetName}@${first.version.version}, each step in its own process`,
        `   run ${pipelineRun.runId}: ${pipelineRun.status}`,
        `   ${pipelineRun.tasks.map((t) => `${t.name} ${t.status}`).join(' · ')}`,
      );
    say(
      '',
      'Next: osprey data ls · osprey data diff seattle-weather-window@1 seattle-weather-window@2 · osprey runs ls ·',
      '      osprey models lineage seattle-rain-rule@champion · osprey server (then MLFLOW_TRACKING_URI=http://127.0.0.1:5000)',
    );
    if (json) printJson({ dataset: first.version, idempotent: !again.created, diff, tracked, pipelineRun });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
