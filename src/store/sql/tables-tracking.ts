/**
 * Row types of the tracking tables (migration 0002). Experiment ids are integers (shown as decimal strings),
 * run ids text. A metric's NaN is stored as value 0 with is_nan 1 (SQLite has no NaN), so the history's primary key
 * stays NOT NULL; ±Infinity are stored as such (both engines keep them).
 */
export interface ExperimentsTable {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  /** The integer every per-run table refers to the run by. */
  run_key: number;
  run_id: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: 'active' | 'deleted';
  deleted_time: number | null;
}

/** A run's params and tags share this shape. */
export interface RunKeyValueTable {
  run_key: number;
  key: string;
  value: string;
}

/** Every logged point; a row identical in every column to a stored one is not stored twice. */
export interface MetricsTable {
  run_key: number;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

/** One row per (run, key): the point with the greatest (step, timestamp, value). */
export type LatestMetricsTable = MetricsTable;

/** A dataset as logged by MLflow clients, one per (experiment, name, digest). */
export interface TrackingDatasetsTable {
  dataset_id: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
  /** The Osprey dataset version whose digest matched when it was logged, if any. */
  dataset_version_id: string | null;
}

export interface RunInputsTable {
  run_key: number;
  dataset_id: string;
  /** Logging order within the run. */
  position: number;
}

export interface RunInputTagsTable {
  run_key: number;
  dataset_id: string;
  key: string;
  value: string;
}

export interface TrackingTables {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  run_tags: RunKeyValueTable;
  run_params: RunKeyValueTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  tracking_datasets: TrackingDatasetsTable;
  run_inputs: RunInputsTable;
  run_input_tags: RunInputTagsTable;
}
