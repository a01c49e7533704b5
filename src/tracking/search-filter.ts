import { invalidArgument } from '../core/errors.js';
import type {
  ExperimentFilterClause,
  NumericComparator,
  RunFilterClause,
  RunNumericAttribute,
  RunStringAttribute,
} from '../store/tracking.js';
import { splitIdentifier, type Token, tokenize, unquote } from './search-lexer.js';

/**
 * MLflow's filter grammar for search-runs and search-experiments: comparisons joined by AND, each
 * `<entity>.<key> <comparator> <value>`. Entities, keys, comparators and value types are checked per entity with
 * MLflow's messages (mlflow/utils/search_utils.py). The result is the store's clause list.
 */

/** One comparison before entity-specific checks. */
interface RawComparison {
  identifier: string;
  comparator: string;
  value: Token | string[];
}

const ENTITY_ALIASES: Record<string, 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const NUMERIC = ['>', '>=', '!=', '=', '<', '<='];
const STRING = ['!=', '=', 'LIKE', 'ILIKE'];
const STRING_OR_LIST = [...STRING, 'IN', 'NOT IN'];
const RUN_STRING_ATTRIBUTES: Record<string, RunStringAttribute> = {
  run_id: 'run_id',
  run_name: 'run_name',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
};
const RUN_NUMERIC_ATTRIBUTES: Record<string, RunNumericAttribute> = {
  start_time: 'start_time',
  end_time: 'end_time',
  created: 'start_time',
  Created: 'start_time',
};

const fail = (message: string) => invalidArgument(message);
const setText = (items: string[]) => `{${items.map((i) => `'${i}'`).join(', ')}}`;

/** Splits a filter into its comparisons; anything but `comparison (AND comparison)*` is an invalid clause. */
function parseComparisons(filter: string): RawComparison[] {
  const tokens = tokenize(filter, 'filter');
  const out: RawComparison[] = [];
  let i = 0;
  const invalid = () => fail(`Invalid clause(s) in filter string: '${filter}'`);
  while (i < tokens.length) {
    const identifier = tokens[i];
    if (identifier?.type !== 'identifier') throw invalid();
    let comparator: string;
    const op = tokens[i + 1];
    if (op?.type === 'operator') comparator = op.text;
    else if (op?.type === 'keyword' && ['LIKE', 'ILIKE', 'IN'].includes(op.upper)) comparator = op.upper;
    else if (op?.type === 'keyword' && op.upper === 'NOT' && tokens[i + 2]?.type === 'keyword') {
      if ((tokens[i + 2] as { upper: string }).upper !== 'IN') throw invalid();
      comparator = 'NOT IN';
      i++;
    } else throw invalid();
    i += 2;
    let value: Token | string[];
    if (comparator === 'IN' || comparator === 'NOT IN') {
      const list = readList(tokens, i, filter);
      value = list.values;
      i = list.next;
    } else {
      const token = tokens[i];
      if (!token || token.type === 'operator' || token.type === 'punctuation' || token.type === 'keyword')
        throw invalid();
      value = token;
      i++;
    }
    out.push({ identifier: identifier.text, comparator, value });
    if (i < tokens.length) {
      const and = tokens[i];
      if (and?.type !== 'keyword' || and.upper !== 'AND' || i + 1 >= tokens.length) throw invalid();
      i++;
    }
  }
  return out;
}

/** `('a', 'b', …)`: a non-empty list of quoted strings. */
function readList(tokens: Token[], start: number, filter: string): { values: string[]; next: number } {
  const illFormed = () =>
    fail(
      `While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list: '${filter}'`,
    );
  if (tokens[start]?.text !== '(') throw illFormed();
  const values: string[] = [];
  let i = start + 1;
  for (;;) {
    const item = tokens[i];
    if (item?.type !== 'string') throw illFormed();
    values.push(item.value);
    const after = tokens[i + 1];
    if (after?.text === ')') return { values, next: i + 2 };
    if (after?.text !== ',') throw illFormed();
    i += 2;
  }
}

function checkComparator(comparator: string, valid: string[]): void {
  if (!valid.includes(comparator)) throw fail(`Invalid comparator '${comparator}' not one of '${setText(valid)}'`);
}

function stringValue(value: Token | string[], entity: string): string {
  if (!Array.isArray(value)) {
    if (value.type === 'string') return value.value;
    if (value.type === 'identifier' && /^(["`]).*\1$/s.test(value.text)) return unquote(value.text);
  }
  const shown = Array.isArray(value) ? `(${value.join(', ')})` : value.text;
  throw fail(`Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${shown}`);
}

function numberValue(value: Token | string[], what: string, integer: boolean): number {
  if (!Array.isArray(value) && value.type === 'number' && (!integer || Number.isSafeInteger(value.value)))
    return value.value;
  const shown = Array.isArray(value) ? `(${value.join(', ')})` : value.text;
  throw fail(`Expected numeric value type for ${what}. Found ${shown}`);
}

export function parseRunFilter(filter: string | undefined): RunFilterClause[] {
  if (!filter?.trim()) return [];
  return parseComparisons(filter).map(({ identifier, comparator, value }) => {
    const { entity, key } = splitIdentifier(identifier);
    const kind = entity === undefined ? 'attribute' : ENTITY_ALIASES[entity];
    if (!kind) {
      throw fail(
        `Invalid entity type '${entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`,
      );
    }
    if (kind === 'metric') {
      checkComparator(comparator, NUMERIC);
      return { kind, key, comparator: comparator as NumericComparator, value: numberValue(value, 'metric', false) };
    }
    if (kind === 'param' || kind === 'tag') {
      checkComparator(comparator, STRING);
      return { kind, key, comparator: comparator as 'LIKE', value: stringValue(value, kind) };
    }
    if (kind === 'dataset') {
      if (key !== 'name' && key !== 'digest' && key !== 'context')
        throw fail(`Invalid dataset key '${key}' specified. Valid keys are '{'name', 'digest', 'context'}'`);
      checkComparator(comparator, STRING_OR_LIST);
      if (Array.isArray(value)) return { kind, key, comparator: comparator as 'IN', value };
      return { kind, key, comparator: comparator as 'LIKE', value: stringValue(value, 'dataset attributes') };
    }
    const numeric = RUN_NUMERIC_ATTRIBUTES[key];
    if (numeric) {
      checkComparator(comparator, NUMERIC);
      const n = numberValue(value, `numeric attribute: ${key}`, true);
      return { kind, key: numeric, comparator: comparator as NumericComparator, value: n };
    }
    const attribute = RUN_STRING_ATTRIBUTES[key];
    if (!attribute) {
      const valid = [...Object.keys(RUN_NUMERIC_ATTRIBUTES), ...Object.keys(RUN_STRING_ATTRIBUTES)].sort();
      throw fail(`Invalid attribute key '${key}' specified. Valid keys are '${setText(valid)}'`);
    }
    checkComparator(comparator, STRING_OR_LIST);
    if (Array.isArray(value)) {
      if (attribute !== 'run_id')
        throw fail("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
      return { kind, key: 'run_id', comparator: comparator as 'IN', value };
    }
    return { kind, key: attribute, comparator: comparator as 'LIKE', value: stringValue(value, 'attributes') };
  });
}

export function parseExperimentFilter(filter: string | undefined): ExperimentFilterClause[] {
  if (!filter?.trim()) return [];
  return parseComparisons(filter).map(({ identifier, comparator, value }) => {
    const { entity, key } = splitIdentifier(identifier);
    if (entity !== undefined && !['attribute', 'tag', 'tags'].includes(entity)) {
      throw fail(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
    }
    if (entity === 'tag' || entity === 'tags') {
      checkComparator(comparator, STRING);
      return { kind: 'tag', key, comparator: comparator as 'LIKE', value: stringValue(value, 'tag') };
    }
    if (key === 'creation_time' || key === 'last_update_time') {
      checkComparator(comparator, NUMERIC);
      const n = numberValue(value, `numeric attribute: ${key}`, false);
      return { kind: 'attribute', key, comparator: comparator as NumericComparator, value: n };
    }
    if (key !== 'name') {
      throw fail(
        `Invalid attribute key '${key}' specified. Valid keys are '${setText(['creation_time', 'last_update_time', 'name'])}'`,
      );
    }
    checkComparator(comparator, STRING);
    return { kind: 'attribute', key, comparator: comparator as 'LIKE', value: stringValue(value, 'attributes') };
  });
}
