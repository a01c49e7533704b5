import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { type Scratch, sqlIdent, sqlString } from '../../data/duckdb.js';
import { formatOfFiles, formatOfName } from '../../data/formats.js';
import { DATA_TABLE, loadInto, type RejectedRow, type SourceFile } from '../../data/load.js';
import { readSchema } from '../../data/profile.js';
import type { DatasetFormat } from '../../store/metadata-store.js';
import { type ExpectationResult, type Expectations, typeMatches } from './expectations.js';

// The DuckDB side of validateData: load the data into the scratch table, judge every expectation in SQL (one
// counting pass for the row-level rules), and write the kept and the quarantined rows.

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/;
const TEMPORAL = /^(DATE|TIME|TIMESTAMP)/;

/** The data files of an artifact (a file, or a directory of files of one format) and their format. */
export async function sourceOf(
  path: string,
  metadata: Readonly<Record<string, unknown>>,
): Promise<{ format: DatasetFormat; files: SourceFile[] }> {
  if ((await stat(path)).isDirectory()) {
    const files = (await listFiles(path)).filter((f) => !basename(f).startsWith('.'));
    const names = files.map((f) => relative(path, f));
    const format = formatOfFiles(names, 'the dataset directory');
    return { format, files: files.map((f, i) => ({ localPath: f, displayName: names[i]!, originalName: names[i]! })) };
  }
  // A file artifact has no extension in the step's directory: its format comes from metadata or its first bytes.
  const named = [metadata.format, metadata.source, metadata.originalName].find((v) => typeof v === 'string');
  const declared = typeof metadata.format === 'string' ? (metadata.format as DatasetFormat) : undefined;
  const originalName = typeof named === 'string' && formatOfName(named) ? basename(named) : undefined;
  const format = declared ?? (originalName ? formatOfName(originalName) : undefined) ?? (await sniff(path));
  const gzip = originalName?.toLowerCase().endsWith('.gz') ?? false;
  return {
    format,
    files: [
      { localPath: path, displayName: 'data', originalName: originalName ?? `data.${format}${gzip ? '.gz' : ''}` },
    ],
  };
}

async function sniff(path: string): Promise<DatasetFormat> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
    return head.toString('utf8').trimStart().startsWith('{') ? 'jsonl' : 'csv';
  } finally {
    await handle.close();
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat().sort();
}

interface RowRule {
  result: ExpectationResult;
  /** True for an offending row (never NULL). */
  condition: string;
}

export interface Judgement {
  rows: number;
  results: ExpectationResult[];
  rowRules: RowRule[];
  rejected: RejectedRow[];
}

/** Loads the data and judges every expectation; row-level rules keep their SQL condition for the split. */
export async function judge(
  scratch: Scratch,
  source: { format: DatasetFormat; files: SourceFile[] },
  expectations: Expectations,
): Promise<Judgement> {
  const { rowCount: rows, rejected } = await loadInto(scratch, source.format, source.files);
  const schema = new Map((await readSchema(scratch)).map((c) => [c.name, c.type]));
  const results: ExpectationResult[] = [];
  const rowRules: RowRule[] = [];
  const parse: ExpectationResult = {
    id: 'parse',
    rule: 'parse',
    scope: 'row',
    status: rejected.length === 0 ? 'passed' : 'failed',
    expected: 'every row parses',
    observed: { unparseableRows: rejected.length, lines: rejected.slice(0, 5).map((r) => `${r.file}:${r.line}`) },
    offendingRows: rejected.length,
  };
  results.push(parse);

  for (const [column, e] of Object.entries(expectations.columns ?? {})) {
    const type = schema.get(column);
    const c = sqlIdent(column);
    const base = { column, offendingRows: 0 };
    if (type === undefined) {
      results.push({
        ...base,
        id: `${column}.exists`,
        rule: 'exists',
        scope: 'dataset',
        status: 'failed',
        expected: 'present',
        observed: { columns: [...schema.keys()] },
      });
      continue;
    }
    let typeOk = true;
    if (e.type !== undefined) {
      typeOk = typeMatches(e.type, type);
      results.push({
        ...base,
        id: `${column}.type`,
        rule: 'type',
        scope: 'dataset',
        status: typeOk ? 'passed' : 'failed',
        expected: e.type,
        observed: type,
      });
    }
    const skipped = (rule: ExpectationResult['rule'], expected: unknown, reason: string) =>
      results.push({
        ...base,
        id: `${column}.${rule}`,
        rule,
        scope: 'row',
        status: 'skipped',
        expected,
        observed: null,
        reason,
      });
    if (e.min !== undefined || e.max !== undefined) {
      const expected = {
        ...(e.min === undefined ? {} : { min: e.min }),
        ...(e.max === undefined ? {} : { max: e.max }),
      };
      const upper = type.toUpperCase();
      const numeric = NUMERIC.test(upper);
      if (!typeOk) skipped('range', expected, `column type ${type} is not ${e.type}`);
      else if (!numeric && !TEMPORAL.test(upper)) {
        results.push({
          ...base,
          id: `${column}.range`,
          rule: 'range',
          scope: 'dataset',
          status: 'failed',
          expected,
          observed: { type },
          reason: 'a range needs a numeric or date/time column',
        });
      } else {
        const literal = (v: number | string) =>
          numeric && typeof v === 'number' ? `(${v})::DOUBLE` : `CAST(${sqlString(String(v))} AS ${type})`;
        const x = numeric ? `${c}::DOUBLE` : c;
        const parts = [
          e.min === undefined ? null : `${x} < ${literal(e.min)}`,
          e.max === undefined ? null : `${x} > ${literal(e.max)}`,
        ].filter((p) => p !== null);
        const condition = `coalesce(${parts.join(' OR ')}, false)`;
        const [o] = await scratch.rows(
          `SELECT min(${x})::VARCHAR AS min, max(${x})::VARCHAR AS max FROM ${DATA_TABLE}`,
        );
        const observed = numeric
          ? { min: o?.min === null ? null : Number(o?.min), max: o?.max === null ? null : Number(o?.max) }
          : { min: o?.min ?? null, max: o?.max ?? null };
        rowRules.push({
          condition,
          result: { ...base, id: `${column}.range`, rule: 'range', scope: 'row', status: 'passed', expected, observed },
        });
      }
    }
    if (e.allowed !== undefined) {
      if (!typeOk) skipped('allowed', e.allowed, `column type ${type} is not ${e.type}`);
      else {
        const isString = type.toUpperCase() === 'VARCHAR';
        const values = e.allowed.map((v) =>
          isString || typeof v === 'string' ? sqlString(String(v)) : typeof v === 'boolean' ? String(v) : `(${v})`,
        );
        const x = isString || e.allowed.some((v) => typeof v === 'string') ? `${c}::VARCHAR` : c;
        const condition = `(${c} IS NOT NULL AND ${x} NOT IN (${values.join(', ')}))`;
        const others = await scratch.rows(
          `SELECT ${c}::VARCHAR AS value, count(*)::DOUBLE AS n FROM ${DATA_TABLE} WHERE ${condition}
           GROUP BY 1 ORDER BY n DESC, value LIMIT 10`,
        );
        rowRules.push({
          condition,
          result: {
            ...base,
            id: `${column}.allowed`,
            rule: 'allowed',
            scope: 'row',
            status: 'passed',
            expected: e.allowed,
            observed: { disallowed: others.map((r) => ({ value: r.value, count: Number(r.n) })) },
          },
        });
      }
    }
    if (e.maxNullShare !== undefined) {
      const [o] = await scratch.rows(`SELECT count(*) FILTER (WHERE ${c} IS NULL)::DOUBLE AS nulls FROM ${DATA_TABLE}`);
      const nulls = Number(o?.nulls ?? 0);
      const share = rows === 0 ? 0 : nulls / rows;
      const failed = share > e.maxNullShare;
      // Over the limit, the rows holding a null in the column are the offending rows (quarantine removes them all).
      rowRules.push({
        condition: failed ? `(${c} IS NULL)` : 'false',
        result: {
          ...base,
          id: `${column}.maxNullShare`,
          rule: 'maxNullShare',
          scope: 'row',
          status: 'passed',
          expected: e.maxNullShare,
          observed: { nullShare: share, nulls },
        },
      });
    }
  }

  if (rowRules.length > 0) {
    const counts = rowRules.map((r, i) => `count(*) FILTER (WHERE ${r.condition})::DOUBLE AS c${i}`).join(', ');
    const [row] = await scratch.rows(`SELECT ${counts} FROM ${DATA_TABLE}`);
    rowRules.forEach((r, i) => {
      r.result.offendingRows = Number(row?.[`c${i}`] ?? 0);
      if (r.result.offendingRows > 0) r.result.status = 'failed';
    });
  }
  results.push(...rowRules.map((r) => r.result));
  return { rows, results, rowRules, rejected };
}

/** The condition of a row that breaks any row-level rule. */
export function offendingCondition(judgement: Judgement): string {
  const failing = judgement.rowRules.filter((r) => r.result.status === 'failed');
  return failing.length === 0 ? 'false' : failing.map((r) => r.condition).join(' OR ');
}

/** Rows kept (after quarantine). */
export async function countKept(scratch: Scratch, judgement: Judgement): Promise<number> {
  const [row] = await scratch.rows(
    `SELECT count(*)::DOUBLE AS n FROM ${DATA_TABLE} WHERE NOT (${offendingCondition(judgement)})`,
  );
  return Number(row?.n ?? 0);
}

const COPY_FORMAT: Record<DatasetFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet',
  jsonl: 'FORMAT json',
};

/** Writes the rows that break no row-level rule, in the input's order and format. */
export async function writeKept(scratch: Scratch, judgement: Judgement, format: DatasetFormat, path: string) {
  await scratch.run(
    `COPY (SELECT * FROM ${DATA_TABLE} WHERE NOT (${offendingCondition(judgement)}) ORDER BY rowid)
     TO ${sqlString(path)} (${COPY_FORMAT[format]})`,
  );
}

/**
 * Writes the quarantined rows as JSON lines: each row's fields, `_osprey_row` (its 1-based position among the
 * parsed rows) and `_osprey_violations` (the expectations it breaks); then unparseable rows with file, line, error.
 */
export async function writeQuarantine(scratch: Scratch, judgement: Judgement, path: string): Promise<void> {
  const failing = judgement.rowRules.filter((r) => r.result.status === 'failed');
  const out = await open(path, 'w');
  try {
    if (failing.length > 0) {
      const tags = failing.map((r) => `CASE WHEN ${r.condition} THEN ${sqlString(r.result.id)} END`).join(', ');
      const part = join(scratch.dir, 'quarantine.jsonl');
      await scratch.run(
        `COPY (SELECT *, (rowid + 1)::BIGINT AS _osprey_row,
                      list_filter([${tags}], x -> x IS NOT NULL) AS _osprey_violations
               FROM ${DATA_TABLE} WHERE ${offendingCondition(judgement)} ORDER BY rowid)
         TO ${sqlString(part)} (FORMAT json)`,
      );
      for await (const chunk of createReadStream(part)) await out.write(chunk as Buffer);
    }
    for (const r of judgement.rejected) {
      await out.write(
        `${JSON.stringify({ _osprey_violations: ['parse'], _osprey_file: r.file, _osprey_line: r.line, _osprey_error: r.error, _osprey_raw: r.raw })}\n`,
      );
    }
  } finally {
    await out.close();
  }
}
