import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import {
  type ColumnOverride,
  type Correction,
  computeDrift,
  type DriftOptions,
  type DriftResult,
  parseFeatureType,
  parseMethodChoice,
  readDriftTables,
} from '../monitoring/drift/index.js';
import { driftReportHtml } from '../monitoring/reports/index.js';
import { openContext } from './context.js';
import { EXIT_FAILED } from './exit-codes.js';
import { formatNumber, printJson, printLines, table } from './output.js';
import { progress } from './progress.js';

interface DriftFlags {
  reference: string;
  current: string;
  json?: boolean;
  html?: string;
  method: string;
  ksMode: string;
  alpha: string;
  correction: string;
  driftShare: string;
  columnMethod: string[];
  columnType: string[];
  workers?: string;
  failOnDrift?: boolean;
}

/** `osprey drift`: data drift between a reference and current data (files or dataset versions). */
export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description('data drift between reference and current data, column by column, with a dataset verdict')
    .requiredOption(
      '-r, --reference <ref>',
      'reference data: a CSV/Parquet/JSON-lines file or directory, or NAME@VERSION',
    )
    .requiredOption('-c, --current <ref>', 'current data: a file or directory, or NAME@VERSION')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report')
    .option('--method <method>', 'auto, ks, chisquare, wasserstein, cvm, psi or js (for every column it fits)', 'auto')
    .option('--ks-mode <mode>', 'KS p-value: auto, exact or asymp (as scipy.stats.ks_2samp)', 'auto')
    .option('--alpha <alpha>', 'significance level of the tests', '0.05')
    .option('--correction <correction>', 'multiple-testing correction: none, bonferroni or bh', 'bh')
    .option('--drift-share <share>', 'dataset drift when this share of columns drifted', '0.5')
    .option('--column-method <column=method>', 'method for one column (repeatable)', collect, [])
    .option('--column-type <column=type>', 'numerical or categorical for one column (repeatable)', collect, [])
    .option('--workers <n>', 'worker threads for numerical columns (0: none; default: the cores, for large data)')
    .option('--fail-on-drift', 'exit 1 when the dataset drifted')
    .addHelpText(
      'after',
      '\nExit codes: 0 the report was computed (drift or not), 1 dataset drift with --fail-on-drift, 2 bad input.',
    )
    .action(async (flags: DriftFlags) => {
      const options = driftOptions(flags);
      const bar = progress('reading data', { quiet: Boolean(flags.json) && !process.stderr.isTTY });
      bar.update(0, 1);
      let context: Awaited<ReturnType<typeof openContext>> | undefined;
      try {
        const tables = await readDriftTables(flags.reference, flags.current, async () => {
          context = await openContext();
          return { datasets: context.datasets, artifacts: context.artifacts };
        });
        bar.done();
        const result = await computeDrift(tables.reference, tables.current, options);
        if (flags.html) await writeFile(flags.html, driftReportHtml(result));
        if (flags.json) printJson(result.report);
        else printLines(...describe(result, flags.html));
        if (flags.failOnDrift && result.report.dataset_drift) process.exitCode = EXIT_FAILED;
      } finally {
        await context?.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function driftOptions(flags: DriftFlags): DriftOptions {
  const columns: Record<string, ColumnOverride> = {};
  for (const [list, key] of [
    [flags.columnMethod, 'method'],
    [flags.columnType, 'type'],
  ] as const) {
    for (const item of list) {
      const at = item.lastIndexOf('=');
      if (at <= 0) throw invalidArgument(`--column-${key} ${JSON.stringify(item)}: write COLUMN=${key.toUpperCase()}`);
      const [name, value] = [item.slice(0, at), item.slice(at + 1)];
      const where = `--column-${key} for ${JSON.stringify(name)}:`;
      columns[name] = {
        ...columns[name],
        ...(key === 'method' ? { method: parseMethodChoice(value, where) } : { type: parseFeatureType(value, where) }),
      };
    }
  }
  const ksMode = flags.ksMode;
  if (!['auto', 'exact', 'asymp'].includes(ksMode)) {
    throw invalidArgument(`--ks-mode ${JSON.stringify(ksMode)} is unknown: use auto, exact or asymp`);
  }
  return {
    method: parseMethodChoice(flags.method, '--method'),
    ksMode: ksMode as DriftOptions['ksMode'] & string,
    alpha: number('--alpha', flags.alpha),
    correction: flags.correction as Correction,
    driftShareThreshold: number('--drift-share', flags.driftShare),
    columns,
    charts: Boolean(flags.html),
    ...(flags.workers !== undefined ? { workers: number('--workers', flags.workers) } : {}),
  };
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw invalidArgument(`${flag} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function describe(result: DriftResult, html: string | undefined): string[] {
  const r = result.report;
  const rows = r.features.map((f) => [
    f.name,
    f.type,
    f.method ?? '–',
    formatNumber(f.statistic),
    formatNumber(f.p_value),
    formatNumber(f.effect_size),
    f.error ? 'ERROR' : f.drifted ? 'DRIFT' : 'ok',
    f.note ?? '',
  ]);
  return [
    ...table(['COLUMN', 'TYPE', 'METHOD', 'STATISTIC', 'P-VALUE', 'EFFECT', 'VERDICT', 'NOTE'], rows),
    ...r.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
    '',
    `${r.dataset_drift ? 'dataset drift' : 'no dataset drift'}: ${r.number_of_drifted_columns} of ${r.number_of_columns} columns drifted (share ${formatNumber(r.drift_share)}, threshold ${formatNumber(r.drift_share_threshold)})`,
    ...(html ? [`HTML report written to ${html}`] : []),
  ];
}
