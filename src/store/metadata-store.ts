/**
 * The metadata store: every record Osprey keeps about datasets (and, in later migrations, experiments, runs,
 * metrics, params, tags, registered models and their versions). One interface; `sql/` implements it with Kysely
 * over SQLite (embedded default) or PostgreSQL. Every implementation runs `metadata-store.contract.ts`.
 *
 * Contract, for every method:
 * - Records are immutable once returned, except where a method says it updates one.
 * - Names are validated by the caller (the domain service); the store stores what it is given.
 * - A method either completes or changes nothing (one transaction), also when the process dies midway.
 * - Safe under concurrent callers in several processes sharing one database.
 */

import type { DeploymentRepository } from './deployments.js';
import type { MonitorRepository, PredictionLogRepository } from './monitors.js';
import type { PipelineRunRepository } from './pipelines.js';
import type { RegistryRepository } from './registry.js';
import type { TokenRepository } from './tokens.js';
import type { TrackingRepository } from './tracking.js';
import type { TriggerRepository } from './triggers.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly datasets: DatasetRepository;
  readonly tracking: TrackingRepository;
  readonly registry: RegistryRepository;
  readonly tokens: TokenRepository;
  readonly pipelines: PipelineRunRepository;
  readonly triggers: TriggerRepository;
  readonly monitors: MonitorRepository;
  readonly predictions: PredictionLogRepository;
  readonly deployments: DeploymentRepository;
  /** The newest migration applied (migrations run when the store is opened). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export interface DatasetRecord {
  id: string;
  name: string;
  description: string | null;
  createdAt: number;
  /** Time of the newest version, or creation time when there is none. */
  updatedAt: number;
  versionCount: number;
  /** Number of the newest version; null when the dataset has none yet. */
  latestVersion: number | null;
}

export type DatasetFormat = 'csv' | 'parquet' | 'jsonl';

/** What a caller supplies to record a dataset version; the store adds id, number and time. */
export interface NewDatasetVersion {
  datasetName: string;
  /** SHA-256 of the content: the file's bytes, or the canonical manifest of a directory. */
  digest: string;
  kind: 'file' | 'directory';
  format: DatasetFormat;
  /** Where the content was read from (absolute path or URI), for information only. */
  source: string;
  sizeBytes: number;
  fileCount: number;
  rowCount: number;
  /** Rows that failed to parse; they are kept in the quarantine artifact, never dropped silently. */
  rejectedRowCount: number;
  /** Artifact-store digest of the quarantine file (JSON lines), or null when no row was rejected. */
  quarantineDigest: string | null;
  schema: JsonObject;
  profile: JsonObject;
  description: string | null;
}

export interface DatasetVersionRecord extends NewDatasetVersion {
  id: string;
  datasetId: string;
  /** 1, 2, 3… per dataset, in creation order, without gaps. */
  version: number;
  createdAt: number;
}

export interface AddVersionResult {
  version: DatasetVersionRecord;
  /** False when a version with the same digest already existed in this dataset (which is then returned). */
  created: boolean;
}

export interface DatasetRepository {
  /**
   * Records a version, creating the dataset when it does not exist. Idempotent by content: when the dataset already
   * has a version with this digest, that version is returned with `created: false` and nothing is written.
   * Concurrent adds to one dataset get distinct consecutive numbers.
   */
  addVersion(input: NewDatasetVersion): Promise<AddVersionResult>;
  get(name: string): Promise<DatasetRecord | undefined>;
  /** All datasets, ordered by name. */
  list(): Promise<DatasetRecord[]>;
  getVersion(name: string, version: number): Promise<DatasetVersionRecord | undefined>;
  /** The versions of one dataset, oldest first. */
  listVersions(name: string): Promise<DatasetVersionRecord[]>;
  /**
   * Versions whose digest starts with `digestPrefix` (lower-case hex), optionally within one dataset, oldest first.
   */
  findVersionsByDigest(digestPrefix: string, datasetName?: string): Promise<DatasetVersionRecord[]>;
}
