import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Pipeline runs, their tasks and attempts (the orchestrator's durable state), and the step cache. */
export const pipelinesMigration: Migration = {
  version: 5,
  name: 'pipelines',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pipeline_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pipeline_name', 'text', (c) => c.notNull())
      .addColumn('spec_digest', 'text', (c) => c.notNull())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('params_json', 'text', (c) => c.notNull())
      .addColumn('base_dir', 'text', (c) => c.notNull())
      .addColumn('environment_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('pipeline_runs_created').on('pipeline_runs').columns(['created_at']).execute();
    await db.schema
      .createTable('pipeline_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('pipeline_runs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outputs_json', 'text')
      .addColumn('cache_key', 'text')
      .addColumn('cached_from_run_id', 'text')
      .addColumn('error', 'text')
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addUniqueConstraint('pipeline_tasks_run_path', ['run_id', 'path'])
      .execute();
    await db.schema
      .createTable('pipeline_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull().references('pipeline_tasks.id').onDelete('cascade'))
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('log_path', 'text', (c) => c.notNull())
      .addColumn('image', 'text')
      .addColumn('exit_code', 'integer')
      .addColumn('signal', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('duration_ms', 'bigint')
      .addColumn('error', 'text')
      .addUniqueConstraint('pipeline_attempts_task_number', ['task_id', 'number'])
      .execute();
    await db.schema
      .createIndex('pipeline_attempts_run_status')
      .on('pipeline_attempts')
      .columns(['run_id', 'status'])
      .execute();
    await db.schema
      .createTable('pipeline_cache')
      .addColumn('cache_key', 'text', (c) => c.primaryKey())
      .addColumn('outputs_json', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('task_path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
