import type { DeploymentTables } from './tables-deployments.js';
import type { MonitorTables } from './tables-monitors.js';
import type { PipelineTables } from './tables-pipelines.js';
import type { RegistryTables } from './tables-registry.js';
import type { TokenTables } from './tables-tokens.js';
import type { TrackingTables } from './tables-tracking.js';
import type { TriggerTables } from './tables-triggers.js';

/**
 * Row types of the tables, as Kysely sees them. Times are epoch millis (bigint columns), JSON is text,
 * booleans are integers 0/1: the same representation on SQLite and PostgreSQL.
 */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface DatasetsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: number;
  /** Time of the newest version, or created_at when there is none. */
  updated_at: number;
  version_count: number;
  latest_version: number | null;
}

export interface DatasetVersionsTable {
  id: string;
  dataset_id: string;
  version: number;
  digest: string;
  kind: 'file' | 'directory';
  format: 'csv' | 'parquet' | 'jsonl';
  source: string;
  size_bytes: number;
  file_count: number;
  row_count: number;
  rejected_row_count: number;
  quarantine_digest: string | null;
  schema_json: string;
  profile_json: string;
  description: string | null;
  created_at: number;
}

export interface Database
  extends TrackingTables,
    RegistryTables,
    TokenTables,
    PipelineTables,
    TriggerTables,
    MonitorTables,
    DeploymentTables {
  schema_migrations: SchemaMigrationsTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
}

export type SqlKind = 'sqlite' | 'postgres';
