import { noMissing, rowsOf, sumCounts } from './column-input.js';
import type { FeatureType } from './methods.js';
import type { CategoricalColumn, DriftTable, MissingCounts, NumericColumn, PreparedColumn } from './types.js';

/** A column of both tables, ready to analyse — or the reason it cannot be. */
export type ColumnPair =
  | { name: string; kind: 'numeric'; reference: NumericColumn; current: NumericColumn; missing: PairMissing }
  | {
      name: string;
      kind: 'categorical';
      reference: CategoricalColumn;
      current: CategoricalColumn;
      missing: PairMissing;
    }
  | { name: string; kind: 'error'; type: FeatureType; error: string; missing: PairMissing | null }
  | { name: string; kind: 'skipped'; reason: string };

export interface PairMissing {
  reference: MissingCounts;
  current: MissingCounts;
  rowsReference: number;
  rowsCurrent: number;
}

const typeOf = (c: PreparedColumn): FeatureType => (c.kind === 'numeric' ? 'numerical' : 'categorical');
const describe = (c: PreparedColumn) => `${typeOf(c)}${c.sourceType ? ` (${c.sourceType})` : ''}`;
const missingOf = (c: PreparedColumn): MissingCounts =>
  c.kind === 'numeric' ? c.missing : { ...noMissing(), null: c.kind === 'categorical' ? c.nulls : 0 };
const isEmpty = (c: PreparedColumn) =>
  c.kind === 'numeric' ? c.finite.length === 0 : c.kind === 'categorical' ? sumCounts(c.counts) === 0 : false;

/**
 * Columns matched by name: the reference's order, then columns only the current table has. A column absent on one
 * side, or numerical on one side and categorical on the other, is a per-column error; a column with no values at all
 * on one side takes the other side's type (an all-null column has no type of its own); dates and other types no
 * method applies to are skipped.
 */
export function pairColumns(reference: DriftTable, current: DriftTable): ColumnPair[] {
  const currentByName = new Map(current.columns.map((c) => [c.name, c.column]));
  const referenceNames = new Set(reference.columns.map((c) => c.name));
  const pairs: ColumnPair[] = reference.columns.map(({ name, column }) =>
    pairOf(name, column, currentByName.get(name)),
  );
  for (const { name, column } of current.columns) {
    if (referenceNames.has(name)) continue;
    pairs.push(
      column.kind === 'unsupported'
        ? { name, kind: 'skipped', reason: `only in the current data, ${column.sourceType}` }
        : {
            name,
            kind: 'error',
            type: typeOf(column),
            error: 'column is absent from the reference data',
            missing: null,
          },
    );
  }
  return pairs;
}

function pairOf(name: string, ref: PreparedColumn, cur: PreparedColumn | undefined): ColumnPair {
  if (!cur) {
    if (ref.kind === 'unsupported')
      return { name, kind: 'skipped', reason: `only in the reference data, ${ref.sourceType}` };
    return { name, kind: 'error', type: typeOf(ref), error: 'column is absent from the current data', missing: null };
  }
  if (ref.kind === 'unsupported' && cur.kind === 'unsupported') {
    return { name, kind: 'skipped', reason: `${ref.sourceType} columns are not tested for drift` };
  }
  const missing: PairMissing = {
    reference: missingOf(ref),
    current: missingOf(cur),
    rowsReference: rowsOf(ref),
    rowsCurrent: rowsOf(cur),
  };
  const [r, c] = [adoptType(ref, cur), adoptType(cur, ref)];
  if (r.kind === 'numeric' && c.kind === 'numeric') return { name, kind: 'numeric', reference: r, current: c, missing };
  if (r.kind === 'categorical' && c.kind === 'categorical') {
    return { name, kind: 'categorical', reference: r, current: c, missing };
  }
  return {
    name,
    kind: 'error',
    type: r.kind === 'unsupported' ? typeOf(c) : typeOf(r),
    error: `type mismatch: the reference is ${describe(ref)}, the current data ${describe(cur)}`,
    missing,
  };
}

/** An empty column (no usable values) takes the type of the other side, keeping its row count as nulls. */
function adoptType(column: PreparedColumn, other: PreparedColumn): PreparedColumn {
  if (!isEmpty(column) || other.kind === column.kind || other.kind === 'unsupported') return column;
  const rows = rowsOf(column);
  if (other.kind === 'numeric') {
    const missing = column.kind === 'numeric' ? column.missing : { ...noMissing(), null: rows };
    return { kind: 'numeric', finite: new Float64Array(0), missing };
  }
  return { kind: 'categorical', counts: new Map(), nulls: rows };
}
