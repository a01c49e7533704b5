import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { HistoryCursor, HistoryPage, Metric, MetricWithRunId } from '../tracking.js';
import { cachedSql, valuesList } from './sql-text.js';
import type { Database, SqlKind } from './tables.js';
import type { MetricsTable } from './tables-tracking.js';
import { chunks } from './tracking-rows.js';

/**
 * Metric points: the history (every point, duplicates ignored) and the latest value per key. The hot path of
 * log-batch: one multi-row INSERT … ON CONFLICT DO NOTHING for the points and one multi-row upsert for the latest
 * values (already reduced to one row per key, which PostgreSQL's upsert requires), as pre-built SQL text.
 */

const COLUMNS = ['run_key', 'key', 'step', 'timestamp', 'value', 'is_nan'] as const;
const ROWS_PER_STATEMENT = 1000;

type MetricRow = Pick<MetricsTable, (typeof COLUMNS)[number]>;

export function toMetricRow(runKey: number, metric: Metric): MetricRow {
  const isNan = Number.isNaN(metric.value);
  return {
    run_key: runKey,
    key: metric.key,
    step: metric.step,
    timestamp: metric.timestamp,
    value: isNan ? 0 : metric.value,
    is_nan: isNan ? 1 : 0,
  };
}

export function toMetric(row: Pick<MetricRow, 'key' | 'step' | 'timestamp' | 'value' | 'is_nan'>): Metric {
  return {
    key: row.key,
    value: Number(row.is_nan) === 1 ? Number.NaN : Number(row.value),
    timestamp: Number(row.timestamp),
    step: Number(row.step),
  };
}

/** True when `a` is strictly later than `b` by (step, timestamp, value); NaN never wins a tie (as in MLflow). */
export function isLater(a: MetricRow, b: MetricRow): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.is_nan === 0 && b.is_nan === 0 && a.value > b.value;
}

export async function insertMetrics(db: Kysely<Database>, kind: SqlKind, rows: MetricRow[]): Promise<void> {
  // PostgreSQL locks unique index entries as it inserts: one order for every writer keeps them from deadlocking.
  if (kind === 'postgres') rows.sort(compareRows);
  for (const slice of chunks(rows, ROWS_PER_STATEMENT)) {
    await db.executeQuery(CompiledQuery.raw(insertSql(kind, slice.length), flatten(slice)));
  }
  const latest = new Map<string, MetricRow>();
  for (const row of rows) {
    const seen = latest.get(row.key);
    if (!seen || isLater(row, seen)) latest.set(row.key, row);
  }
  for (const slice of chunks([...latest.values()].sort(compareRows), ROWS_PER_STATEMENT)) {
    await db.executeQuery(CompiledQuery.raw(upsertLatestSql(kind, slice.length), flatten(slice)));
  }
}

function compareRows(a: MetricRow, b: MetricRow): number {
  return (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.step - b.step || a.timestamp - b.timestamp;
}

function flatten(rows: MetricRow[]): unknown[] {
  const params: unknown[] = new Array(rows.length * COLUMNS.length);
  let i = 0;
  for (const row of rows) {
    params[i++] = row.run_key;
    params[i++] = row.key;
    params[i++] = row.step;
    params[i++] = row.timestamp;
    params[i++] = row.value;
    params[i++] = row.is_nan;
  }
  return params;
}

function insertSql(kind: SqlKind, rowCount: number): string {
  return cachedSql(
    `insert:${kind}:${rowCount}`,
    () =>
      `insert into metrics (${COLUMNS.join(', ')}) values ${valuesList(kind, rowCount, COLUMNS.length)} on conflict do nothing`,
  );
}

function upsertLatestSql(kind: SqlKind, rowCount: number): string {
  const later = `excluded.step > latest_metrics.step
    or (excluded.step = latest_metrics.step and excluded.timestamp > latest_metrics.timestamp)
    or (excluded.step = latest_metrics.step and excluded.timestamp = latest_metrics.timestamp
        and excluded.is_nan = 0 and latest_metrics.is_nan = 0 and excluded.value > latest_metrics.value)`;
  return cachedSql(
    `latest:${kind}:${rowCount}`,
    () =>
      `insert into latest_metrics (${COLUMNS.join(', ')}) values ${valuesList(kind, rowCount, COLUMNS.length)}
       on conflict (run_key, key) do update set step = excluded.step, timestamp = excluded.timestamp,
         value = excluded.value, is_nan = excluded.is_nan
       where ${later}`,
  );
}

/** One page of a history in (step, timestamp, is_nan, value) order: the primary key's order, read by range. */
export async function readHistory(
  db: Kysely<Database>,
  runId: string,
  key: string,
  limit: number,
  after: HistoryCursor | undefined,
): Promise<HistoryPage> {
  const position = after && {
    ...after,
    isNan: Number.isNaN(after.value) ? 1 : 0,
    value: Number.isNaN(after.value) ? 0 : after.value,
  };
  const rows = await db
    .selectFrom('metrics')
    .select(['key', 'step', 'timestamp', 'value', 'is_nan'])
    .where('run_key', '=', (eb) => eb.selectFrom('runs').select('run_key').where('run_id', '=', runId))
    .where('key', '=', key)
    .$if(position !== undefined, (qb) =>
      qb.where(
        sql<boolean>`(step, timestamp, is_nan, value) > (${position?.step}, ${position?.timestamp}, ${position?.isNan}, ${position?.value})`,
      ),
    )
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('is_nan')
    .orderBy('value')
    .limit(limit + 1)
    .execute();
  const metrics = rows.slice(0, limit).map(toMetric);
  const last = metrics.at(-1);
  const next = rows.length > limit && last ? { step: last.step, timestamp: last.timestamp, value: last.value } : null;
  return { metrics, next };
}

export async function readSteps(
  db: Kysely<Database>,
  runIds: string[],
  key: string,
  startStep: number | undefined,
  endStep: number | undefined,
): Promise<Map<string, number[]>> {
  const steps = new Map<string, number[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return steps;
  const rows = await db
    .selectFrom('metrics')
    .innerJoin('runs', 'runs.run_key', 'metrics.run_key')
    .select(['runs.run_id', 'metrics.step'])
    .distinct()
    .where('runs.run_id', 'in', runIds)
    .where('metrics.key', '=', key)
    .$if(startStep !== undefined, (qb) => qb.where('metrics.step', '>=', startStep ?? 0))
    .$if(endStep !== undefined, (qb) => qb.where('metrics.step', '<=', endStep ?? 0))
    .orderBy('runs.run_id')
    .orderBy('metrics.step')
    .execute();
  for (const row of rows) steps.get(row.run_id)?.push(Number(row.step));
  return steps;
}

export async function readAtSteps(
  db: Kysely<Database>,
  runIds: string[],
  key: string,
  steps: number[],
): Promise<MetricWithRunId[]> {
  if (runIds.length === 0 || steps.length === 0) return [];
  const out: MetricWithRunId[] = [];
  for (const stepSlice of chunks(steps, 500)) {
    const rows = await db
      .selectFrom('metrics')
      .innerJoin('runs', 'runs.run_key', 'metrics.run_key')
      .select(['runs.run_id', 'metrics.key', 'metrics.step', 'metrics.timestamp', 'metrics.value', 'metrics.is_nan'])
      .where('runs.run_id', 'in', runIds)
      .where('metrics.key', '=', key)
      .where('metrics.step', 'in', stepSlice)
      .execute();
    for (const row of rows) out.push({ runId: row.run_id, ...toMetric(row) });
  }
  return out.sort(
    (a, b) =>
      (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0) ||
      a.step - b.step ||
      a.timestamp - b.timestamp ||
      compareValues(a.value, b.value),
  );
}

/** Numbers ascending, NaN last. */
function compareValues(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a - b;
}
