import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { parseFilter } from './filter-syntax.js';
import { parseModelFilter, parseVersionFilter } from './search-filter.js';

const invalid = (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT');

describe('registry filter syntax', () => {
  it('parses comparisons joined by AND, with keywords in any case', () => {
    assert.deepEqual(parseFilter(`name LIKE 'iris%' and tags.team = "vision" AND version_number>=3`), [
      { entity: 'attribute', key: 'name', comparator: 'LIKE', value: { kind: 'string', value: 'iris%' } },
      { entity: 'tag', key: 'team', comparator: '=', value: { kind: 'string', value: 'vision' } },
      { entity: 'attribute', key: 'version_number', comparator: '>=', value: { kind: 'number', value: 3, text: '3' } },
    ]);
    assert.deepEqual(parseFilter('  '), []);
    assert.deepEqual(parseFilter("name ilike 'x'")[0]?.comparator, 'ILIKE');
    assert.deepEqual(parseFilter("name <> 'x'")[0]?.comparator, '!=');
  });

  it('reads quoted keys, doubled quotes, prefixes and lists', () => {
    const [tag, attribute, list, quoted] = parseFilter(
      `tags.\`team name\` = 'it''s' AND attribute.name != "a" AND run_id IN ('a', "b") AND tags."k.x" = ''`,
    );
    assert.deepEqual(tag, {
      entity: 'tag',
      key: 'team name',
      comparator: '=',
      value: { kind: 'string', value: "it's" },
    });
    assert.equal(attribute?.key, 'name');
    assert.deepEqual(list?.value, { kind: 'list', values: ['a', 'b'] });
    assert.deepEqual([quoted?.key, quoted?.value], ['k.x', { kind: 'string', value: '' }]);
    assert.equal(parseFilter("tags.a.b = 'x'")[0]?.key, 'a.b', 'the key is everything after the first dot');
  });

  it('refuses OR, dangling clauses, unknown entities and unterminated strings', () => {
    for (const filter of [
      "name = 'a' OR name = 'b'",
      "name = 'a' name = 'b'",
      "name = 'a' AND",
      "metrics.x = 'a'",
      "name = 'a",
      'name = ',
      "= 'a'",
      "name ~ 'a'",
      "run_id IN ('a' 'b')",
      'run_id IN ()',
      'name = a',
    ])
      assert.throws(() => parseFilter(filter), invalid, filter);
  });
});

describe('registered-model filters', () => {
  it('allow name and tags with =, !=, LIKE, ILIKE', () => {
    assert.deepEqual(parseModelFilter("name ILIKE '%Iris%' AND tags.env != 'prod'"), [
      { field: 'name', op: 'ILIKE', value: '%Iris%' },
      { field: 'tag', key: 'env', op: '!=', value: 'prod' },
    ]);
    assert.deepEqual(parseModelFilter(undefined), []);
  });

  it('refuse other attributes, comparators and value types', () => {
    for (const filter of ["description = 'x'", "name > 'a'", 'name = 1', "name IN ('a')", "tags.k < 'x'", 'tags.k = 2'])
      assert.throws(() => parseModelFilter(filter), invalid, filter);
  });
});

describe('model-version filters', () => {
  it('allow name, run_id (also IN), source_path, version_number and tags', () => {
    assert.deepEqual(
      parseVersionFilter(
        "name = 'iris' AND run_id IN ('r1','r2') AND source_path LIKE 'mlflow-artifacts:/%' AND version_number > 2 AND version_number != '3' AND tags.t = 'v' AND run_id = 'r'",
      ),
      [
        { field: 'name', op: '=', value: 'iris' },
        { field: 'runId', op: 'IN', values: ['r1', 'r2'] },
        { field: 'source', op: 'LIKE', value: 'mlflow-artifacts:/%' },
        { field: 'version', op: '>', value: 2 },
        { field: 'version', op: '!=', value: 3 },
        { field: 'tag', key: 't', op: '=', value: 'v' },
        { field: 'runId', op: '=', value: 'r' },
      ],
    );
  });

  it('refuse what MLflow refuses', () => {
    for (const filter of [
      "name IN ('a')",
      "source_path IN ('a')",
      "version_number LIKE '1'",
      "version_number = 'one'",
      "current_stage = 'Production'",
      "run_id = ('a')",
      "run_id > 'a'",
      "tags.a ILIKE ('x')",
    ])
      assert.throws(() => parseVersionFilter(filter), invalid, filter);
  });
});
