import type { SqlKind } from './tables.js';

/**
 * Pre-built SQL text for the hot multi-row writes (metric points, the prediction log): built once per engine and
 * row count, then executed with `CompiledQuery.raw(text, parameters)` — Kysely's query building costs more than
 * the database's work on rows this small.
 */
const texts = new Map<string, string>();

/** The text `build` makes for `id`, built on first use. */
export function cachedSql(id: string, build: () => string): string {
  let text = texts.get(id);
  if (text === undefined) {
    text = build();
    texts.set(id, text);
  }
  return text;
}

/** `(?, ?, …), (…)` for SQLite, `($1, $2, …), (…)` for PostgreSQL: `rowCount` rows of `columnCount` values. */
export function valuesList(kind: SqlKind, rowCount: number, columnCount: number): string {
  const rows: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) {
    const marks: string[] = [];
    for (let c = 0; c < columnCount; c++) marks.push(kind === 'sqlite' ? '?' : `$${++n}`);
    rows.push(`(${marks.join(', ')})`);
  }
  return rows.join(', ');
}
