import {
  ARTIFACT_TYPES,
  type ArtifactType,
  type JsonValue,
  PARAMETER_TYPES,
  type ParameterType,
  type ValueType,
} from './types.js';

export function isParameterType(type: ValueType): type is ParameterType {
  return typeof type === 'string' && (PARAMETER_TYPES as readonly string[]).includes(type);
}

export function isArtifactType(type: ValueType): type is ArtifactType {
  return typeof type === 'string' && (ARTIFACT_TYPES as readonly string[]).includes(type);
}

/** The element type of a list type, or null for a single value. */
export function listItemType(type: ValueType): ValueType | null {
  return typeof type === 'string' ? null : type.list;
}

/** True for artifacts and lists of artifacts: values passed as files, never inline. */
export function holdsArtifacts(type: ValueType): boolean {
  const item = listItemType(type);
  return item === null ? isArtifactType(type) : holdsArtifacts(item);
}

/** `number`, `Dataset`, `list<list<number>>`: the notation used in error messages. */
export function formatType(type: ValueType): string {
  const item = listItemType(type);
  return item === null ? String(type) : `list<${formatType(item)}>`;
}

export function sameType(a: ValueType, b: ValueType): boolean {
  return formatType(a) === formatType(b);
}

/**
 * Whether a value of type `from` may be wired where `to` is expected: the same type; any parameter value
 * (lists included) into `json`; any artifact into `Artifact`; lists element-wise.
 */
export function isAssignable(from: ValueType, to: ValueType): boolean {
  if (sameType(from, to)) return true;
  if (to === 'json') return !holdsArtifacts(from);
  if (to === 'Artifact') return isArtifactType(from);
  const fromItem = listItemType(from);
  const toItem = listItemType(to);
  return fromItem !== null && toItem !== null && isAssignable(fromItem, toItem);
}

/** Plain JSON data: null, booleans, finite numbers, strings, arrays and plain objects of those. */
export function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isJsonValue);
}

/**
 * Why `value` is not a valid value of the parameter type `type`, or null when it is.
 * Artifact types have no inline values: they always report a problem.
 */
export function valueProblem(type: ValueType, value: unknown): string | null {
  const item = listItemType(type);
  if (item !== null) {
    if (!Array.isArray(value)) return `expects ${formatType(type)}, got ${describeValue(value)}`;
    for (const [index, element] of value.entries()) {
      const problem = valueProblem(item, element);
      if (problem !== null) return `[${index}] ${problem}`;
    }
    return null;
  }
  if (isArtifactType(type)) return `expects a ${type} artifact, which cannot be given as a constant`;
  const ok =
    type === 'json'
      ? isJsonValue(value)
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === type;
  return ok ? null : `expects ${type}, got ${describeValue(value)}`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `bigint ${value}`;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return 'a non-JSON value';
  }
}

/** The most specific parameter type shared by all values: number, string or boolean, otherwise json. */
export function commonJsonType(values: readonly JsonValue[]): ParameterType {
  for (const type of ['number', 'string', 'boolean'] as const) {
    if (values.length > 0 && values.every((v) => typeof v === type)) return type;
  }
  return 'json';
}
