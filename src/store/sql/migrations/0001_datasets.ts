import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Datasets and their content-addressed versions. */
export const datasetsMigration: Migration = {
  version: 1,
  name: 'datasets',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('datasets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('version_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('latest_version', 'integer')
      .execute();

    await db.schema
      .createTable('dataset_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'bigint', (c) => c.notNull())
      .addColumn('file_count', 'integer', (c) => c.notNull())
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('rejected_row_count', 'bigint', (c) => c.notNull())
      .addColumn('quarantine_digest', 'text')
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('dataset_versions_dataset_version_key', ['dataset_id', 'version'])
      .addUniqueConstraint('dataset_versions_dataset_digest_key', ['dataset_id', 'digest'])
      .execute();

    await db.schema.createIndex('dataset_versions_digest_idx').on('dataset_versions').column('digest').execute();
  },
};
