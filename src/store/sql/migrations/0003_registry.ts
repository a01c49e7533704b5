import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Registered models, model versions, their tags, and aliases. No foreign key leaves the registry: a version's
 * run_id is a plain string, so the registry works whatever the tracking tables hold.
 */
export const registryMigration: Migration = {
  version: 3,
  name: 'registry',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registered_models')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_version', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('model_versions')
      .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('storage_location', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('run_link', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_versions_pkey', ['model_id', 'version'])
      .execute();
    await db.schema.createIndex('model_versions_run_id_idx').on('model_versions').column('run_id').execute();

    await db.schema
      .createTable('registered_model_tags')
      .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_tags_pkey', ['model_id', 'key'])
      .execute();

    await db.schema
      .createTable('model_version_tags')
      .addColumn('model_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_tags_pkey', ['model_id', 'version', 'key'])
      .addForeignKeyConstraint('model_version_tags_version_fkey', ['model_id', 'version'], 'model_versions', [
        'model_id',
        'version',
      ])
      .execute();

    await db.schema
      .createTable('registered_model_aliases')
      .addColumn('model_id', 'text', (c) => c.notNull())
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_aliases_pkey', ['model_id', 'alias'])
      .addForeignKeyConstraint('registered_model_aliases_version_fkey', ['model_id', 'version'], 'model_versions', [
        'model_id',
        'version',
      ])
      .execute();
  },
};
