/**
 * `osprey demo`: the closed loop on the embedded default, with real data. The 2012 days of Seattle's weather are
 * versioned; the continuous-training pipeline (examples/weather-ct-pipeline.ts) trains, gates, registers and deploys
 * the champion of endpoint `weather`; `osprey serve --endpoint weather` serves it; the days of 2013 on are replayed as
 * live traffic through the V2 API, versioned as they are labelled; the endpoint's monitor compares the prediction
 * log with the champion's training data and, on the seasonal drift, fires the retraining trigger on the newest data
 * version; the challenger passes its gates, runs in shadow, goes through the canary steps and is promoted — or is
 * rolled back if the evidence says so. Exit 1 when a stage fails.
 *
 * Everything happens in the demo's own store, `$OSPREY_HOME/demo` (made afresh each time), so the demo can be run
 * again and inspected afterwards with `OSPREY_HOME=<home>/demo osprey deployments show weather`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { configFromEnv } from '../core/config.js';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { parseSeattleWeatherCsv, type WeatherDay } from '../ml/seattle-weather.js';
import { type Context, openContext } from './context.js';
import { type DemoLoop, runClosedLoop } from './demo-loop.js';
import { EXIT_FAILED } from './exit-codes.js';
import { printJson, printLines } from './output.js';

export const CT_PIPELINE = fileURLToPath(new URL('../../examples/weather-ct-pipeline.ts', import.meta.url));

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the closed loop on real data: train → gate → serve → monitor → drift → retrain → shadow → canary → promote ' +
        '(in its own store, $OSPREY_HOME/demo)',
    )
    .option('--json', 'print the summary as JSON instead of the narrative')
    .option('--max-days <n>', 'most days of live traffic to replay', '1095')
    .action(async (opts: { json?: boolean; maxDays: string }) => {
      const maxDays = Number(opts.maxDays);
      if (!Number.isInteger(maxDays) || maxDays < 60)
        throw new Error(`--max-days ${opts.maxDays}: give a whole number ≥ 60`);
      const summary = await runDemo({ json: Boolean(opts.json), maxDays });
      if (opts.json) printJson(summary);
      if (!summary.ok) process.exitCode = EXIT_FAILED;
    });
}

export async function runDemo(options: {
  json: boolean;
  maxDays: number;
  env?: Readonly<Record<string, string | undefined>>;
}): Promise<DemoLoop> {
  const env = options.env ?? process.env;
  const home = resolve(configFromEnv(env).home, 'demo');
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  if (!existsSync(CT_PIPELINE))
    throw new Error(`the demo needs the examples of a source checkout (${CT_PIPELINE} is missing)`);
  const open = () => openContext({ ...env, OSPREY_HOME: home, OSPREY_DB: undefined });
  const ctx: Context = await open();
  try {
    const days = parseSeattleWeatherCsv(await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8'));
    const say = options.json ? () => {} : (...lines: string[]) => printLines(...lines);
    return await runClosedLoop(ctx, {
      home,
      open,
      pipeline: CT_PIPELINE,
      training: days.filter((d) => d.date.startsWith('2012')),
      live: days.filter((d) => d.date >= '2013').slice(0, options.maxDays),
      say,
      writeCsv: (path: string, rows: readonly WeatherDay[]) => writeFile(path, toCsv(rows)),
    });
  } finally {
    await ctx.close();
  }
}

function toCsv(days: readonly WeatherDay[]): string {
  const lines = days.map((d) => [d.date, d.precipitation, d.temp_max, d.temp_min, d.wind, d.weather].join(','));
  return `date,precipitation,temp_max,temp_min,wind,weather\n${lines.join('\n')}\n`;
}

export const demoHome = (env: Readonly<Record<string, string | undefined>>) => join(configFromEnv(env).home, 'demo');
