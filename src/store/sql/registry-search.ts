import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type {
  ModelFilter,
  ModelOrderField,
  NumericComparator,
  OrderBy,
  StringComparator,
  VersionFilter,
  VersionOrderField,
} from '../registry.js';
import type { SqlKind } from './tables.js';

/**
 * Parsed registry filters as SQL that means the same on SQLite and PostgreSQL:
 * - LIKE is case-sensitive: PostgreSQL's LIKE (with no escape character), SQLite's GLOB with the pattern translated
 *   (SQLite's own LIKE ignores ASCII case).
 * - ILIKE: PostgreSQL's ILIKE; SQLite's LIKE (ASCII letters only).
 * - Names sort in code-point order: `collate "C"` on PostgreSQL, SQLite's default BINARY collation.
 */
export function compareText(kind: SqlKind, column: Expression<unknown>, op: StringComparator, value: string) {
  switch (op) {
    case '=':
      return sql<SqlBool>`${column} = ${value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${value}`;
    case 'LIKE':
      return kind === 'postgres'
        ? sql<SqlBool>`${column} like ${value} escape ''`
        : sql<SqlBool>`${column} glob ${likeToGlob(value)}`;
    case 'ILIKE':
      return kind === 'postgres'
        ? sql<SqlBool>`${column} ilike ${value} escape ''`
        : sql<SqlBool>`${column} like ${value}`;
  }
}

const NUMERIC_SQL: Record<NumericComparator, string> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const ALWAYS = sql<SqlBool>`1 = 1`;
const NEVER = sql<SqlBool>`1 = 0`;

/**
 * `version <op> value` with an integer operand, as the column is an integer (PostgreSQL refuses `1.5` or 2^40 as
 * one): a fraction rounds the bound the way that keeps the meaning; a value beyond the column's range decides alone.
 */
function versionComparison(op: NumericComparator, value: number): RawBuilder<SqlBool> {
  if (value > INT_MAX || value < INT_MIN) {
    const above = value > INT_MAX;
    if (op === '=') return NEVER;
    if (op === '!=') return ALWAYS;
    return (op === '<' || op === '<=') === above ? ALWAYS : NEVER;
  }
  if (!Number.isInteger(value)) {
    if (op === '=') return NEVER;
    if (op === '!=') return ALWAYS;
    if (op === '<' || op === '<=') return sql<SqlBool>`model_versions.version <= ${Math.floor(value)}`;
    return sql<SqlBool>`model_versions.version >= ${Math.ceil(value)}`;
  }
  return sql<SqlBool>`model_versions.version ${sql.raw(NUMERIC_SQL[op])} ${value}`;
}

/** `%` → `*`, `_` → `?`; GLOB's own wildcards and `[` are bracketed so they match themselves. */
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

export function modelFilterSql(kind: SqlKind, filter: ModelFilter): RawBuilder<SqlBool> {
  if (filter.field === 'name') return compareText(kind, sql.ref('registered_models.name'), filter.op, filter.value);
  return sql<SqlBool>`exists (select 1 from registered_model_tags t where t.model_id = registered_models.id and t.key = ${
    filter.key
  } and ${compareText(kind, sql.ref('t.value'), filter.op, filter.value)})`;
}

const VERSION_COLUMNS = {
  name: 'registered_models.name',
  source: 'model_versions.source',
  runId: 'model_versions.run_id',
} as const;

export function versionFilterSql(kind: SqlKind, filter: VersionFilter): RawBuilder<SqlBool> {
  switch (filter.field) {
    case 'tag':
      return sql<SqlBool>`exists (select 1 from model_version_tags t where t.model_id = model_versions.model_id and t.version = model_versions.version and t.key = ${
        filter.key
      } and ${compareText(kind, sql.ref('t.value'), filter.op, filter.value)})`;
    case 'version':
      return versionComparison(filter.op, filter.value);
    default:
      if (filter.op === 'IN') {
        if (filter.values.length === 0) return sql<SqlBool>`1 = 0`;
        return sql<SqlBool>`model_versions.run_id in (${sql.join(filter.values)})`;
      }
      return compareText(kind, sql.ref(VERSION_COLUMNS[filter.field]), filter.op, filter.value);
  }
}

/** A column to order by, as SQL, with code-point order for names on PostgreSQL. */
function orderColumn(kind: SqlKind, column: string, isText: boolean): RawBuilder<unknown> {
  return isText && kind === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`;
}

const MODEL_ORDER: Record<ModelOrderField, string> = {
  name: 'registered_models.name',
  createdAt: 'registered_models.created_at',
  updatedAt: 'registered_models.updated_at',
};

/** The requested order plus MLflow's tie-breaker (name ascending). */
export function modelOrderSql(kind: SqlKind, orderBy: readonly OrderBy<ModelOrderField>[]) {
  const all = [...orderBy];
  if (!all.some((o) => o.field === 'name')) all.push({ field: 'name', ascending: true });
  return all.map((o) => ({
    expr: orderColumn(kind, MODEL_ORDER[o.field], o.field === 'name'),
    direction: o.ascending ? ('asc' as const) : ('desc' as const),
  }));
}

const VERSION_ORDER: Record<VersionOrderField, string> = {
  name: 'registered_models.name',
  version: 'model_versions.version',
  createdAt: 'model_versions.created_at',
  updatedAt: 'model_versions.updated_at',
};

/** The requested order plus MLflow's tie-breakers (name ascending, then version descending). */
export function versionOrderSql(kind: SqlKind, orderBy: readonly OrderBy<VersionOrderField>[]) {
  const all = [...orderBy];
  if (!all.some((o) => o.field === 'name')) all.push({ field: 'name', ascending: true });
  if (!all.some((o) => o.field === 'version')) all.push({ field: 'version', ascending: false });
  return all.map((o) => ({
    expr: orderColumn(kind, VERSION_ORDER[o.field], o.field === 'name'),
    direction: o.ascending ? ('asc' as const) : ('desc' as const),
  }));
}
