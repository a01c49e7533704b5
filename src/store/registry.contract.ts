import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import type { NewModelVersion, NewRegisteredModel, RegistryRepository } from './registry.js';

/** A fresh, empty registry; `reopen` opens another handle on the same database; `cleanup` closes all and deletes. */
export interface OpenedRegistry {
  registry: RegistryRepository;
  reopen(): Promise<RegistryRepository>;
  cleanup(): Promise<void>;
}

export function newModel(name: string, overrides: Partial<NewRegisteredModel> = {}): NewRegisteredModel {
  return { name, description: null, tags: [], ...overrides };
}

/** A version whose artifacts sit at `mlflow-artifacts:/models/<name>/<seed>`. */
export function newVersion(name: string, seed = 'model', overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  const location = `mlflow-artifacts:/models/${name}/${seed}`;
  const base = { name, source: location, storageLocation: location, runId: null, runLink: null };
  return { ...base, description: null, userId: null, tags: [], ...overrides };
}

const isCode = (code: 'NOT_FOUND' | 'ALREADY_EXISTS') => (e: unknown) => isOspreyError(e, code);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The behaviour every RegistryRepository implementation must show (see the contract on registry.ts). */
export function registryContract(name: string, open: () => Promise<OpenedRegistry>): void {
  async function withRegistry(fn: (registry: RegistryRepository, opened: OpenedRegistry) => Promise<void>) {
    const opened = await open();
    try {
      await fn(opened.registry, opened);
    } finally {
      await opened.cleanup();
    }
  }

  describe(`RegistryRepository contract: ${name}`, () => {
    it('creates a model with its description and tags (the last duplicate key wins) and gets it back', () =>
      withRegistry(async (registry) => {
        const before = Date.now();
        const tags = [
          { key: 'team', value: 'a' },
          { key: 'domain', value: 'vision' },
          { key: 'team', value: 'b' },
        ];
        const created = await registry.createModel(newModel('iris', { description: 'flowers', tags }));
        assert.equal(created.name, 'iris');
        assert.equal(created.description, 'flowers');
        assert.ok(created.createdAt >= before && created.createdAt <= Date.now());
        assert.equal(created.updatedAt, created.createdAt);
        assert.deepEqual(created.tags, [
          { key: 'domain', value: 'vision' },
          { key: 'team', value: 'b' },
        ]);
        assert.deepEqual(created.latestVersions, []);
        assert.deepEqual(created.aliases, []);
        assert.deepEqual(await registry.getModel('iris'), created);
        assert.equal(await registry.getModel('Iris'), undefined, 'names are case-sensitive');
      }));

    it('refuses a second model of the same name with ALREADY_EXISTS, also under concurrency', () =>
      withRegistry(async (registry, opened) => {
        await registry.createModel(newModel('iris'));
        await assert.rejects(registry.createModel(newModel('iris')), (e) => {
          assert.ok(isOspreyError(e, 'ALREADY_EXISTS'));
          assert.equal(e.message, 'Registered Model (name=iris) already exists.');
          return true;
        });
        const other = await opened.reopen();
        const results = await Promise.allSettled(
          range(1, 6).map((i) => (i % 2 ? registry : other).createModel(newModel('race'))),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(isCode('ALREADY_EXISTS')(r.reason));
      }));

    it('numbers versions 1, 2, 3 with stage None and status READY, and moves the model time', () =>
      withRegistry(async (registry) => {
        const model = await registry.createModel(newModel('iris'));
        await sleep(2);
        const tags = [{ key: 'k', value: 'v' }];
        const first = await registry.createVersion(
          newVersion('iris', 'a', { runId: 'r1', runLink: 'http://x/r1', description: 'd', userId: 'ann', tags }),
        );
        assert.deepEqual(
          { ...first, createdAt: 0, updatedAt: 0 },
          {
            name: 'iris',
            version: 1,
            createdAt: 0,
            updatedAt: 0,
            userId: 'ann',
            stage: 'None',
            description: 'd',
            source: 'mlflow-artifacts:/models/iris/a',
            storageLocation: 'mlflow-artifacts:/models/iris/a',
            runId: 'r1',
            runLink: 'http://x/r1',
            status: 'READY',
            tags,
            aliases: [],
          },
        );
        assert.equal(first.updatedAt, first.createdAt);
        const second = await registry.createVersion(newVersion('iris', 'b'));
        const third = await registry.createVersion(newVersion('iris', 'c'));
        assert.deepEqual([second.version, third.version], [2, 3]);
        assert.deepEqual(await registry.getVersion('iris', 1), first);
        const after = await registry.getModel('iris');
        assert.ok(after && after.updatedAt > model.updatedAt && after.updatedAt === third.createdAt);
        assert.deepEqual(after?.latestVersions, [third], 'the newest version of the one stage in use');
        await assert.rejects(registry.createVersion(newVersion('missing')), (e) => {
          assert.ok(isOspreyError(e, 'NOT_FOUND'));
          assert.equal(e.message, 'Registered Model with name=missing not found');
          return true;
        });
      }));

    it('gives 20 concurrent creates on one model, from two handles, the numbers 1..20 exactly once', () =>
      withRegistry(async (registry, opened) => {
        await registry.createModel(newModel('race'));
        const other = await opened.reopen();
        const created = await Promise.all(
          range(1, 20).map((i) => (i % 2 ? registry : other).createVersion(newVersion('race', `s${i}`))),
        );
        assert.deepEqual(
          created.map((v) => v.version).sort((a, b) => a - b),
          range(1, 20),
        );
        const page = await registry.searchVersions({ filters: [], orderBy: [], offset: 0, limit: 100 });
        assert.deepEqual(
          page.items.map((v) => v.version),
          range(1, 20).reverse(),
        );
      }));

    it('never reuses a deleted version number; a re-created model starts again at 1', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris'));
        for (const seed of ['a', 'b', 'c']) await registry.createVersion(newVersion('iris', seed));
        await registry.deleteVersion('iris', 3);
        assert.equal(await registry.getVersion('iris', 3), undefined);
        assert.equal((await registry.createVersion(newVersion('iris', 'd'))).version, 4);
        await registry.deleteModel('iris');
        await registry.createModel(newModel('iris'));
        assert.equal((await registry.createVersion(newVersion('iris', 'e'))).version, 1);
      }));

    it('renames a model, moving its versions, tags and aliases; refuses a taken name', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('old', { tags: [{ key: 't', value: '1' }] }));
        await registry.createModel(newModel('taken'));
        const version = await registry.createVersion(newVersion('old'));
        await registry.setVersionTag('old', 1, { key: 'vt', value: 'x' });
        await registry.setAlias('old', 'champion', 1);
        await sleep(2);
        const renamed = await registry.renameModel('old', 'new');
        assert.equal(renamed.name, 'new');
        assert.deepEqual(renamed.tags, [{ key: 't', value: '1' }]);
        assert.deepEqual(renamed.aliases, [{ alias: 'champion', version: 1 }]);
        assert.ok(renamed.updatedAt > version.updatedAt);
        assert.equal(await registry.getModel('old'), undefined);
        const moved = await registry.getVersion('new', 1);
        assert.equal(moved?.name, 'new');
        assert.equal(moved?.updatedAt, renamed.updatedAt);
        assert.deepEqual(moved?.tags, [{ key: 'vt', value: 'x' }]);
        assert.equal((await registry.getVersionByAlias('new', 'champion'))?.version, 1);
        assert.equal((await registry.createVersion(newVersion('new', 'b'))).version, 2);
        assert.equal((await registry.renameModel('new', 'new')).name, 'new');
        await assert.rejects(registry.renameModel('new', 'taken'), isCode('ALREADY_EXISTS'));
        await assert.rejects(registry.renameModel('missing', 'x'), isCode('NOT_FOUND'));
      }));

    it('updates descriptions of models and versions', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris', { description: 'a' }));
        await registry.createVersion(newVersion('iris'));
        assert.equal((await registry.updateModel('iris', 'b')).description, 'b');
        assert.equal((await registry.updateModel('iris', null)).description, null);
        const version = await registry.updateVersion('iris', 1, 'first');
        assert.equal(version.description, 'first');
        assert.deepEqual(await registry.getVersion('iris', 1), version);
        await assert.rejects(registry.updateModel('missing', 'x'), isCode('NOT_FOUND'));
        await assert.rejects(registry.updateVersion('iris', 9, 'x'), (e) => {
          assert.ok(isOspreyError(e, 'NOT_FOUND'));
          assert.equal(e.message, 'Model Version (name=iris, version=9) not found');
          return true;
        });
      }));

    it('deletes a model with its versions, tags and aliases', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris', { tags: [{ key: 'a', value: 'b' }] }));
        await registry.createModel(newModel('wine'));
        await registry.createVersion(newVersion('iris', 'a', { tags: [{ key: 'x', value: 'y' }] }));
        await registry.createVersion(newVersion('wine'));
        await registry.setAlias('iris', 'prod', 1);
        await registry.deleteModel('iris');
        assert.equal(await registry.getModel('iris'), undefined);
        assert.equal(await registry.getVersion('iris', 1), undefined);
        assert.equal(await registry.getVersionByAlias('iris', 'prod'), undefined);
        const recreated = await registry.createModel(newModel('iris'));
        assert.deepEqual([recreated.tags, recreated.aliases, recreated.latestVersions], [[], [], []]);
        const all = await registry.searchVersions({ filters: [], orderBy: [], offset: 0, limit: 10 });
        assert.deepEqual(
          all.items.map((v) => v.name),
          ['wine'],
        );
        await assert.rejects(registry.deleteModel('iris-missing'), isCode('NOT_FOUND'));
      }));

    it('transitions stages, archiving the others in the stage on request; latest versions per stage', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris'));
        for (const seed of ['a', 'b', 'c', 'd']) await registry.createVersion(newVersion('iris', seed));
        await registry.transitionStage('iris', 1, 'Production', false);
        const two = await registry.transitionStage('iris', 2, 'Production', false);
        assert.equal(two.stage, 'Production');
        assert.equal((await registry.getVersion('iris', 1))?.stage, 'Production', 'kept without archiving');
        await registry.transitionStage('iris', 3, 'Staging', false);
        const model = await registry.getModel('iris');
        assert.deepEqual(
          model?.latestVersions.map((v) => [v.version, v.stage]),
          [
            [2, 'Production'],
            [3, 'Staging'],
            [4, 'None'],
          ],
        );
        assert.equal(model?.updatedAt, (await registry.getVersion('iris', 3))?.updatedAt);
        const four = await registry.transitionStage('iris', 4, 'Production', true);
        assert.equal(four.stage, 'Production');
        const stages = await Promise.all([1, 2, 3].map(async (n) => (await registry.getVersion('iris', n))?.stage));
        assert.deepEqual(stages, ['Archived', 'Archived', 'Staging']);
        const latest = await registry.latestVersions('iris', []);
        assert.deepEqual(
          latest.map((v) => [v.version, v.stage]),
          [
            [2, 'Archived'],
            [3, 'Staging'],
            [4, 'Production'],
          ],
        );
        const some = await registry.latestVersions('iris', ['Production', 'None']);
        assert.deepEqual(
          some.map((v) => v.version),
          [4],
        );
        await assert.rejects(registry.latestVersions('missing', []), isCode('NOT_FOUND'));
        await assert.rejects(registry.transitionStage('iris', 7, 'Staging', false), isCode('NOT_FOUND'));
      }));

    it('keeps aliases unique per model, moves them, and deletes them with their version', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris'));
        await registry.createModel(newModel('wine'));
        for (const seed of ['a', 'b']) await registry.createVersion(newVersion('iris', seed));
        await registry.createVersion(newVersion('wine'));
        await registry.setAlias('iris', 'champion', 1);
        await registry.setAlias('iris', 'challenger', 1);
        await registry.setAlias('wine', 'champion', 1);
        assert.deepEqual((await registry.getVersion('iris', 1))?.aliases, ['challenger', 'champion']);
        await registry.setAlias('iris', 'champion', 2);
        assert.equal((await registry.getVersionByAlias('iris', 'champion'))?.version, 2);
        assert.deepEqual((await registry.getVersion('iris', 1))?.aliases, ['challenger']);
        assert.deepEqual((await registry.getModel('iris'))?.aliases, [
          { alias: 'challenger', version: 1 },
          { alias: 'champion', version: 2 },
        ]);
        assert.equal((await registry.getVersionByAlias('wine', 'champion'))?.name, 'wine');
        await registry.deleteVersion('iris', 2);
        assert.equal(await registry.getVersionByAlias('iris', 'champion'), undefined);
        await registry.deleteAlias('iris', 'challenger');
        await registry.deleteAlias('iris', 'never-set');
        assert.deepEqual((await registry.getModel('iris'))?.aliases, []);
        await assert.rejects(registry.setAlias('iris', 'x', 9), isCode('NOT_FOUND'));
        await assert.rejects(registry.setAlias('missing', 'x', 1), isCode('NOT_FOUND'));
        await assert.rejects(registry.deleteAlias('missing', 'x'), isCode('NOT_FOUND'));
        assert.equal(await registry.getVersionByAlias('missing', 'x'), undefined);
      }));

    it('sets, replaces and deletes tags on models and versions without moving times', () =>
      withRegistry(async (registry) => {
        const model = await registry.createModel(newModel('iris'));
        const version = await registry.createVersion(newVersion('iris'));
        await registry.setModelTag('iris', { key: 'k', value: '1' });
        await registry.setModelTag('iris', { key: 'k', value: '2' });
        await registry.setVersionTag('iris', 1, { key: 'k', value: 'a' });
        await registry.setVersionTag('iris', 1, { key: 'j', value: '' });
        const tagged = await registry.getModel('iris');
        assert.deepEqual(tagged?.tags, [{ key: 'k', value: '2' }]);
        assert.equal(tagged?.updatedAt, version.createdAt);
        assert.ok((tagged?.updatedAt ?? 0) >= model.updatedAt);
        assert.deepEqual((await registry.getVersion('iris', 1))?.tags, [
          { key: 'j', value: '' },
          { key: 'k', value: 'a' },
        ]);
        await registry.deleteModelTag('iris', 'k');
        await registry.deleteModelTag('iris', 'absent');
        await registry.deleteVersionTag('iris', 1, 'k');
        assert.deepEqual((await registry.getModel('iris'))?.tags, []);
        assert.deepEqual((await registry.getVersion('iris', 1))?.tags, [{ key: 'j', value: '' }]);
        await assert.rejects(registry.setModelTag('missing', { key: 'k', value: 'v' }), isCode('NOT_FOUND'));
        await assert.rejects(registry.setVersionTag('iris', 5, { key: 'k', value: 'v' }), isCode('NOT_FOUND'));
        await assert.rejects(registry.deleteVersionTag('iris', 5, 'k'), isCode('NOT_FOUND'));
        await assert.rejects(registry.deleteModelTag('missing', 'k'), isCode('NOT_FOUND'));
      }));

    it('searches models by name and tags, case-sensitively for LIKE, in code-point order, by pages', () =>
      withRegistry(async (registry) => {
        for (const name of ['beta', 'Alpha', 'alpha_1', 'a*b[c]', 'gamma']) {
          await registry.createModel(
            newModel(name, { tags: name.startsWith('a') ? [{ key: 'env', value: 'Prod' }] : [] }),
          );
        }
        const names = async (...filters: Parameters<RegistryRepository['searchModels']>[0]['filters']) =>
          (await registry.searchModels({ filters, orderBy: [], offset: 0, limit: 100 })).items.map((m) => m.name);
        assert.deepEqual(await names(), ['Alpha', 'a*b[c]', 'alpha_1', 'beta', 'gamma']);
        assert.deepEqual(await names({ field: 'name', op: '=', value: 'beta' }), ['beta']);
        assert.deepEqual(await names({ field: 'name', op: '!=', value: 'beta' }), [
          'Alpha',
          'a*b[c]',
          'alpha_1',
          'gamma',
        ]);
        assert.deepEqual(await names({ field: 'name', op: 'LIKE', value: 'a%' }), ['a*b[c]', 'alpha_1']);
        assert.deepEqual(await names({ field: 'name', op: 'ILIKE', value: 'a%' }), ['Alpha', 'a*b[c]', 'alpha_1']);
        assert.deepEqual(await names({ field: 'name', op: 'LIKE', value: 'a*b[c]' }), ['a*b[c]']);
        assert.deepEqual(await names({ field: 'name', op: 'LIKE', value: '_lpha%' }), ['Alpha', 'alpha_1']);
        assert.deepEqual(await names({ field: 'name', op: 'LIKE', value: '_lpha_%' }), ['alpha_1']);
        assert.deepEqual(await names({ field: 'tag', key: 'env', op: '=', value: 'Prod' }), ['a*b[c]', 'alpha_1']);
        assert.deepEqual(await names({ field: 'tag', key: 'env', op: 'LIKE', value: 'prod' }), []);
        assert.deepEqual(await names({ field: 'tag', key: 'env', op: 'ILIKE', value: 'prod' }), ['a*b[c]', 'alpha_1']);
        assert.deepEqual(await names({ field: 'tag', key: 'env', op: '!=', value: 'x' }), ['a*b[c]', 'alpha_1']);
        assert.deepEqual(
          await names({ field: 'tag', key: 'env', op: '=', value: 'Prod' }, { field: 'name', op: 'LIKE', value: '%1' }),
          ['alpha_1'],
        );

        const first = await registry.searchModels({ filters: [], orderBy: [], offset: 0, limit: 2 });
        assert.deepEqual([first.items.map((m) => m.name), first.nextOffset], [['Alpha', 'a*b[c]'], 2]);
        const last = await registry.searchModels({ filters: [], orderBy: [], offset: 4, limit: 2 });
        assert.deepEqual([last.items.map((m) => m.name), last.nextOffset], [['gamma'], null]);
        const exact = await registry.searchModels({ filters: [], orderBy: [], offset: 3, limit: 2 });
        assert.equal(exact.nextOffset, null, 'no next page when the page ends exactly at the last model');

        await registry.updateModel('beta', 'touched');
        const byTime = await registry.searchModels({
          filters: [],
          orderBy: [{ field: 'updatedAt', ascending: false }],
          offset: 0,
          limit: 1,
        });
        assert.equal(byTime.items[0]?.name, 'beta');
        const byNameDesc = await registry.searchModels({
          filters: [],
          orderBy: [{ field: 'name', ascending: false }],
          offset: 0,
          limit: 100,
        });
        assert.deepEqual(
          byNameDesc.items.map((m) => m.name),
          ['gamma', 'beta', 'alpha_1', 'a*b[c]', 'Alpha'],
        );
      }));

    it('searches versions by name, run id, source, number and tags; by name, then newest version, by default', () =>
      withRegistry(async (registry) => {
        await registry.createModel(newModel('iris'));
        await registry.createModel(newModel('wine'));
        await registry.createVersion(newVersion('iris', 'a', { runId: 'run1', tags: [{ key: 'ok', value: 'yes' }] }));
        await sleep(2);
        await registry.createVersion(newVersion('wine', 'a', { runId: 'run2' }));
        await sleep(2);
        await registry.createVersion(newVersion('iris', 'b', { runId: 'run2' }));
        await sleep(2);
        await registry.createVersion(newVersion('iris', 'c'));
        type Filters = Parameters<RegistryRepository['searchVersions']>[0]['filters'];
        const found = async (
          filters: Filters,
          orderBy: Parameters<RegistryRepository['searchVersions']>[0]['orderBy'] = [],
        ) =>
          (await registry.searchVersions({ filters, orderBy, offset: 0, limit: 100 })).items.map(
            (v) => `${v.name}/${v.version}`,
          );
        assert.deepEqual(await found([]), ['iris/3', 'iris/2', 'iris/1', 'wine/1']);
        assert.deepEqual(await found([], [{ field: 'updatedAt', ascending: false }]), [
          'iris/3',
          'iris/2',
          'wine/1',
          'iris/1',
        ]);
        assert.deepEqual(await found([], [{ field: 'name', ascending: false }]), [
          'wine/1',
          'iris/3',
          'iris/2',
          'iris/1',
        ]);
        assert.deepEqual(await found([{ field: 'name', op: '=', value: 'wine' }]), ['wine/1']);
        assert.deepEqual(await found([{ field: 'runId', op: '=', value: 'run2' }]), ['iris/2', 'wine/1']);
        assert.deepEqual(await found([{ field: 'runId', op: '!=', value: 'run2' }]), ['iris/1']);
        assert.deepEqual(await found([{ field: 'runId', op: 'IN', values: ['run1', 'run2'] }]), [
          'iris/2',
          'iris/1',
          'wine/1',
        ]);
        assert.deepEqual(await found([{ field: 'runId', op: 'IN', values: [] }]), []);
        assert.deepEqual(await found([{ field: 'source', op: 'LIKE', value: '%/iris/_' }]), [
          'iris/3',
          'iris/2',
          'iris/1',
        ]);
        assert.deepEqual(await found([{ field: 'version', op: '>=', value: 2 }]), ['iris/3', 'iris/2']);
        assert.deepEqual(await found([{ field: 'version', op: '<', value: 1.5 }]), ['iris/1', 'wine/1']);
        assert.deepEqual(await found([{ field: 'version', op: '>', value: 2.5 }]), ['iris/3']);
        assert.deepEqual(await found([{ field: 'version', op: '=', value: 2.5 }]), []);
        assert.deepEqual(await found([{ field: 'version', op: '<', value: 2 ** 40 }]), await found([]));
        assert.deepEqual(await found([{ field: 'version', op: '>', value: 2 ** 40 }]), []);
        assert.deepEqual(await found([{ field: 'tag', key: 'ok', op: '=', value: 'yes' }]), ['iris/1']);
        assert.deepEqual(
          await found(
            [{ field: 'name', op: '=', value: 'iris' }],
            [
              { field: 'version', ascending: true },
              { field: 'createdAt', ascending: false },
            ],
          ),
          ['iris/1', 'iris/2', 'iris/3'],
        );
        const page = await registry.searchVersions({ filters: [], orderBy: [], offset: 1, limit: 2 });
        assert.deepEqual([page.items.map((v) => `${v.name}/${v.version}`), page.nextOffset], [['iris/2', 'iris/1'], 3]);
      }));

    it('keeps everything across a reopen', () =>
      withRegistry(async (registry, opened) => {
        await registry.createModel(newModel('iris', { description: 'x', tags: [{ key: 'a', value: 'b' }] }));
        await registry.createVersion(newVersion('iris', 'a', { tags: [{ key: 'c', value: 'd' }] }));
        await registry.setAlias('iris', 'prod', 1);
        const again = await opened.reopen();
        assert.deepEqual(await again.getModel('iris'), await registry.getModel('iris'));
        assert.equal((await again.getVersionByAlias('iris', 'prod'))?.source, 'mlflow-artifacts:/models/iris/a');
      }));
  });
}
