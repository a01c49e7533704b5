import type { Scratch } from './duckdb.js';
import { sqlIdent } from './duckdb.js';
import { DATA_TABLE } from './load.js';

/**
 * The profile of a dataset version: per column, what drift monitoring later compares production data with.
 *
 * Numbers: min/max/mean/std (sample, n-1)/quantiles are over finite values; NaN and ±Infinity are counted apart.
 * Quantiles are exact (linear interpolation, as numpy's default). The histogram has HISTOGRAM_BINS equal-width bins
 * from min to max; the last bin is closed on the right. Strings: the TOP_CATEGORIES most frequent values (ties by
 * value), with the count of all the others. Distinct counts are exact and exclude nulls.
 */
export interface DatasetProfile {
  rowCount: number;
  columns: ColumnProfile[];
}

export type ColumnKind = 'numeric' | 'string' | 'boolean' | 'temporal' | 'other';

export interface ColumnProfile {
  name: string;
  type: string;
  kind: ColumnKind;
  count: number;
  nulls: number;
  nullShare: number;
  distinct: number;
  numeric?: NumericProfile;
  categories?: CategoryProfile;
  temporal?: { min: string | null; max: string | null };
  boolean?: { trueCount: number; falseCount: number };
}

export interface NumericProfile {
  finiteCount: number;
  nanCount: number;
  infiniteCount: number;
  zeros: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  quantiles: Record<QuantileName, number | null>;
  histogram: { edges: number[]; counts: number[] };
}

export interface CategoryProfile {
  top: { value: string; count: number }[];
  otherCount: number;
  minLength: number | null;
  maxLength: number | null;
  empty: number;
}

export const HISTOGRAM_BINS = 20;
export const TOP_CATEGORIES = 20;
export const QUANTILES = { p01: 0.01, p05: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 } as const;
export type QuantileName = keyof typeof QUANTILES;

export interface ColumnSchema {
  name: string;
  type: string;
  nullable: boolean;
}

export async function readSchema(scratch: Scratch): Promise<ColumnSchema[]> {
  const rows = await scratch.rows(`DESCRIBE ${DATA_TABLE}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type), nullable: r.null !== 'NO' }));
}

export function kindOf(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/.test(
      t,
    )
  )
    return 'numeric';
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIME|TIMESTAMP)/.test(t)) return 'temporal';
  return 'other';
}

/** Profiles every column of the loaded table, one column at a time so memory stays bounded. */
export async function profileTable(
  scratch: Scratch,
  schema: ColumnSchema[],
  rowCount: number,
  onColumn?: (done: number, total: number) => void,
): Promise<DatasetProfile> {
  const columns: ColumnProfile[] = [];
  for (const column of schema) {
    columns.push(await profileColumn(scratch, column, rowCount));
    onColumn?.(columns.length, schema.length);
  }
  return { rowCount, columns };
}

async function profileColumn(scratch: Scratch, column: ColumnSchema, rowCount: number): Promise<ColumnProfile> {
  const c = sqlIdent(column.name);
  const kind = kindOf(column.type);
  const [base] = await scratch.rows(
    `SELECT count(${c})::DOUBLE AS count, count(DISTINCT ${c})::DOUBLE AS distinct FROM ${DATA_TABLE}`,
  );
  const count = Number(base?.count ?? 0);
  const profile: ColumnProfile = {
    name: column.name,
    type: column.type,
    kind,
    count,
    nulls: rowCount - count,
    nullShare: rowCount === 0 ? 0 : (rowCount - count) / rowCount,
    distinct: Number(base?.distinct ?? 0),
  };
  if (kind === 'numeric') profile.numeric = await profileNumbers(scratch, c);
  else if (kind === 'string') profile.categories = await profileCategories(scratch, c, count);
  else if (kind === 'temporal') {
    const [r] = await scratch.rows(`SELECT min(${c})::VARCHAR AS min, max(${c})::VARCHAR AS max FROM ${DATA_TABLE}`);
    profile.temporal = { min: (r?.min as string | null) ?? null, max: (r?.max as string | null) ?? null };
  } else if (kind === 'boolean') {
    const [r] = await scratch.rows(
      `SELECT count(*) FILTER (WHERE ${c})::DOUBLE AS t, count(*) FILTER (WHERE NOT ${c})::DOUBLE AS f FROM ${DATA_TABLE}`,
    );
    profile.boolean = { trueCount: Number(r?.t ?? 0), falseCount: Number(r?.f ?? 0) };
  }
  return profile;
}

async function profileNumbers(scratch: Scratch, c: string): Promise<NumericProfile> {
  const x = `${c}::DOUBLE`;
  const finite = `${c} IS NOT NULL AND isfinite(${x})`;
  const names = Object.keys(QUANTILES) as QuantileName[];
  const [r] = await scratch.rows(`
    SELECT count(*) FILTER (WHERE ${finite})::DOUBLE AS finite,
           count(*) FILTER (WHERE isnan(${x}))::DOUBLE AS nan,
           count(*) FILTER (WHERE isinf(${x}))::DOUBLE AS inf,
           count(*) FILTER (WHERE ${x} = 0)::DOUBLE AS zeros,
           min(${x}) FILTER (WHERE ${finite}) AS min, max(${x}) FILTER (WHERE ${finite}) AS max,
           avg(${x}) FILTER (WHERE ${finite}) AS mean, stddev_samp(${x}) FILTER (WHERE ${finite}) AS std,
           quantile_cont(${x}, [${Object.values(QUANTILES).join(', ')}]) FILTER (WHERE ${finite}) AS q
    FROM ${DATA_TABLE}`);
  const min = numOrNull(r?.min);
  const max = numOrNull(r?.max);
  const q = (r?.q as (number | null)[] | null) ?? [];
  const quantiles = Object.fromEntries(names.map((n, i) => [n, numOrNull(q[i])])) as Record<
    QuantileName,
    number | null
  >;
  return {
    finiteCount: Number(r?.finite ?? 0),
    nanCount: Number(r?.nan ?? 0),
    infiniteCount: Number(r?.inf ?? 0),
    zeros: Number(r?.zeros ?? 0),
    min,
    max,
    mean: numOrNull(r?.mean),
    std: numOrNull(r?.std),
    quantiles,
    histogram: min === null || max === null ? { edges: [], counts: [] } : await histogram(scratch, x, finite, min, max),
  };
}

async function histogram(scratch: Scratch, x: string, finite: string, min: number, max: number) {
  const bins = min === max ? 1 : HISTOGRAM_BINS;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const bin = width === 0 ? '0' : `least(floor((${x} - (${min})::DOUBLE) / (${width})::DOUBLE), ${bins - 1})::INTEGER`;
  const rows = await scratch.rows(
    `SELECT ${bin} AS bin, count(*)::DOUBLE AS n FROM ${DATA_TABLE} WHERE ${finite} GROUP BY ALL ORDER BY 1`,
  );
  const counts = new Array<number>(bins).fill(0);
  for (const row of rows) counts[Math.max(0, Math.min(bins - 1, Number(row.bin)))]! += Number(row.n);
  return { edges, counts };
}

async function profileCategories(scratch: Scratch, c: string, count: number): Promise<CategoryProfile> {
  const top = await scratch.rows(`
    SELECT ${c}::VARCHAR AS value, count(*)::DOUBLE AS n FROM ${DATA_TABLE} WHERE ${c} IS NOT NULL
    GROUP BY 1 ORDER BY n DESC, value LIMIT ${TOP_CATEGORIES}`);
  const [r] = await scratch.rows(`
    SELECT min(length(${c}::VARCHAR))::DOUBLE AS minl, max(length(${c}::VARCHAR))::DOUBLE AS maxl,
           count(*) FILTER (WHERE ${c}::VARCHAR = '')::DOUBLE AS empty FROM ${DATA_TABLE}`);
  const listed = top.map((t) => ({ value: String(t.value), count: Number(t.n) }));
  return {
    top: listed,
    otherCount: count - listed.reduce((a, t) => a + t.count, 0),
    minLength: numOrNull(r?.minl),
    maxLength: numOrNull(r?.maxl),
    empty: Number(r?.empty ?? 0),
  };
}

function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
