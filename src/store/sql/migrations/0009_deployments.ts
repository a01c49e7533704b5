import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Deployments (endpoint → champion, challenger, rollout) and the decisions taken on them. */
export const deploymentsMigration: Migration = {
  version: 9,
  name: 'deployments',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('deployments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull().unique())
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('champion_version', 'text', (c) => c.notNull())
      .addColumn('challenger_version', 'text')
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('config_json', 'text', (c) => c.notNull())
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deployment_decisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('deployment_id', 'text', (c) => c.notNull().references('deployments.id').onDelete('cascade'))
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('from_version', 'text')
      .addColumn('to_version', 'text')
      .addColumn('evidence_json', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('deployment_decisions_by_deployment')
      .on('deployment_decisions')
      .columns(['deployment_id', 'decided_at'])
      .execute();
  },
};
