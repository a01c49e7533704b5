import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { openSqlStore } from '../store/sql/sql-metadata-store.js';
import { ModelRegistry } from './model-registry.js';
import { parseModelReference } from './references.js';

const RUN = 'abcdefabcdefabcdefabcdefabcdef12';

describe('model references (lineage: NAME@ALIAS → version → run)', () => {
  let dir: string;
  let store: MetadataStore;
  let registry: ModelRegistry;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osprey-references-'));
    store = await openSqlStore({ kind: 'sqlite', path: join(dir, 'osprey.db') });
    registry = new ModelRegistry(store.registry, async (runId) =>
      runId === RUN ? { artifactUri: `mlflow-artifacts:/7/${RUN}/artifacts` } : undefined,
    );
    await registry.createModel('fraud', '', []);
    await registry.createVersion({
      name: 'fraud',
      source: `runs:/${RUN}/model`,
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
    await registry.createVersion({
      name: 'fraud',
      source: 'mlflow-artifacts:/other/model',
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
    await registry.setAlias('fraud', 'champion', '1');
    await registry.transitionStage('fraud', '2', 'Staging', false);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('parses NAME@ALIAS, NAME/VERSION, NAME/latest and NAME/<stage>, with or without models:/', () => {
    assert.deepEqual(parseModelReference('fraud@champion'), { name: 'fraud', alias: 'champion' });
    assert.deepEqual(parseModelReference('models:/fraud@champion'), { name: 'fraud', alias: 'champion' });
    assert.deepEqual(parseModelReference('user@corp model@prod'), { name: 'user@corp model', alias: 'prod' });
    assert.deepEqual(parseModelReference('fraud/3'), { name: 'fraud', version: 3 });
    assert.deepEqual(parseModelReference('models:/fraud/latest'), { name: 'fraud', latest: true });
    assert.deepEqual(parseModelReference('fraud/production'), { name: 'fraud', stage: 'Production' });
    for (const bad of ['fraud', 'fraud@', '@x', 'fraud/', 'fraud/v3', 'a/b/1', 'fraud@latest', 'fraud@v1'])
      assert.throws(
        () => parseModelReference(bad),
        (e) => isOspreyError(e, 'INVALID_ARGUMENT'),
        bad,
      );
  });

  it('resolves an alias to the version with its run id and source, for the lineage chain', async () => {
    const version = await registry.resolve('fraud@champion');
    assert.deepEqual(
      [version.name, version.version, version.runId, version.source, version.storageLocation],
      ['fraud', 1, RUN, `runs:/${RUN}/model`, `mlflow-artifacts:/7/${RUN}/artifacts/model`],
    );
    assert.equal((await registry.resolve('fraud/2')).source, 'mlflow-artifacts:/other/model');
    assert.equal((await registry.resolve('fraud/latest')).version, 2);
    assert.equal((await registry.resolve('models:/fraud/Staging')).version, 2);
  });

  it('is NOT_FOUND for an unknown model, version, alias or empty stage', async () => {
    for (const ref of ['fraud@ghost', 'ghost@champion', 'fraud/9', 'ghost/latest', 'fraud/Production'])
      await assert.rejects(registry.resolve(ref), (e) => isOspreyError(e, 'NOT_FOUND'), ref);
  });
});
