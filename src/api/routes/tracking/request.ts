import { invalidArgument } from '../../../core/errors.js';
import type { Metric, RunStatus, Tag, TrackedDataset, ViewType } from '../../../store/tracking.js';
import type { DatasetInputRequest } from '../../../tracking/service.js';
import {
  type Fields,
  objectList,
  optionalInt,
  optionalString,
  requiredDouble,
  requiredInt,
  requiredString,
} from '../../mlflow/fields.js';

/**
 * Reading the tracking messages of MLflow's service.proto from request fields: enums by name or number, the
 * deprecated `run_uuid` alias, and nested messages (tags, metrics, dataset inputs), with MLflow's defaults.
 */

const VIEW_TYPES: Record<string, ViewType> = { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL' };
const VIEW_NUMBERS: ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
const STATUSES: RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A protobuf enum sent as its name or its number (1-based, as these enums are). */
function enumField<T extends string>(fields: Fields, name: string, byNumber: readonly T[]): T | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (byNumber as readonly string[]).includes(value)) return value as T;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : 0;
  const named = byNumber[n - 1];
  if (named) return named;
  throw invalidArgument(
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected one of ${byNumber.join(', ')}`,
    { field: name },
  );
}

export function viewTypeOf(fields: Fields, name: string): ViewType | undefined {
  const value = fields[name];
  if (typeof value === 'string' && VIEW_TYPES[value]) return VIEW_TYPES[value];
  return enumField(fields, name, VIEW_NUMBERS);
}

export function statusOf(fields: Fields): RunStatus | undefined {
  return enumField(fields, 'status', STATUSES);
}

/** `run_id`, or the deprecated `run_uuid` older clients send. */
export function runIdOf(fields: Fields): string {
  return optionalString(fields, 'run_id') || optionalString(fields, 'run_uuid') || requiredString(fields, 'run_id');
}

/** Repeated `{key, value}` messages; a missing value is "" (proto default), a missing key is an error. */
export function tagsOf(fields: Fields, name: string): Tag[] {
  return objectList(fields, name).map((item) => ({
    key: requiredString(item, 'key'),
    value: optionalString(item, 'value') ?? '',
  }));
}

export function metricOf(fields: Fields, timestampRequired: boolean): Metric {
  return {
    key: requiredString(fields, 'key'),
    value: requiredDouble(fields, 'value'),
    timestamp: timestampRequired ? requiredInt(fields, 'timestamp') : (optionalInt(fields, 'timestamp') ?? 0),
    step: optionalInt(fields, 'step') ?? 0,
  };
}

export function datasetInputsOf(fields: Fields): DatasetInputRequest[] {
  return objectList(fields, 'datasets').map((input) => {
    const [dataset] = objectList({ dataset: input.dataset === undefined ? undefined : [input.dataset] }, 'dataset');
    if (!dataset) throw invalidArgument('Dataset cannot be None', { field: 'dataset' });
    return { dataset: datasetOf(dataset), tags: tagsOf(input, 'tags') };
  });
}

function datasetOf(fields: Fields): TrackedDataset {
  const required = (name: string) => {
    const value = optionalString(fields, name);
    if (value === undefined) throw invalidArgument(`Dataset ${name} cannot be None`, { field: name });
    return value;
  };
  return {
    name: required('name'),
    digest: required('digest'),
    sourceType: required('source_type'),
    source: required('source'),
    schema: optionalString(fields, 'schema') ?? null,
    profile: optionalString(fields, 'profile') ?? null,
  };
}

/** `{ [name]: value }` when the value is defined, else `{}` (optional fields under exactOptionalPropertyTypes). */
export function optional<K extends string, V>(name: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [name]: value }) as Partial<Record<K, V>>;
}
