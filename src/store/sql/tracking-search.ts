import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  DATASET_CONTEXT_TAG,
  type ExperimentFilterClause,
  type ExperimentOrderClause,
  type ListComparator,
  type NumericComparator,
  type RunFilterClause,
  type RunOrderClause,
  type StringComparator,
} from '../tracking.js';
import type { SqlKind } from './tables.js';

/**
 * MLflow's search grammar (already parsed into clauses) compiled to SQL over `runs r` / `experiments e`.
 * Values are always bound parameters; only column names and operators from closed sets are spliced in.
 * Strings compare by code point on both engines (PostgreSQL: COLLATE "C"); LIKE is case-sensitive on both
 * (SQLite: translated to GLOB), ILIKE case-insensitive.
 */

type Condition = RawBuilder<SqlBool>;

const NUMERIC_OPS: Record<NumericComparator, string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

const RUN_COLUMNS = {
  run_id: 'r.run_id',
  run_name: 'r.name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  experiment_id: 'r.experiment_id',
} as const;

export function runFilterSql(kind: SqlKind, clause: RunFilterClause): Condition {
  switch (clause.kind) {
    case 'metric':
      return sql`exists (select 1 from latest_metrics m where m.run_key = r.run_key and m.key = ${clause.key} and ${metricComparison(clause.comparator, clause.value)})`;
    case 'param':
    case 'tag': {
      const table = sql.raw(clause.kind === 'param' ? 'run_params' : 'run_tags');
      return sql`exists (select 1 from ${table} t where t.run_key = r.run_key and t.key = ${clause.key} and ${stringComparison(kind, sql.ref('t.value'), clause.comparator, clause.value)})`;
    }
    case 'attribute': {
      const column = sql.ref(RUN_COLUMNS[clause.key]);
      if (clause.comparator === 'IN' || clause.comparator === 'NOT IN')
        return listComparison(column, clause.comparator, clause.value as string[]);
      if (typeof clause.value === 'number')
        return sql`${column} ${sql.raw(NUMERIC_OPS[clause.comparator as NumericComparator])} ${clause.value}`;
      return stringComparison(kind, column, clause.comparator as StringComparator, clause.value as string);
    }
    case 'dataset': {
      const matches = (column: RawBuilder<unknown>) =>
        clause.comparator === 'IN' || clause.comparator === 'NOT IN'
          ? listComparison(column, clause.comparator, clause.value as string[])
          : stringComparison(kind, column, clause.comparator, clause.value as string);
      if (clause.key === 'context')
        return sql`exists (select 1 from run_input_tags t where t.run_key = r.run_key and t.key = ${DATASET_CONTEXT_TAG} and ${matches(sql.ref('t.value'))})`;
      return sql`exists (select 1 from run_inputs i join tracking_datasets d on d.dataset_id = i.dataset_id where i.run_key = r.run_key and ${matches(sql.ref(`d.${clause.key}`))})`;
    }
  }
}

/** IEEE semantics: NaN is unequal to everything and neither greater nor smaller. */
function metricComparison(comparator: NumericComparator, value: number): Condition {
  if (comparator === '!=') return sql`(m.is_nan = 1 or m.value <> ${value})`;
  return sql`m.is_nan = 0 and m.value ${sql.raw(NUMERIC_OPS[comparator])} ${value}`;
}

function stringComparison(
  kind: SqlKind,
  column: RawBuilder<unknown>,
  comparator: StringComparator,
  value: string,
): Condition {
  switch (comparator) {
    case '=':
      return sql`${column} = ${value}`;
    case '!=':
      return sql`${column} <> ${value}`;
    case 'LIKE':
      return kind === 'sqlite' ? sql`${column} glob ${likeToGlob(value)}` : sql`${column} like ${value} escape ''`;
    case 'ILIKE':
      return kind === 'sqlite' ? sql`${column} like ${value}` : sql`${column} ilike ${value} escape ''`;
  }
}

function listComparison(column: RawBuilder<unknown>, comparator: ListComparator, values: string[]): Condition {
  const list = sql.join(values.map((v) => sql`${v}`));
  return comparator === 'IN' ? sql`${column} in (${list})` : sql`${column} not in (${list})`;
}

/** A LIKE pattern (`%`, `_`, no escape) as the equivalent, case-sensitive, SQLite GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const ch of pattern) {
    if (ch === '%') glob += '*';
    else if (ch === '_') glob += '?';
    else if (ch === '*' || ch === '?' || ch === '[') glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}

/** ORDER BY for runs, with the left joins it needs: each ordered key, missing values last, then the tie-breaks. */
export function runOrderSql(
  kind: SqlKind,
  orderBy: RunOrderClause[],
): { joins: RawBuilder<unknown>[]; order: RawBuilder<unknown> } {
  const joins: RawBuilder<unknown>[] = [];
  const terms: RawBuilder<unknown>[] = [];
  orderBy.forEach((clause, index) => {
    const direction = sql.raw(clause.ascending ? 'asc' : 'desc');
    if (clause.kind === 'attribute') {
      const column = sql.ref(RUN_COLUMNS[clause.key]);
      const textual = clause.key !== 'start_time' && clause.key !== 'end_time' && clause.key !== 'experiment_id';
      terms.push(sql`case when ${column} is null then 1 else 0 end`);
      terms.push(sql`${textual ? collated(kind, column) : column} ${direction}`);
      return;
    }
    const alias = sql.raw(`o${index}`);
    const table = sql.raw({ metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' }[clause.kind]);
    joins.push(sql`left join ${table} ${alias} on ${alias}.run_key = r.run_key and ${alias}.key = ${clause.key}`);
    if (clause.kind === 'metric') {
      terms.push(sql`case when ${alias}.run_key is null then 2 when ${alias}.is_nan = 1 then 1 else 0 end`);
      terms.push(sql`${alias}.value ${direction}`);
    } else {
      terms.push(sql`case when ${alias}.run_key is null then 1 else 0 end`);
      terms.push(sql`${collated(kind, sql.raw(`o${index}.value`))} ${direction}`);
    }
  });
  if (!orderBy.some((c) => c.kind === 'attribute' && c.key === 'start_time')) terms.push(sql`r.start_time desc`);
  terms.push(sql`r.run_id asc`);
  return { joins, order: sql.join(terms) };
}

function collated(kind: SqlKind, column: RawBuilder<unknown>): RawBuilder<unknown> {
  return kind === 'postgres' ? sql`${column} collate "C"` : column;
}

export function experimentFilterSql(kind: SqlKind, clause: ExperimentFilterClause): Condition {
  if (clause.kind === 'tag') {
    const value = stringComparison(kind, sql.ref('t.value'), clause.comparator, clause.value);
    return sql`e.experiment_id in (select t.experiment_id from experiment_tags t where t.key = ${clause.key} and ${value})`;
  }
  const column = sql.ref(`e.${clause.key}`);
  if (clause.key === 'name') return stringComparison(kind, column, clause.comparator, clause.value);
  return sql`${column} ${sql.raw(NUMERIC_OPS[clause.comparator as NumericComparator])} ${clause.value}`;
}

export function experimentOrderSql(kind: SqlKind, orderBy: ExperimentOrderClause[]): RawBuilder<unknown> {
  const terms = orderBy.map((clause) => {
    const column = sql.ref(`e.${clause.key}`);
    return sql`${clause.key === 'name' ? collated(kind, column) : column} ${sql.raw(clause.ascending ? 'asc' : 'desc')}`;
  });
  if (!orderBy.some((c) => c.key === 'experiment_id')) terms.push(sql`e.experiment_id desc`);
  return sql.join(terms);
}
