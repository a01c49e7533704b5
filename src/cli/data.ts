import type { Command } from 'commander';
import { isoTime } from '../core/time.js';
import type { AddProgress } from '../data/datasets.js';
import { profileOf, schemaOf } from '../data/datasets.js';
import { type DatasetDiff, diffVersions } from '../data/diff.js';
import { parseFormat } from '../data/formats.js';
import type { ColumnProfile } from '../data/profile.js';
import type { DatasetVersionRecord } from '../store/metadata-store.js';
import { withContext } from './context.js';
import { formatNumber, printJson, printLines, shortDigest, table } from './output.js';
import { formatBytes, type Progress, progress } from './progress.js';

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('version datasets: content-hashed, schema-inferred, profiled');

  data
    .command('add')
    .description('create an immutable dataset version from a file or directory (CSV, Parquet, JSON lines)')
    .argument('<path>', 'a data file, or a directory of data files of one format')
    .requiredOption('-n, --name <name>', 'dataset name')
    .option('-f, --format <format>', 'csv, parquet or jsonl (default: from the file extensions)')
    .option('-d, --description <text>', 'what this version is')
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: { name: string; format?: string; description?: string; json?: boolean }) => {
      const reporter = addReporter();
      const result = await withContext((ctx) =>
        ctx.datasets.add({
          name: opts.name,
          path,
          ...(opts.format ? { format: parseFormat(opts.format) } : {}),
          ...(opts.description ? { description: opts.description } : {}),
          onProgress: reporter.onProgress,
        }),
      );
      reporter.finish();
      const v = result.version;
      if (opts.json) return printJson({ created: result.created, version: v });
      printLines(
        `${result.created ? 'created' : 'unchanged: identical content is already'} ${v.datasetName}@${v.version}  sha256:${shortDigest(v.digest)}`,
        `  ${v.rowCount} rows × ${schemaOf(v).length} columns, ${formatBytes(v.sizeBytes)}, ${v.fileCount} file(s), ${v.format}`,
        ...(v.rejectedRowCount > 0
          ? [
              `  ${v.rejectedRowCount} row(s) failed to parse and were quarantined: osprey data show ${v.datasetName}@${v.version} --rejected`,
            ]
          : []),
      );
    });

  data
    .command('ls')
    .description('list datasets, or the versions of one dataset')
    .argument('[name]', 'a dataset name: list its versions')
    .option('--json', 'machine-readable output')
    .action(async (name: string | undefined, opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        if (name) {
          const versions = await ctx.datasets.versions(name);
          if (opts.json) return printJson(versions.map(summaryOf));
          printLines(
            ...table(
              ['VERSION', 'DIGEST', 'ROWS', 'REJECTED', 'SIZE', 'CREATED'],
              versions.map((v) => [
                `${v.datasetName}@${v.version}`,
                shortDigest(v.digest),
                v.rowCount,
                v.rejectedRowCount,
                formatBytes(v.sizeBytes),
                isoTime(v.createdAt),
              ]),
            ),
          );
          return;
        }
        const datasets = await ctx.datasets.list();
        if (opts.json) return printJson(datasets);
        if (datasets.length === 0) return printLines('no datasets yet: osprey data add <file> --name NAME');
        printLines(
          ...table(
            ['NAME', 'VERSIONS', 'LATEST', 'UPDATED'],
            datasets.map((d) => [d.name, d.versionCount, d.latestVersion ?? '–', isoTime(d.updatedAt)]),
          ),
        );
      }),
    );

  data
    .command('show')
    .description('show a dataset version: provenance, schema and column profile')
    .argument('<ref>', 'NAME, NAME@VERSION, NAME@latest, NAME@DIGEST-PREFIX or a digest')
    .option('--rejected', 'also list the rows that failed to parse')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean; rejected?: boolean }) =>
      withContext(async (ctx) => {
        const version = await ctx.datasets.resolve(ref);
        const rejected = opts.rejected ? await ctx.datasets.quarantine(version) : undefined;
        if (opts.json) return printJson({ ...version, ...(rejected ? { rejected } : {}) });
        printLines(...describeVersion(version));
        if (rejected) {
          printLines('', `rejected rows (${rejected.length}):`);
          printLines(
            ...rejected.map((r) => `  ${r.file}:${r.line}: ${r.error}${r.raw === null ? '' : `  | ${r.raw}`}`),
          );
        }
      }),
    );

  data
    .command('diff')
    .description('compare two dataset versions: schema changes, row counts, per-column shift')
    .argument('<a>', 'the reference version, e.g. weather@1')
    .argument('<b>', 'the version to compare, e.g. weather@2')
    .option('--json', 'machine-readable output')
    .action(async (a: string, b: string, opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const diff = diffVersions(await ctx.datasets.resolve(a), await ctx.datasets.resolve(b));
        if (opts.json) return printJson(diff);
        printLines(...describeDiff(diff));
      }),
    );
}

function summaryOf(v: DatasetVersionRecord) {
  const { schema: _schema, profile: _profile, ...rest } = v;
  return rest;
}

function addReporter() {
  let current: { phase: string; bar: Progress } | undefined;
  const switchTo = (phase: string, label: string, unit: 'bytes' | 'items') => {
    if (current?.phase === phase) return current.bar;
    current?.bar.done();
    current = { phase, bar: progress(label, { unit }) };
    return current.bar;
  };
  return {
    onProgress(event: AddProgress) {
      if (event.phase === 'hash') switchTo('hash', 'hashing', 'bytes').update(event.done, event.total);
      else if (event.phase === 'store') switchTo('store', 'storing', 'bytes').update(event.done, event.total);
      else if (event.phase === 'load') switchTo('load', 'parsing', 'items').update(0, 1);
      else switchTo('profile', 'profiling columns', 'items').update(event.done, event.total);
    },
    finish() {
      current?.bar.done();
    },
  };
}

export function describeVersion(v: DatasetVersionRecord): string[] {
  const profile = profileOf(v);
  const lines = [
    `${v.datasetName}@${v.version}`,
    `  digest      sha256:${v.digest}`,
    `  created     ${isoTime(v.createdAt)}`,
    `  source      ${v.source} (${v.kind}, ${v.fileCount} file(s), ${v.format}, ${formatBytes(v.sizeBytes)})`,
    `  rows        ${v.rowCount}${v.rejectedRowCount > 0 ? ` (+${v.rejectedRowCount} rejected, see --rejected)` : ''}`,
    ...(v.description ? [`  description ${v.description}`] : []),
    '',
  ];
  const rows = profile.columns.map((c) => [c.name, c.type, c.nulls, c.distinct, ...statsOf(c)]);
  return [...lines, ...table(['COLUMN', 'TYPE', 'NULLS', 'DISTINCT', 'MIN', 'MEAN', 'MAX', 'TOP / STD'], rows)];
}

function statsOf(c: ColumnProfile): string[] {
  if (c.numeric) {
    const n = c.numeric;
    return [formatNumber(n.min), formatNumber(n.mean), formatNumber(n.max), `std ${formatNumber(n.std)}`];
  }
  if (c.categories) {
    const top = c.categories.top.slice(0, 3).map((t) => `${t.value} (${t.count})`);
    return ['', '', '', top.join(', ')];
  }
  if (c.temporal) return [c.temporal.min ?? '–', '', c.temporal.max ?? '–', ''];
  if (c.boolean) return ['', '', '', `true ${c.boolean.trueCount}, false ${c.boolean.falseCount}`];
  return ['', '', '', ''];
}

function describeDiff(d: DatasetDiff): string[] {
  const lines = [
    `${d.a.ref} (sha256:${shortDigest(d.a.digest)}) → ${d.b.ref} (sha256:${shortDigest(d.b.digest)})`,
    `rows: ${d.a.rowCount} → ${d.b.rowCount} (${d.rowCountDelta >= 0 ? '+' : ''}${d.rowCountDelta})`,
  ];
  const s = d.schema;
  if (s.added.length + s.removed.length + s.typeChanged.length === 0) lines.push('schema: unchanged');
  for (const c of s.added) lines.push(`schema: + ${c.name} ${c.type}`);
  for (const c of s.removed) lines.push(`schema: - ${c.name} ${c.type}`);
  for (const c of s.typeChanged) lines.push(`schema: ~ ${c.name} ${c.from} → ${c.to}`);
  lines.push('');
  const rows = d.columns.map((c) => [
    c.name,
    c.level,
    `${formatNumber(c.nullShare[0])} → ${formatNumber(c.nullShare[1])}`,
    c.mean ? `${formatNumber(c.mean[0])} → ${formatNumber(c.mean[1])}` : '',
    c.meanShift !== undefined
      ? formatNumber(c.meanShift)
      : c.totalVariation !== undefined
        ? `TV ${formatNumber(c.totalVariation)}`
        : '',
  ]);
  return [...lines, ...table(['COLUMN', 'SHIFT', 'NULL SHARE', 'MEAN', 'STD. SHIFT / TV'], rows)];
}
