import { invalidArgument } from '../../../core/errors.js';
import type { VersionInput } from '../../../registry/model-registry.js';
import type { TagRecord } from '../../../store/registry.js';
import { ANONYMOUS_ADMIN } from '../../auth.js';
import { type Fields, objectList, optionalString } from '../../mlflow/fields.js';
import type { RouteContext } from '../../mlflow/route.js';

/** Request fields the registry routes share, read as MLflow's handlers read them. */

const missing = (name: string) =>
  invalidArgument(
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    { field: name },
  );

/** `version`: a string in the proto, but clients also send a JSON number. */
export function versionField(fields: Fields, name = 'version'): VersionInput {
  const value = fields[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw invalidArgument(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected a string`, {
    field: name,
  });
}

/** A repeated RegisteredModelTag / ModelVersionTag: `key` required, `value` '' when absent. */
export function tagsField(fields: Fields, name = 'tags'): TagRecord[] {
  return objectList(fields, name).map((tag, i) => {
    const key = optionalString(tag, 'key');
    if (!key) throw missing(`${name}[${i}].key`);
    return { key, value: optionalString(tag, 'value') ?? '' };
  });
}

/** The creating principal, recorded as `user_id` when the server authenticates callers. */
export function userOf(context: RouteContext): string | null {
  return context.principal === ANONYMOUS_ADMIN ? null : context.principal.name;
}
