import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Metric, RunRecord, Tag } from '../tracking.js';
import type { Database, SqlKind } from './tables.js';
import type { RunsTable } from './tables-tracking.js';
import { readInputs } from './tracking-inputs.js';
import { chunks, sortByKey, toRunInfo } from './tracking-rows.js';

/**
 * Runs with their data (tags, params, latest metrics, inputs) for a page of run ids: one query per 500 runs that
 * returns each run's row with its tags, params and metrics aggregated as JSON arrays (a row per run, not one per
 * value: a search page of 1,000 runs reads in a third of the time), plus the inputs. Metric values travel as SQL
 * text, which both engines print exactly (SQLite's quote(), PostgreSQL's float8 output), infinities included.
 */

interface Aggregates {
  list: string;
  item: string;
  exact(column: string): string;
}

const AGGREGATES: Record<SqlKind, Aggregates> = {
  sqlite: { list: 'json_group_array', item: 'json_array', exact: (c) => `quote(${c})` },
  postgres: { list: 'json_agg', item: 'json_build_array', exact: (c) => `${c}::text` },
};

type Row = Selectable<RunsTable> & { tags: unknown; params: unknown; metrics: unknown };

function aggregated(kind: SqlKind): RawBuilder<unknown> {
  const { list, item, exact } = AGGREGATES[kind];
  const pairs = (table: string) =>
    `(select ${list}(${item}(x.key, x.value)) from ${table} x where x.run_key = r.run_key)`;
  const metrics = `(select ${list}(${item}(x.key, ${exact('x.value')}, x.timestamp, x.step, x.is_nan))
    from latest_metrics x where x.run_key = r.run_key)`;
  return sql.raw(`${pairs('run_tags')} as tags, ${pairs('run_params')} as params, ${metrics} as metrics`);
}

/** JSON from SQLite arrives as text, from PostgreSQL already parsed; an empty aggregate is null on PostgreSQL. */
function jsonArray(value: unknown): unknown[][] {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as unknown[][]) : [];
}

const toTags = (value: unknown): Tag[] => jsonArray(value).map(([key, v]) => ({ key: String(key), value: String(v) }));

const toMetrics = (value: unknown): Metric[] =>
  jsonArray(value).map(([key, v, timestamp, step, isNan]) => ({
    key: String(key),
    value: Number(isNan) === 1 ? Number.NaN : Number(v),
    timestamp: Number(timestamp),
    step: Number(step),
  }));

/** The runs with these ids (or keys), in the order given; ids of no run are skipped. */
export async function readRuns<C extends 'run_id' | 'run_key'>(
  db: Kysely<Database>,
  kind: SqlKind,
  column: C,
  values: RunsTable[C][],
): Promise<RunRecord[]> {
  const byValue = new Map<unknown, RunRecord>();
  const keys = new Map<number, RunRecord>();
  for (const slice of chunks(values, 500)) {
    const { rows } = await sql<Row>`select r.*, ${aggregated(kind)} from runs r
      where ${sql.ref(`r.${column}`)} in (${sql.join(slice)})`.execute(db);
    for (const row of rows) {
      const run: RunRecord = {
        info: toRunInfo(row),
        metrics: sortByKey(toMetrics(row.metrics)),
        params: sortByKey(toTags(row.params)),
        tags: sortByKey(toTags(row.tags)),
        inputs: [],
      };
      byValue.set(column === 'run_id' ? row.run_id : Number(row.run_key), run);
      keys.set(Number(row.run_key), run);
    }
  }
  for (const [runKey, inputs] of await readInputs(db, [...keys.keys()])) {
    const run = keys.get(runKey);
    if (run) run.inputs = inputs;
  }
  return values.flatMap((value) => byValue.get(value) ?? []);
}
