import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Continuous-training triggers and their deduplicated events. */
export const triggersMigration: Migration = {
  version: 6,
  name: 'triggers',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('triggers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('params_json', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('trigger_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('trigger_id', 'text', (c) => c.notNull().references('triggers.id').onDelete('cascade'))
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('params_json', 'text', (c) => c.notNull())
      .addColumn('fired_at', 'bigint', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('error', 'text')
      .addUniqueConstraint('trigger_events_dedupe_key', ['trigger_id', 'dedupe_key'])
      .execute();
    await db.schema
      .createIndex('trigger_events_by_time')
      .on('trigger_events')
      .columns(['trigger_id', 'fired_at'])
      .execute();
  },
};
