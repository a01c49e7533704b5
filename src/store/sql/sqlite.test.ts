import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { isOspreyError } from '../../core/errors.js';
import { metadataStoreContract } from '../metadata-store.contract.js';
import type { MetadataStore } from '../metadata-store.js';
import { newDatasetVersion } from '../test-support/dataset-fixtures.js';
import { MIGRATIONS } from './migrations/index.js';
import { openSqlStore } from './sql-metadata-store.js';
import { runSqliteChildren } from './test-support/spawn-children.js';

/** A temp directory with a database path inside a not-yet-existing subdirectory, removed by `cleanup`. */
async function tempDatabase(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-store-'));
  return { path: join(dir, 'home', 'osprey.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Reads the file directly, outside Osprey, as another tool would. */
function inspect<T>(path: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

metadataStoreContract('sqlite', async () => {
  const { path, cleanup } = await tempDatabase();
  const stores: MetadataStore[] = [];
  const reopen = async () => {
    const store = await openSqlStore({ kind: 'sqlite', path });
    stores.push(store);
    return store;
  };
  const store = await reopen();
  return {
    store,
    reopen,
    cleanup: async () => {
      for (const s of stores) await s.close();
      await cleanup();
    },
  };
});

describe('SQLite metadata store', () => {
  it('creates the file and its directory, in WAL mode', async () => {
    const db = await tempDatabase();
    try {
      const store = await openSqlStore({ kind: 'sqlite', path: db.path });
      await store.close();
      assert.equal(
        inspect(db.path, (d) => d.pragma('journal_mode', { simple: true })),
        'wal',
      );
    } finally {
      await db.cleanup();
    }
  });

  it('lets two processes open a fresh database at the same moment; each migration is applied once', async () => {
    const db = await tempDatabase();
    try {
      const results = await runSqliteChildren(db.path, 0, ['a', 'b']);
      const latest = MIGRATIONS.at(-1)?.version;
      assert.deepEqual(
        results.map((r) => r.schemaVersion),
        [latest, latest],
      );
      const rows = inspect(db.path, (d) =>
        d.prepare('select version, count(*) as n from schema_migrations group by version order by version').all(),
      );
      assert.deepEqual(
        rows,
        MIGRATIONS.map((m) => ({ version: m.version, n: 1 })),
      );
    } finally {
      await db.cleanup();
    }
  });

  it('numbers versions without gaps when two processes add concurrently', async () => {
    const db = await tempDatabase();
    try {
      const results = await runSqliteChildren(db.path, 10, ['a', 'b']);
      assert.deepEqual(
        results.map((r) => r.created),
        [10, 10],
      );
      const store = await openSqlStore({ kind: 'sqlite', path: db.path });
      const versions = await store.datasets.listVersions('shared');
      await store.close();
      assert.deepEqual(
        versions.map((v) => v.version),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    } finally {
      await db.cleanup();
    }
  });

  it('lets two stores in one process on one file write concurrently', async () => {
    const db = await tempDatabase();
    const first = await openSqlStore({ kind: 'sqlite', path: db.path });
    const second = await openSqlStore({ kind: 'sqlite', path: db.path });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? first : second).datasets.addVersion(newDatasetVersion('shared', `v${i}`)),
        ),
      );
      const versions = await first.datasets.listVersions('shared');
      assert.deepEqual(
        versions.map((v) => v.version),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    } finally {
      await first.close();
      await second.close();
      await db.cleanup();
    }
  });

  it('refuses a database migrated by a newer Osprey', async () => {
    const db = await tempDatabase();
    try {
      await (await openSqlStore({ kind: 'sqlite', path: db.path })).close();
      const writer = new BetterSqlite3(db.path);
      writer.prepare('insert into schema_migrations (version, name, applied_at) values (999, ?, 0)').run('future');
      writer.close();
      await assert.rejects(
        openSqlStore({ kind: 'sqlite', path: db.path }),
        (e) => isOspreyError(e, 'CONFLICT') && /schema version 999.*upgrade Osprey/.test(e.message),
      );
    } finally {
      await db.cleanup();
    }
  });

  it('fails with UNAVAILABLE naming the path when the file cannot be created', async () => {
    const db = await tempDatabase();
    const blocker = join(db.path, '..', '..', 'not-a-directory');
    try {
      await writeFile(blocker, 'x');
      const path = join(blocker, 'osprey.db');
      await assert.rejects(
        openSqlStore({ kind: 'sqlite', path }),
        (e) => isOspreyError(e, 'UNAVAILABLE') && e.message.includes(path),
      );
    } finally {
      await db.cleanup();
    }
  });
});
