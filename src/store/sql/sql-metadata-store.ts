import type { OspreyConfig } from '../../core/config.js';
import type { DeploymentRepository } from '../deployments.js';
import type { DatasetRepository, MetadataStore } from '../metadata-store.js';
import type { MonitorRepository, PredictionLogRepository } from '../monitors.js';
import type { PipelineRunRepository } from '../pipelines.js';
import type { RegistryRepository } from '../registry.js';
import type { TokenRepository } from '../tokens.js';
import type { TrackingRepository } from '../tracking.js';
import type { TriggerRepository } from '../triggers.js';
import { SqlDatasetRepository } from './dataset-repository.js';
import { SqlDeploymentRepository } from './deployment-repository.js';
import { appliedSchemaVersion, migrate } from './migrator.js';
import { SqlMonitorRepository } from './monitor-repository.js';
import { SqlPipelineRunRepository } from './pipeline-repository.js';
import { describePostgresUrl, openPostgresKysely } from './postgres-dialect.js';
import { SqlPredictionLogRepository } from './prediction-log-repository.js';
import { SqlRegistryRepository } from './registry-repository.js';
import { openSqliteKysely } from './sqlite-dialect.js';
import type { SqlKind } from './tables.js';
import { SqlTokenRepository } from './token-repository.js';
import { SqlTrackingRepository } from './tracking-repository.js';
import { read, type SqlContext } from './transactions.js';
import { SqlTriggerRepository } from './trigger-repository.js';

/** The MetadataStore over Kysely, on SQLite or PostgreSQL. Construct it with `openSqlStore`. */
class SqlMetadataStore implements MetadataStore {
  readonly datasets: DatasetRepository;
  readonly tracking: TrackingRepository;
  readonly registry: RegistryRepository;
  readonly tokens: TokenRepository;
  readonly pipelines: PipelineRunRepository;
  readonly triggers: TriggerRepository;
  readonly monitors: MonitorRepository;
  readonly predictions: PredictionLogRepository;
  readonly deployments: DeploymentRepository;
  #closed: Promise<void> | undefined;

  constructor(private readonly ctx: SqlContext) {
    this.datasets = new SqlDatasetRepository(ctx);
    this.tracking = new SqlTrackingRepository(ctx);
    this.registry = new SqlRegistryRepository(ctx);
    this.tokens = new SqlTokenRepository(ctx);
    this.pipelines = new SqlPipelineRunRepository(ctx);
    this.triggers = new SqlTriggerRepository(ctx);
    this.monitors = new SqlMonitorRepository(ctx);
    this.predictions = new SqlPredictionLogRepository(ctx);
    this.deployments = new SqlDeploymentRepository(ctx);
  }

  get kind(): SqlKind {
    return this.ctx.kind;
  }

  schemaVersion(): Promise<number> {
    return read(this.ctx, appliedSchemaVersion);
  }

  /** Closes the connection (SQLite) or pool (PostgreSQL); later calls return the same promise. */
  close(): Promise<void> {
    this.#closed ??= this.ctx.db.destroy();
    return this.#closed;
  }
}

/**
 * Opens the metadata store the configuration names and applies pending migrations before returning it.
 * SQLite: the file (and its directory) is created when missing. PostgreSQL: `url` may select a schema with
 * `?options=-c%20search_path%3D<schema>`. Fails with UNAVAILABLE when the database cannot be opened or reached,
 * and CONFLICT when its schema is newer than this Osprey.
 */
export async function openSqlStore(database: OspreyConfig['database']): Promise<MetadataStore> {
  const ctx: SqlContext =
    database.kind === 'sqlite'
      ? { kind: 'sqlite', db: openSqliteKysely(database.path), where: database.path }
      : { kind: 'postgres', db: await openPostgresKysely(database.url), where: describePostgresUrl(database.url) };
  try {
    await migrate(ctx);
  } catch (error) {
    await ctx.db.destroy().catch(() => {});
    throw error;
  }
  return new SqlMetadataStore(ctx);
}
