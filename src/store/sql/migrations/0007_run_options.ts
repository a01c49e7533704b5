import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** How a pipeline run executes: its seed, whether it may use the cache, the run it reproduces, its runner. */
export const runOptionsMigration: Migration = {
  version: 7,
  name: 'run-options',
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema
      .alterTable('pipeline_runs')
      .addColumn('seed', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('pipeline_runs')
      .addColumn('use_cache', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('pipeline_runs').addColumn('reproduces_run_id', 'text').execute();
    await db.schema
      .alterTable('pipeline_runs')
      .addColumn('runner', 'text', (c) => c.notNull().defaultTo('process'))
      .execute();
  },
};
