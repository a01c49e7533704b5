import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Monitors, their deduplicated alerts, and the prediction log of deployments. */
export const monitorsMigration: Migration = {
  version: 8,
  name: 'monitors',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('monitors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('monitor_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('report_json', 'text', (c) => c.notNull())
      .addColumn('actions_json', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('monitor_alerts_dedupe_key', ['monitor_id', 'dedupe_key'])
      .execute();
    await db.schema.createIndex('monitor_alerts_by_time').on('monitor_alerts').columns(['raised_at']).execute();
    await db.schema
      .createTable('prediction_log')
      .addColumn('deployment', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('model_version', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('features_json', 'text', (c) => c.notNull())
      .addColumn('prediction_json', 'text', (c) => c.notNull())
      .addColumn('scores_json', 'text')
      .addColumn('label_json', 'text')
      .addColumn('labeled_at', 'bigint')
      .addPrimaryKeyConstraint('prediction_log_pk', ['deployment', 'request_id'])
      .execute();
    await db.schema.createIndex('prediction_log_by_time').on('prediction_log').columns(['deployment', 'at']).execute();
  },
};
