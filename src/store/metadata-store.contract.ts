import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { sha256Hex } from '../core/hashing.js';
import type { JsonObject, MetadataStore } from './metadata-store.js';
import { newDatasetVersion } from './test-support/dataset-fixtures.js';

/** A freshly opened, empty store; `reopen` opens the same database again; `cleanup` closes all and deletes it. */
export interface OpenedStore {
  store: MetadataStore;
  reopen(): Promise<MetadataStore>;
  cleanup(): Promise<void>;
}

/** The behaviour every MetadataStore implementation must show; each implementation's test calls this once. */
export function metadataStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  async function withStore(fn: (store: MetadataStore, opened: OpenedStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await fn(opened.store, opened);
    } finally {
      await opened.cleanup();
    }
  }

  describe(`MetadataStore contract: ${name}`, () => {
    it('opens migrated, with a positive schema version and its kind', () =>
      withStore(async (store) => {
        const version = await store.schemaVersion();
        assert.ok(Number.isInteger(version) && version >= 1, `schemaVersion ${version}`);
        assert.ok(store.kind === 'sqlite' || store.kind === 'postgres');
        assert.deepEqual(await store.datasets.list(), []);
      }));

    it('addVersion creates the dataset and its version 1', () =>
      withStore(async (store) => {
        const input = newDatasetVersion('iris', 'a', { description: 'first cut' });
        const before = Date.now();
        const { version, created } = await store.datasets.addVersion(input);
        assert.equal(created, true);
        const { id, datasetId, version: number, createdAt, ...supplied } = version;
        assert.deepEqual(supplied, input);
        assert.equal(number, 1);
        assert.match(id, /^[0-9a-f]{32}$/);
        assert.ok(createdAt >= before && createdAt <= Date.now(), 'createdAt is the time of the add');

        const dataset = await store.datasets.get('iris');
        assert.ok(dataset);
        assert.equal(dataset.id, datasetId);
        assert.equal(dataset.name, 'iris');
        assert.equal(dataset.description, 'first cut');
        assert.equal(dataset.versionCount, 1);
        assert.equal(dataset.latestVersion, 1);
        assert.equal(dataset.updatedAt, version.createdAt);
        assert.ok(dataset.createdAt <= dataset.updatedAt);
      }));

    it('is idempotent by digest within a dataset, not across datasets', () =>
      withStore(async (store) => {
        const first = await store.datasets.addVersion(newDatasetVersion('iris', 'same'));
        const again = await store.datasets.addVersion(newDatasetVersion('iris', 'same', { source: '/elsewhere.csv' }));
        assert.equal(again.created, false);
        assert.deepEqual(again.version, first.version);
        assert.equal((await store.datasets.listVersions('iris')).length, 1);
        assert.equal((await store.datasets.get('iris'))?.versionCount, 1);

        const other = await store.datasets.addVersion(newDatasetVersion('wine', 'same'));
        assert.equal(other.created, true);
        assert.equal(other.version.version, 1);
        assert.notEqual(other.version.datasetId, first.version.datasetId);
      }));

    it('numbers versions 1, 2, 3 in creation order and keeps the dataset summary current', () =>
      withStore(async (store) => {
        const added = [];
        for (const seed of ['a', 'b', 'c'])
          added.push((await store.datasets.addVersion(newDatasetVersion('iris', seed))).version);
        assert.deepEqual(
          added.map((v) => v.version),
          [1, 2, 3],
        );
        const dataset = await store.datasets.get('iris');
        assert.equal(dataset?.versionCount, 3);
        assert.equal(dataset?.latestVersion, 3);
        assert.equal(dataset?.updatedAt, added[2]?.createdAt);
        assert.ok(added.every((v) => v.datasetId === dataset?.id));
      }));

    it('gives 20 concurrent adds with distinct digests versions 1..20 without gaps or duplicates', () =>
      withStore(async (store) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.datasets.addVersion(newDatasetVersion('race', `r${i}`))),
        );
        assert.ok(results.every((r) => r.created));
        const numbers = results.map((r) => r.version.version).sort((a, b) => a - b);
        assert.deepEqual(
          numbers,
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        const versions = await store.datasets.listVersions('race');
        assert.deepEqual(
          versions.map((v) => v.version),
          numbers,
        );
        assert.equal(new Set(versions.map((v) => v.datasetId)).size, 1);
        assert.equal((await store.datasets.get('race'))?.versionCount, 20);
        assert.equal((await store.datasets.list()).length, 1);
      }));

    it('records 10 concurrent adds of the same digest as one version', () =>
      withStore(async (store) => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.datasets.addVersion(newDatasetVersion('same', 'one'))),
        );
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.version.id)).size, 1);
        assert.ok(results.every((r) => r.version.version === 1));
        assert.equal((await store.datasets.listVersions('same')).length, 1);
      }));

    it('gets and lists datasets, ordered by name', () =>
      withStore(async (store) => {
        for (const dataset of ['wine', 'Iris', 'adult', 'wine/red']) {
          await store.datasets.addVersion(newDatasetVersion(dataset, dataset));
        }
        await store.datasets.addVersion(newDatasetVersion('adult', 'adult-2'));
        const list = await store.datasets.list();
        assert.deepEqual(
          list.map((d) => d.name),
          ['Iris', 'adult', 'wine', 'wine/red'],
        );
        assert.deepEqual(
          list.map((d) => d.versionCount),
          [1, 2, 1, 1],
        );
        assert.deepEqual(await store.datasets.get('adult'), list[1]);
      }));

    it('gets and lists versions of one dataset, oldest first', () =>
      withStore(async (store) => {
        const a = await store.datasets.addVersion(newDatasetVersion('iris', 'a'));
        await store.datasets.addVersion(newDatasetVersion('wine', 'w'));
        const b = await store.datasets.addVersion(newDatasetVersion('iris', 'b'));
        assert.deepEqual(await store.datasets.getVersion('iris', 2), b.version);
        assert.deepEqual(await store.datasets.listVersions('iris'), [a.version, b.version]);
      }));

    it('finds versions by digest prefix, optionally within one dataset, oldest first', () =>
      withStore(async (store) => {
        const digest = sha256Hex('shared');
        const iris = await store.datasets.addVersion(newDatasetVersion('iris', 'shared'));
        const wine = await store.datasets.addVersion(newDatasetVersion('wine', 'shared'));
        const other = await store.datasets.addVersion(newDatasetVersion('iris', 'other'));

        assert.deepEqual(await store.datasets.findVersionsByDigest(digest.slice(0, 8)), [iris.version, wine.version]);
        assert.deepEqual(await store.datasets.findVersionsByDigest(digest), [iris.version, wine.version]);
        assert.deepEqual(await store.datasets.findVersionsByDigest(digest.slice(0, 12), 'wine'), [wine.version]);
        assert.deepEqual(await store.datasets.findVersionsByDigest(other.version.digest, 'iris'), [other.version]);
        assert.deepEqual(await store.datasets.findVersionsByDigest(other.version.digest, 'wine'), []);
        assert.deepEqual(await store.datasets.findVersionsByDigest('0000000000'), []);
        await assert.rejects(store.datasets.findVersionsByDigest('ab%'), (e) => isOspreyError(e, 'INVALID_ARGUMENT'));
      }));

    it('round-trips schema, profile and every field exactly', () =>
      withStore(async (store) => {
        const schema: JsonObject = {
          columns: [
            { name: 'petal length', type: 'DOUBLE', nullable: true },
            { name: 'species', type: 'VARCHAR', values: ['setosa', 'versicolor', null] },
          ],
          nested: { deeper: { empty: {}, list: [], unicode: 'é ✓ 🦅', quote: '"\\\n' } },
        };
        const profile: JsonObject = {
          rows: 150,
          mean: -0.125,
          big: 9007199254740991,
          tiny: 1e-12,
          ok: false,
          none: null,
        };
        const input = newDatasetVersion('iris', 'json', {
          kind: 'directory',
          format: 'parquet',
          sizeBytes: 5_000_000_000_000,
          fileCount: 12,
          rowCount: 3_000_000_000,
          rejectedRowCount: 7,
          quarantineDigest: sha256Hex('quarantine'),
          schema,
          profile,
          description: 'with rejects',
        });
        const { version } = await store.datasets.addVersion(input);
        const read = await store.datasets.getVersion('iris', 1);
        assert.deepEqual(read, version);
        assert.deepEqual(read?.schema, schema);
        assert.deepEqual(read?.profile, profile);
        assert.equal(read?.sizeBytes, 5_000_000_000_000);
        assert.equal(read?.rowCount, 3_000_000_000);
        assert.equal(read?.quarantineDigest, input.quarantineDigest);
        assert.equal(typeof read?.createdAt, 'number');
      }));

    it('returns undefined or nothing for what does not exist', () =>
      withStore(async (store) => {
        await store.datasets.addVersion(newDatasetVersion('iris', 'a'));
        assert.equal(await store.datasets.get('missing'), undefined);
        assert.equal(await store.datasets.getVersion('missing', 1), undefined);
        assert.equal(await store.datasets.getVersion('iris', 2), undefined);
        assert.deepEqual(await store.datasets.listVersions('missing'), []);
        assert.deepEqual(await store.datasets.findVersionsByDigest(sha256Hex('a'), 'missing'), []);
      }));

    it('keeps its data when reopened, and reopening applies no migration twice', () =>
      withStore(async (store, opened) => {
        const version = await store.schemaVersion();
        const first = await store.datasets.addVersion(newDatasetVersion('iris', 'a'));
        await store.close();

        const again = await opened.reopen();
        assert.equal(await again.schemaVersion(), version);
        assert.deepEqual(await again.datasets.listVersions('iris'), [first.version]);
        const second = await again.datasets.addVersion(newDatasetVersion('iris', 'b'));
        assert.equal(second.version.version, 2);
        const third = await opened.reopen();
        assert.equal(await third.schemaVersion(), version);
        assert.equal((await third.datasets.get('iris'))?.latestVersion, 2);
      }));
  });
}
