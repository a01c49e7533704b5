import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataStore } from '../../metadata-store.js';
import { openSqlStore } from '../sql-metadata-store.js';
import { createTestSchema } from './postgres-schemas.js';

/** A fresh, empty database: `open` gives another handle on it (as another process would); `cleanup` drops all. */
export interface FreshDatabase {
  open(): Promise<MetadataStore>;
  cleanup(): Promise<void>;
}

/** Runs `fn` on a store over a fresh database (another handle: `db.open()`), then deletes the database. */
export async function withFreshStore(
  fresh: () => Promise<FreshDatabase>,
  fn: (store: MetadataStore, db: FreshDatabase) => Promise<void>,
): Promise<void> {
  const db = await fresh();
  try {
    await fn(await db.open(), db);
  } finally {
    await db.cleanup();
  }
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why the backend is skipped here, or false. */
  skip: string | false;
  fresh(): Promise<FreshDatabase>;
}

/** SQLite always; PostgreSQL when OSPREY_TEST_POSTGRES_URL is set (otherwise listed with the reason it is skipped). */
export function storeBackends(): Backend[] {
  const url = process.env.OSPREY_TEST_POSTGRES_URL;
  return [
    {
      name: 'sqlite',
      skip: false,
      async fresh() {
        const dir = await mkdtemp(join(tmpdir(), 'osprey-store-'));
        return tracked(
          () => openSqlStore({ kind: 'sqlite', path: join(dir, 'osprey.db') }),
          () => rm(dir, { recursive: true, force: true }),
        );
      },
    },
    {
      name: 'postgres',
      skip: url ? false : 'OSPREY_TEST_POSTGRES_URL is not set',
      async fresh() {
        const schema = await createTestSchema(url ?? '');
        return tracked(
          () => openSqlStore({ kind: 'postgres', url: schema.url }),
          () => schema.drop(),
        );
      },
    },
  ];
}

function tracked(openOne: () => Promise<MetadataStore>, dispose: () => Promise<void>): FreshDatabase {
  const stores: MetadataStore[] = [];
  return {
    async open() {
      const store = await openOne();
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const store of stores) await store.close();
      await dispose();
    },
  };
}
