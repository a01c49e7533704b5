import { invalidArgument } from '../core/errors.js';
import type { ModelFilter, NumericComparator, StringComparator, VersionFilter } from '../store/registry.js';
import { type Comparison, type FilterValue, parseFilter } from './filter-syntax.js';

/**
 * MLflow's registry filters, checked and turned into the store's clauses:
 * - registered models (SearchModelUtils): `name` and `tags.<key>` with =, !=, LIKE, ILIKE;
 * - model versions (SearchModelVersionUtils): `name`, `run_id`, `source_path` and `tags.<key>` with =, !=, LIKE,
 *   ILIKE; `run_id IN ('a', 'b')`; `version_number` with =, !=, <, <=, >, >=.
 * Anything else is INVALID_ARGUMENT naming what is allowed.
 */
const STRING_COMPARATORS: readonly string[] = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_COMPARATORS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];

export function parseModelFilter(filter: string | undefined): ModelFilter[] {
  return parseFilter(filter ?? '').map((c): ModelFilter => {
    if (c.entity === 'tag') return { field: 'tag', key: c.key, op: stringComparator(c), value: stringValue(c) };
    if (c.key !== 'name') throw invalidKey(c.key, ['name']);
    return { field: 'name', op: stringComparator(c), value: stringValue(c) };
  });
}

const VERSION_ATTRIBUTES = ['name', 'run_id', 'source_path', 'version_number'];

export function parseVersionFilter(filter: string | undefined): VersionFilter[] {
  return parseFilter(filter ?? '').map((c): VersionFilter => {
    if (c.entity === 'tag') return { field: 'tag', key: c.key, op: stringComparator(c), value: stringValue(c) };
    switch (c.key) {
      case 'version_number':
        if (!NUMERIC_COMPARATORS.includes(c.comparator))
          throw invalidArgument(`Invalid comparator for attribute version_number: ${c.comparator}`, field);
        return { field: 'version', op: c.comparator as NumericComparator, value: numericValue(c.value) };
      case 'run_id':
        if (c.comparator === 'IN') {
          if (c.value.kind !== 'list')
            throw invalidArgument("run_id IN needs a list of quoted strings, e.g. run_id IN ('a', 'b')", field);
          return { field: 'runId', op: 'IN', values: c.value.values };
        }
        return { field: 'runId', op: stringComparator(c), value: stringValue(c) };
      case 'name':
      case 'source_path':
        return {
          field: c.key === 'name' ? 'name' : 'source',
          op: stringComparator(c),
          value: stringValue(c),
        };
      default:
        throw invalidKey(c.key, VERSION_ATTRIBUTES);
    }
  });
}

const field = { field: 'filter' };

function invalidKey(key: string, valid: string[]) {
  return invalidArgument(`Invalid attribute key '${key}' specified. Valid keys are ${valid.join(', ')}`, field);
}

function stringComparator(c: Comparison): StringComparator {
  if (c.comparator === 'IN' || c.comparator === 'NOT IN')
    throw invalidArgument(`Only the 'run_id' attribute supports comparison with a list (${c.comparator})`, field);
  if (!STRING_COMPARATORS.includes(c.comparator))
    throw invalidArgument(
      `Invalid comparator for ${c.entity === 'tag' ? 'tag' : 'attribute'}: ${c.comparator} (use =, !=, LIKE or ILIKE)`,
      field,
    );
  return c.comparator as StringComparator;
}

function stringValue(c: Comparison): string {
  if (c.value.kind === 'string') return c.value.value;
  const shown = c.value.kind === 'number' ? c.value.text : `(${c.value.values.join(', ')})`;
  throw invalidArgument(
    `Expected a quoted string value for ${c.entity === 'tag' ? 'tag' : 'attributes'} (e.g. 'my-value'). Got value ${shown}`,
    field,
  );
}

function numericValue(value: FilterValue): number {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'string' && /^\s*[+-]?\d+\s*$/.test(value.value)) return Number(value.value);
  throw invalidArgument('Expected a numeric value for version_number', field);
}
