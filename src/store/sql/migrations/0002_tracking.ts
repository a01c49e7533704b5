import { type Kysely, sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Experiments (+ tags), runs (+ tags, params), metric history and latest values, dataset inputs (+ tags), and the
 * Default experiment "0". A run has its public id (32 hex) and an integer `run_key` that every per-run table uses:
 * integer keys keep the metric history's index small and make the run-by-run lookups of search cheap.
 * Indexes: runs by (experiment, lifecycle, start_time, run_id), the search order; per-run tables by (run_key, key…),
 * which is also the history's read order (step, timestamp, is_nan, value).
 */
export const trackingMigration: Migration = {
  version: 2,
  name: 'tracking',
  async up(db: Kysely<unknown>): Promise<void> {
    // On SQLite the per-run tables are clustered on their key (WITHOUT ROWID): one b-tree to write and to read a
    // run's rows from, not two.
    const isSqlite = sql`${1}`.compile(db).sql === '?';
    const clustered = <T extends { modifyEnd(node: ReturnType<typeof sql>): T }>(qb: T) =>
      isSqlite ? qb.modifyEnd(sql`without rowid`) : qb;

    await db.schema
      .createTable('experiments')
      .addColumn('experiment_id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('artifact_location', 'text', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
      .addColumn('creation_time', 'bigint', (c) => c.notNull())
      .addColumn('last_update_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('experiment_tags')
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_tags_pkey', ['experiment_id', 'key'])
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('run_key', 'integer', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().unique())
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('artifact_uri', 'text', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
      .addColumn('deleted_time', 'bigint')
      .execute();
    await db.schema
      .createIndex('runs_experiment_order_idx')
      .on('runs')
      .columns(['experiment_id', 'lifecycle_stage', 'start_time', 'run_id'])
      .execute();

    for (const table of ['run_tags', 'run_params']) {
      await db.schema
        .createTable(table)
        .addColumn('run_key', 'integer', (c) => c.notNull().references('runs.run_key'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pkey`, ['run_key', 'key'])
        .$call(clustered)
        .execute();
    }

    // The history's key is the whole point: duplicates are ignored, and it is the read order of get-history.
    await db.schema
      .createTable('metrics')
      .addColumn('run_key', 'integer', (c) => c.notNull().references('runs.run_key'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('metrics_pkey', ['run_key', 'key', 'step', 'timestamp', 'is_nan', 'value'])
      .$call(clustered)
      .execute();
    await db.schema
      .createTable('latest_metrics')
      .addColumn('run_key', 'integer', (c) => c.notNull().references('runs.run_key'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('latest_metrics_pkey', ['run_key', 'key'])
      .$call(clustered)
      .execute();

    await db.schema
      .createTable('tracking_datasets')
      .addColumn('dataset_id', 'text', (c) => c.primaryKey())
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('schema', 'text')
      .addColumn('profile', 'text')
      .addColumn('dataset_version_id', 'text', (c) => c.references('dataset_versions.id'))
      .addUniqueConstraint('tracking_datasets_identity_key', ['experiment_id', 'name', 'digest'])
      .execute();
    await db.schema
      .createTable('run_inputs')
      .addColumn('run_key', 'integer', (c) => c.notNull().references('runs.run_key'))
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('tracking_datasets.dataset_id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_inputs_pkey', ['run_key', 'dataset_id'])
      .execute();
    await db.schema.createIndex('run_inputs_dataset_idx').on('run_inputs').column('dataset_id').execute();
    await db.schema
      .createTable('run_input_tags')
      .addColumn('run_key', 'integer', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_input_tags_pkey', ['run_key', 'dataset_id', 'key'])
      .addForeignKeyConstraint('run_input_tags_input_fkey', ['run_key', 'dataset_id'], 'run_inputs', [
        'run_key',
        'dataset_id',
      ])
      .execute();

    // PostgreSQL hands out experiment ids and run keys from sequences, so concurrent creators never collide;
    // SQLite takes max + 1 under its write lock.
    if (!isSqlite) {
      await sql`create sequence experiments_id_seq start 1`.execute(db);
      await sql`create sequence runs_key_seq start 1`.execute(db);
    }

    // MLflow clients expect the Default experiment "0"; its artifacts live under the store's root.
    const now = Date.now();
    await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
      values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${now}, ${now})`.execute(db);
  },
};
