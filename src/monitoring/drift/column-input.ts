import { invalidArgument } from '../../core/errors.js';
import type { CategoricalColumn, DriftTable, MissingCounts, NumericColumn, PreparedColumn } from './types.js';

/** Raw values of a column: a typed array of numbers (NaN/±Inf allowed), or an array with nulls. */
export type RawColumn =
  | Float64Array
  | Float32Array
  | readonly (number | null | undefined)[]
  | readonly (string | null | undefined)[]
  | readonly (boolean | null | undefined)[];

export const noMissing = (): MissingCounts => ({ null: 0, nan: 0, pos_inf: 0, neg_inf: 0 });
export const missingTotal = (m: MissingCounts): number => m.null + m.nan + m.pos_inf + m.neg_inf;

/**
 * A numerical column from numbers with nulls: finite values kept, NaN, +Infinity, −Infinity and null/undefined
 * counted apart. `shared` puts the finite values in a SharedArrayBuffer, so worker threads read them without a copy.
 */
export function numericColumn(values: ArrayLike<number | null | undefined>, shared = false): NumericColumn {
  const missing = noMissing();
  let finiteCount = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finiteCount++;
  const finite = shared
    ? new Float64Array(new SharedArrayBuffer(finiteCount * Float64Array.BYTES_PER_ELEMENT))
    : new Float64Array(finiteCount);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) missing.null++;
    else if (Number.isNaN(v)) missing.nan++;
    else if (v === Number.POSITIVE_INFINITY) missing.pos_inf++;
    else if (v === Number.NEGATIVE_INFINITY) missing.neg_inf++;
    else finite[k++] = v;
  }
  return { kind: 'numeric', finite, missing };
}

/** A categorical column from strings or booleans with nulls: counts per `String(value)`. */
export function categoricalColumn(values: readonly (string | boolean | null | undefined)[]): CategoricalColumn {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (const v of values) {
    if (v === null || v === undefined) nulls++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return { kind: 'categorical', counts, nulls };
}

/** Prepares a raw column: typed arrays and arrays of numbers are numerical, strings and booleans categorical. */
export function prepareColumn(name: string, values: RawColumn): PreparedColumn {
  if (values instanceof Float64Array || values instanceof Float32Array) return numericColumn(values);
  let numbers = 0;
  let others = 0;
  for (const v of values as readonly unknown[]) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') numbers++;
    else if (typeof v === 'string' || typeof v === 'boolean') others++;
    else throw invalidArgument(`column ${JSON.stringify(name)} holds a ${typeof v}: use numbers, strings or booleans`);
  }
  if (numbers > 0 && others > 0) {
    throw invalidArgument(`column ${JSON.stringify(name)} mixes numbers with strings or booleans: give it one type`);
  }
  if (numbers > 0) return numericColumn(values as readonly (number | null)[]);
  if (others > 0) return categoricalColumn(values as readonly (string | boolean | null)[]);
  // Only nulls: no type to be had. It stays an empty column that takes the other side's type (see pairColumns).
  return { kind: 'categorical', counts: new Map(), nulls: values.length };
}

/** A table from raw columns (all the same length), in the given order. */
export function tableFromColumns(columns: Readonly<Record<string, RawColumn>>): DriftTable {
  const entries = Object.entries(columns);
  const rowCount = entries[0]?.[1].length ?? 0;
  for (const [name, values] of entries) {
    if (values.length !== rowCount) {
      throw invalidArgument(`column ${JSON.stringify(name)} has ${values.length} rows, expected ${rowCount}`);
    }
  }
  return { rowCount, columns: entries.map(([name, values]) => ({ name, column: prepareColumn(name, values) })) };
}

/** Rows of a prepared column, missing values included. */
export function rowsOf(column: PreparedColumn): number {
  if (column.kind === 'numeric') return column.finite.length + missingTotal(column.missing);
  if (column.kind === 'categorical') return sumCounts(column.counts) + column.nulls;
  return column.rows;
}

export function sumCounts(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
