import { chmod, copyFile, stat, writeFile } from 'node:fs/promises';
import { invalidArgument } from '../../core/errors.js';
import { openScratch } from '../../data/duckdb.js';
import { Artifact, component, Dataset } from '../dsl/index.js';
import { describeViolation, type ExpectationResult, parseExpectations } from './expectations.js';
import { countKept, judge, sourceOf, writeKept, writeQuarantine } from './validation-run.js';

export type { ColumnExpectations, ExpectationResult, Expectations } from './expectations.js';

/** The report artifact's format version. */
export const VALIDATION_REPORT_KIND = 'osprey.validation-report/v1';

/**
 * The built-in data validation step. Checks a dataset (CSV, Parquet or JSON lines; a file or a directory) against
 * expectations (see `Expectations`: column types, ranges, allowed categories, max null share, row count) with DuckDB.
 *
 * - `policy: 'fail'`: any violated expectation fails the step; the error names each one (column, rule, observed vs
 *   expected, offending rows).
 * - `policy: 'quarantine'`: rows that break a row-level rule (range, allowed, null share over its maximum,
 *   unparseable) go to `quarantined` (JSON lines, each with `_osprey_violations`) and the step continues with the
 *   rest in `valid`. Whole-dataset rules (row count of the rows kept, column presence and type) still fail it.
 *   A column over its max null share has every row with a null there quarantined.
 *
 * `report` is JSON (`osprey.validation-report/v1`): every expectation with its status, observed and expected values
 * and offending-row count. `violations` is the number of violated expectations.
 */
export const validateData = component(
  {
    name: 'validate-data',
    description: 'Checks a dataset against expectations; fails or quarantines offending rows, per policy.',
    inputs: { data: Dataset, expectations: 'json', policy: { type: 'string', default: 'fail' } },
    outputs: { valid: Dataset, quarantined: Dataset, report: Artifact, violations: 'number' },
    cache: true,
  },
  async ({ data, expectations: given, policy }, ctx) => {
    if (policy !== 'fail' && policy !== 'quarantine')
      throw invalidArgument(`validateData policy must be 'fail' or 'quarantine', got ${JSON.stringify(policy)}`);
    const expectations = parseExpectations(given);
    const source = await sourceOf(data.path, data.metadata);
    const scratch = await openScratch({ dir: ctx.workDir });
    try {
      const judgement = await judge(scratch, source, expectations);
      const kept = policy === 'quarantine' ? await countKept(scratch, judgement) : judgement.rows;
      const results: ExpectationResult[] = [...judgement.results];
      if (expectations.rowCount) {
        const { min, max } = expectations.rowCount;
        const ok = (min === undefined || kept >= min) && (max === undefined || kept <= max);
        results.unshift({
          id: 'rowCount',
          rule: 'rowCount',
          scope: 'dataset',
          status: ok ? 'passed' : 'failed',
          expected: expectations.rowCount,
          observed: kept,
          offendingRows: 0,
        });
      }
      const failed = results.filter((r) => r.status === 'failed');
      const fatal = policy === 'fail' ? failed : failed.filter((r) => r.scope === 'dataset');
      const removed = policy === 'quarantine' ? judgement.rows - kept + judgement.rejected.length : 0;
      const report = {
        kind: VALIDATION_REPORT_KIND,
        policy,
        format: source.format,
        passed: failed.length === 0,
        violations: failed.length,
        rows: judgement.rows + judgement.rejected.length,
        validRows: kept,
        quarantinedRows: removed,
        expectations: results,
      };
      console.log(
        `validated ${report.rows} rows against ${results.length} expectations: ${failed.length} violated, ` +
          `${kept} kept, ${removed} quarantined`,
      );
      if (fatal.length > 0) {
        const lines = fatal.map((r) => `  - ${describeViolation(r)}`).join('\n');
        throw new Error(
          `data validation failed (policy ${policy}): ${fatal.length} expectation${fatal.length === 1 ? '' : 's'} ` +
            `violated${policy === 'quarantine' ? ' that quarantine cannot fix' : ''}:\n${lines}`,
        );
      }
      await writeFile(ctx.outputs.report.path, `${JSON.stringify(report, null, 2)}\n`);
      await writeQuarantine(
        scratch,
        removed > 0 ? judgement : { ...judgement, rowRules: [], rejected: [] },
        ctx.outputs.quarantined.path,
      );
      if (removed === 0 && (await stat(data.path)).isFile()) {
        // Nothing removed: pass the exact bytes on (same digest, so lineage and caches see the same data).
        await copyFile(data.path, ctx.outputs.valid.path);
        await chmod(ctx.outputs.valid.path, 0o644);
      } else await writeKept(scratch, judgement, source.format, ctx.outputs.valid.path);
      Object.assign(ctx.outputs.valid.metadata, { format: source.format, rows: kept });
      Object.assign(ctx.outputs.quarantined.metadata, { format: 'jsonl', rows: removed });
      Object.assign(ctx.outputs.report.metadata, { passed: report.passed, violations: failed.length });
      await ctx.logMetric('validation_violations', failed.length);
      await ctx.logMetric('validation_quarantined_rows', removed);
      return { violations: failed.length };
    } finally {
      await scratch.close();
    }
  },
);
