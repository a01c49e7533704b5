import { invalidArgument } from '../../core/errors.js';

/**
 * Reading request fields as MLflow does: GET requests carry them in the query string (all strings, repeated keys for
 * lists), other methods in a JSON body. Errors are INVALID_PARAMETER_VALUE naming the field, in MLflow's words.
 */
export type Fields = Readonly<Record<string, unknown>>;

const missing = (name: string) =>
  invalidArgument(
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    {
      field: name,
    },
  );

const wrongType = (name: string, value: unknown, expected: string) =>
  invalidArgument(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}`, {
    field: name,
  });

export function requiredString(fields: Fields, name: string): string {
  const value = optionalString(fields, name);
  if (value === undefined || value === '') throw missing(name);
  return value;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(name, value, 'a string');
  return value;
}

/** An int64 sent as a JSON number or a decimal string (query strings and protobuf JSON both do the latter). */
export function optionalInt(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrongType(name, value, 'an integer');
  return n;
}

export function requiredInt(fields: Fields, name: string): number {
  const value = optionalInt(fields, name);
  if (value === undefined) throw missing(name);
  return value;
}

/** A double; protobuf JSON spells the non-finite ones "NaN", "Infinity", "-Infinity". */
export function requiredDouble(fields: Fields, name: string): number {
  const value = fields[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(value);
    if (value.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw wrongType(name, value, 'a number');
}

export function optionalBool(fields: Fields, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw wrongType(name, value, 'a boolean');
}

/** A repeated field: a JSON array, or repeated query keys (a single one arrives as a plain string). */
export function stringList(fields: Fields, name: string): string[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) if (typeof item !== 'string') throw wrongType(name, value, 'a list of strings');
  return list as string[];
}

/** A repeated message field (a list of objects), e.g. log-batch's `metrics`. */
export function objectList(fields: Fields, name: string): Fields[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object' || Array.isArray(v)))
    throw wrongType(name, value, 'a list of objects');
  return value as Fields[];
}

/** A protobuf double as JSON: non-finite values as the strings protobuf JSON uses. */
export function doubleToJson(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}
