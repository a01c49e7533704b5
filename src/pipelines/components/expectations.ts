import { z } from 'zod';
import { invalidArgument } from '../../core/errors.js';

/**
 * What `validateData` checks, as JSON:
 *
 * ```json
 * { "rowCount": { "min": 1000, "max": 5000 },
 *   "columns": { "precipitation": { "type": "number", "min": 0, "max": 60, "maxNullShare": 0 },
 *                "weather": { "type": "string", "allowed": ["rain", "sun"] } } }
 * ```
 *
 * `type` is a logical type (number, integer, string, boolean, date, timestamp, temporal) or an exact DuckDB type
 * (DOUBLE, BIGINT, …). `min`/`max` are numbers, or ISO strings for date/time columns. Every named column must exist.
 */
export interface Expectations {
  rowCount?: { min?: number; max?: number };
  columns?: Record<string, ColumnExpectations>;
}

export interface ColumnExpectations {
  type?: string;
  min?: number | string;
  max?: number | string;
  allowed?: (string | number | boolean)[];
  maxNullShare?: number;
}

const bound = z.union([z.number(), z.string()]);
const schema = z
  .object({
    rowCount: z
      .object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
      .strict()
      .optional(),
    columns: z
      .record(
        z.string().min(1),
        z
          .object({
            type: z.string().min(1).optional(),
            min: bound.optional(),
            max: bound.optional(),
            allowed: z
              .array(z.union([z.string(), z.number(), z.boolean()]))
              .min(1)
              .optional(),
            maxNullShare: z.number().min(0).max(1).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Checks the expectations JSON; a mistake is INVALID_ARGUMENT naming the field. */
export function parseExpectations(value: unknown): Expectations {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw invalidArgument(`validateData expectations: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as Expectations;
}

/** Logical type names and the DuckDB types they accept. */
const LOGICAL_TYPES: Record<string, RegExp> = {
  number:
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/,
  integer: /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/,
  string: /^VARCHAR$/,
  boolean: /^BOOLEAN$/,
  date: /^DATE$/,
  timestamp: /^TIMESTAMP/,
  temporal: /^(DATE|TIME|TIMESTAMP)/,
};

/** Whether a column's DuckDB type satisfies an expected type (logical name or exact DuckDB type). */
export function typeMatches(expected: string, actual: string): boolean {
  const logical = LOGICAL_TYPES[expected.toLowerCase()];
  return logical ? logical.test(actual.toUpperCase()) : expected.toUpperCase() === actual.toUpperCase();
}

/** The outcome of one expectation, as written in the report. */
export interface ExpectationResult {
  /** e.g. `rowCount`, `precipitation.range`. */
  id: string;
  column?: string;
  rule: 'rowCount' | 'exists' | 'type' | 'range' | 'allowed' | 'maxNullShare' | 'parse';
  /** `dataset`: judged for the whole data, fails the step under every policy; `row`: offending rows can be quarantined. */
  scope: 'dataset' | 'row';
  status: 'passed' | 'failed' | 'skipped';
  expected: unknown;
  observed: unknown;
  /** Rows that break this expectation (row-scoped expectations). */
  offendingRows: number;
  /** Why a check was skipped. */
  reason?: string;
}

/** One line naming a violated expectation: column, rule, observed vs expected, offending rows. */
export function describeViolation(r: ExpectationResult): string {
  const where = r.column === undefined ? '' : `column ${JSON.stringify(r.column)} `;
  const rows = r.scope === 'row' ? ` (${r.offendingRows} offending row${r.offendingRows === 1 ? '' : 's'})` : '';
  return `${where}${r.rule}: observed ${JSON.stringify(r.observed)}, expected ${JSON.stringify(r.expected)}${rows}`;
}
