import { invalidArgument } from '../core/errors.js';
import type { ExperimentOrderClause, RunOrderAttribute, RunOrderClause } from '../store/tracking.js';
import { splitIdentifier, tokenize } from './search-lexer.js';

/** order_by entries: `<entity>.<key> [ASC|DESC]` (ASC by default), checked per entity as MLflow does. */

function parseEntry(entry: string): { identifier: string; ascending: boolean } {
  const unparsable = () => invalidArgument(`Invalid order_by clause '${entry}'. Could not be parsed.`);
  const tokens = tokenize(entry, 'order_by clause');
  const [identifier, direction, extra] = tokens;
  if (identifier?.type !== 'identifier' || extra) throw unparsable();
  if (direction === undefined) return { identifier: identifier.text, ascending: true };
  if (direction.type !== 'keyword' || (direction.upper !== 'ASC' && direction.upper !== 'DESC')) {
    throw invalidArgument(`Invalid ordering key in order_by clause '${entry}'.`);
  }
  return { identifier: identifier.text, ascending: direction.upper === 'ASC' };
}

const RUN_ENTITIES: Record<string, 'metric' | 'param' | 'tag' | 'attribute'> = {
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
};

const RUN_ORDER_ATTRIBUTES: Record<string, RunOrderAttribute> = {
  artifact_uri: 'artifact_uri',
  end_time: 'end_time',
  experiment_id: 'experiment_id',
  run_id: 'run_id',
  run_name: 'run_name',
  start_time: 'start_time',
  created: 'start_time',
  Created: 'start_time',
  status: 'status',
  user_id: 'user_id',
};

export function parseRunOrderBy(orderBy: readonly string[]): RunOrderClause[] {
  const seen = new Set<string>();
  return orderBy.map((entry) => {
    const { identifier, ascending } = parseEntry(entry);
    const { entity, key } = splitIdentifier(identifier);
    const kind = entity === undefined ? 'attribute' : RUN_ENTITIES[entity];
    if (!kind) throw invalidArgument(`Invalid identifier type '${entity}'`);
    let clause: RunOrderClause;
    if (kind === 'attribute') {
      const attribute = RUN_ORDER_ATTRIBUTES[key];
      if (!attribute) {
        const valid = Object.keys(RUN_ORDER_ATTRIBUTES).sort();
        throw invalidArgument(`Invalid attribute key '${key}' specified. Valid keys are '{${valid.join(', ')}}'`);
      }
      clause = { kind, key: attribute, ascending };
    } else clause = { kind, key, ascending };
    const identity = `${clause.kind}\u0000${clause.key}`;
    if (seen.has(identity)) throw invalidArgument(`\`order_by\` contains duplicate fields: ${JSON.stringify(orderBy)}`);
    seen.add(identity);
    return clause;
  });
}

const EXPERIMENT_ORDER_KEYS = ['creation_time', 'experiment_id', 'last_update_time', 'name'] as const;

/** Experiments order on attributes only; no entries means creation_time DESC, experiment_id ASC (MLflow's default). */
export function parseExperimentOrderBy(orderBy: readonly string[]): ExperimentOrderClause[] {
  if (orderBy.length === 0)
    return [
      { key: 'creation_time', ascending: false },
      { key: 'experiment_id', ascending: true },
    ];
  return orderBy.map((entry) => {
    const { identifier, ascending } = parseEntry(entry);
    const { entity, key } = splitIdentifier(identifier);
    if (entity !== undefined && entity !== 'attribute') throw invalidArgument(`Invalid order_by entity: ${entity}`);
    const valid = EXPERIMENT_ORDER_KEYS.find((k) => k === key);
    if (!valid) {
      throw invalidArgument(
        `Invalid attribute key '${key}' specified. Valid keys are '{${EXPERIMENT_ORDER_KEYS.join(', ')}}'`,
      );
    }
    return { key: valid, ascending };
  });
}
