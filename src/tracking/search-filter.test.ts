import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { parseExperimentFilter, parseRunFilter } from './search-filter.js';

const refuses = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));

describe('runs filter grammar (MLflow search_utils)', () => {
  it('reads every entity, with its aliases, into clauses', () => {
    assert.deepEqual(
      parseRunFilter(
        "metrics.rmse < 1 and params.model_class = 'LogisticRegression' AND tag.team != 'x' and attribute.status = 'RUNNING'",
      ),
      [
        { kind: 'metric', key: 'rmse', comparator: '<', value: 1 },
        { kind: 'param', key: 'model_class', comparator: '=', value: 'LogisticRegression' },
        { kind: 'tag', key: 'team', comparator: '!=', value: 'x' },
        { kind: 'attribute', key: 'status', comparator: '=', value: 'RUNNING' },
      ],
    );
    assert.deepEqual(parseRunFilter('metric.a >= -1.5e2 and parameters.b LIKE \'%x\' and run.run_name ilike "A%"'), [
      { kind: 'metric', key: 'a', comparator: '>=', value: -150 },
      { kind: 'param', key: 'b', comparator: 'LIKE', value: '%x' },
      { kind: 'attribute', key: 'run_name', comparator: 'ILIKE', value: 'A%' },
    ]);
  });

  it('takes quoted keys, dotted tag keys and escaped quotes in values', () => {
    assert.deepEqual(
      parseRunFilter(
        `metrics."model class" = 1 and tags.\`user-name\` = 'it''s' and tags.mlflow.source.type = 'LOCAL'`,
      ),
      [
        { kind: 'metric', key: 'model class', comparator: '=', value: 1 },
        { kind: 'tag', key: 'user-name', comparator: '=', value: "it's" },
        { kind: 'tag', key: 'mlflow.source.type', comparator: '=', value: 'LOCAL' },
      ],
    );
  });

  it('maps attribute aliases and lists', () => {
    assert.deepEqual(
      parseRunFilter(
        `created > 5 and "run name" = 'r' and end_time <= 9 and run_id IN ('a', 'b') and run_id not in ('c')`,
      ),
      [
        { kind: 'attribute', key: 'start_time', comparator: '>', value: 5 },
        { kind: 'attribute', key: 'run_name', comparator: '=', value: 'r' },
        { kind: 'attribute', key: 'end_time', comparator: '<=', value: 9 },
        { kind: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] },
        { kind: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['c'] },
      ],
    );
    assert.deepEqual(parseRunFilter(`datasets.name IN ('iris') and dataset.context = 'training'`), [
      { kind: 'dataset', key: 'name', comparator: 'IN', value: ['iris'] },
      { kind: 'dataset', key: 'context', comparator: '=', value: 'training' },
    ]);
  });

  it('reads an empty or blank filter as no clause', () => {
    assert.deepEqual(parseRunFilter(undefined), []);
    assert.deepEqual(parseRunFilter('  '), []);
  });

  it("refuses what MLflow refuses, in MLflow's words", () => {
    refuses(() => parseRunFilter("metrics.a > 1 or params.b = 'x'"), /Invalid clause\(s\) in filter string/);
    refuses(() => parseRunFilter('metrics.a >'), /Invalid clause/);
    refuses(() => parseRunFilter('metrics.a > 1 and'), /Invalid clause/);
    refuses(() => parseRunFilter('foo.a = 1'), /Invalid entity type 'foo'/);
    refuses(() => parseRunFilter("metrics.a = 'x'"), /Expected numeric value type for metric. Found 'x'/);
    refuses(() => parseRunFilter('params.a = 1'), /Expected a quoted string value for param/);
    refuses(() => parseRunFilter('metrics.a LIKE 1'), /Invalid comparator 'LIKE' not one of/);
    refuses(() => parseRunFilter("params.a > 'x'"), /Invalid comparator '>' not one of/);
    refuses(() => parseRunFilter("status IN ('a')"), /Only the 'run_id' attribute supports comparison with a list/);
    refuses(() => parseRunFilter('run_id IN ()'), /ill-formed list/);
    refuses(() => parseRunFilter('run_id IN (1, 2)'), /ill-formed list/);
    refuses(() => parseRunFilter("bogus = 'x'"), /Invalid attribute key 'bogus' specified/);
    refuses(() => parseRunFilter("start_time = 'x'"), /Expected numeric value type for numeric attribute: start_time/);
    refuses(() => parseRunFilter("datasets.size = 'x'"), /Invalid dataset key 'size'/);
    refuses(() => parseRunFilter("params.a = 'unterminated"), /Invalid filter/);
    refuses(() => parseRunFilter('metrics.a <> 1'), /Invalid comparator '<>'/);
  });
});

describe('experiments filter grammar', () => {
  it('reads names, times and tags', () => {
    assert.deepEqual(parseExperimentFilter("name LIKE 'test-%' AND tags.key = 'value' and creation_time > 10"), [
      { kind: 'attribute', key: 'name', comparator: 'LIKE', value: 'test-%' },
      { kind: 'tag', key: 'key', comparator: '=', value: 'value' },
      { kind: 'attribute', key: 'creation_time', comparator: '>', value: 10 },
    ]);
    assert.deepEqual(parseExperimentFilter('attribute.name ILIKE "%x%" and tags.`extra-key` != \'v\''), [
      { kind: 'attribute', key: 'name', comparator: 'ILIKE', value: '%x%' },
      { kind: 'tag', key: 'extra-key', comparator: '!=', value: 'v' },
    ]);
  });

  it('refuses other entities, keys and comparators', () => {
    refuses(() => parseExperimentFilter('metrics.a > 1'), /Invalid entity type 'metrics'/);
    refuses(() => parseExperimentFilter("artifact_location = 'x'"), /Invalid attribute key 'artifact_location'/);
    refuses(() => parseExperimentFilter("name > 'x'"), /Invalid comparator '>'/);
    refuses(() => parseExperimentFilter("last_update_time = 'x'"), /Expected numeric value type/);
  });
});
