import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { parseExperimentOrderBy, parseRunOrderBy } from './order-by.js';

const refuses = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));

describe('order_by', () => {
  it('reads runs order_by entries, ascending by default', () => {
    assert.deepEqual(
      parseRunOrderBy(['params.input DESC', 'metrics.alpha ASC', 'metrics.rmse', 'tags."a b" desc', 'start_time']),
      [
        { kind: 'param', key: 'input', ascending: false },
        { kind: 'metric', key: 'alpha', ascending: true },
        { kind: 'metric', key: 'rmse', ascending: true },
        { kind: 'tag', key: 'a b', ascending: false },
        { kind: 'attribute', key: 'start_time', ascending: true },
      ],
    );
    assert.deepEqual(parseRunOrderBy(['attributes.created DESC', 'run_name', 'metrics.`loss`']), [
      { kind: 'attribute', key: 'start_time', ascending: false },
      { kind: 'attribute', key: 'run_name', ascending: true },
      { kind: 'metric', key: 'loss', ascending: true },
    ]);
  });

  it('refuses unparsable, unknown and duplicate entries', () => {
    refuses(() => parseRunOrderBy(['metrics.a DESC extra']), /Invalid order_by clause 'metrics.a DESC extra'/);
    refuses(() => parseRunOrderBy(['metrics.a sideways']), /Invalid ordering key in order_by clause/);
    refuses(() => parseRunOrderBy(['bogus']), /Invalid attribute key 'bogus'/);
    refuses(() => parseRunOrderBy(['datasets.name']), /Invalid identifier type 'datasets'/);
    refuses(() => parseRunOrderBy(['metrics.a', 'metric.a DESC']), /`order_by` contains duplicate fields/);
    refuses(() => parseRunOrderBy(['']), /Could not be parsed/);
  });

  it('orders experiments on attributes, by default creation_time DESC then experiment_id', () => {
    assert.deepEqual(parseExperimentOrderBy([]), [
      { key: 'creation_time', ascending: false },
      { key: 'experiment_id', ascending: true },
    ]);
    assert.deepEqual(parseExperimentOrderBy(['name DESC', 'attribute.last_update_time']), [
      { key: 'name', ascending: false },
      { key: 'last_update_time', ascending: true },
    ]);
    refuses(() => parseExperimentOrderBy(['tags.x']), /Invalid order_by entity: tags/);
    refuses(() => parseExperimentOrderBy(['artifact_location']), /Invalid attribute key 'artifact_location'/);
  });
});
