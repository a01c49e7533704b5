/**
 * Experiments, runs, params, metrics, tags and dataset inputs: MLflow's tracking model
 * (mlflow/store/tracking/abstract_store.py). One interface; `sql/` implements it. Every implementation runs
 * `tracking.contract.ts`.
 *
 * Contract, for every method:
 * - Inputs are validated by the caller (the tracking service: names, lengths, limits); the store stores them.
 * - A write is one transaction: it completes or changes nothing, also when the process dies midway, and once it has
 *   returned it survives a crash of the process.
 * - Unknown experiment or run: NOT_FOUND (`No Experiment with id=… exists`, `Run with id=… not found`).
 *   Writing to a deleted run or experiment: INVALID_ARGUMENT (MLflow's INVALID_PARAMETER_VALUE).
 * - Experiment ids are decimal strings ("0" is the Default experiment every store starts with); run ids are the
 *   caller's (32 hex characters). Times are epoch milliseconds.
 * - Safe under concurrent callers in several processes sharing one database.
 */
export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';
/** The tag that mirrors a run's name (MLflow keeps both in step). */
export const RUN_NAME_TAG = 'mlflow.runName';
/** The input tag naming a dataset's role (training, evaluation…): what `datasets.context` filters on. */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export interface Tag {
  key: string;
  value: string;
}

export interface ExperimentRecord {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  /** Ordered by key. */
  tags: Tag[];
}

export interface NewExperiment {
  name: string;
  /** The artifact root, given the id the store assigns (ids are assigned inside the write transaction). */
  artifactLocation: (experimentId: string) => string;
  tags: Tag[];
  creationTime: number;
}

export interface RunInfoRecord {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface Metric {
  key: string;
  /** Any double, NaN and ±Infinity included. */
  value: number;
  timestamp: number;
  step: number;
}

export interface MetricWithRunId extends Metric {
  runId: string;
}

/** A dataset as MLflow describes it (mlflow.entities.Dataset); schema and profile are opaque strings. */
export interface TrackedDataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

/** The Osprey dataset version a dataset input was linked to (its digest matched). */
export interface LinkedDatasetVersion {
  id: string;
  datasetName: string;
  version: number;
  digest: string;
}

export interface DatasetInputRecord {
  dataset: TrackedDataset;
  tags: Tag[];
  datasetVersion: LinkedDatasetVersion | null;
}

export interface NewDatasetInput {
  dataset: TrackedDataset;
  tags: Tag[];
  /** Id of the Osprey dataset version to link, resolved by the caller from the digest; null when none matched. */
  datasetVersionId: string | null;
}

export interface RunRecord {
  info: RunInfoRecord;
  /** The latest value of each metric (greatest step, then timestamp, then value), ordered by key. */
  metrics: Metric[];
  /** Ordered by key. */
  params: Tag[];
  /** Ordered by key. */
  tags: Tag[];
  /** In the order they were first logged. */
  inputs: DatasetInputRecord[];
}

export interface NewRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  startTime: number;
  artifactUri: string;
  /** Stored as given; the caller adds the `mlflow.runName` tag. */
  tags: Tag[];
}

export interface RunUpdate {
  status?: RunStatus;
  endTime?: number;
  /** Also sets the `mlflow.runName` tag. */
  runName?: string;
}

/** What one log-batch writes; within each list, order is the order of writing. */
export interface RunBatch {
  metrics: Metric[];
  params: Tag[];
  /** The last value of a repeated key wins; `mlflow.runName` also renames the run. */
  tags: Tag[];
}

export interface Page<T> {
  items: T[];
  /** The offset of the next page, or null when this page is the last. */
  nextOffset: number | null;
}

// ---- search: the parsed filter and order_by of MLflow's search grammar (the tracking service parses them) ----

export type NumericComparator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type ListComparator = 'IN' | 'NOT IN';

export type RunStringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri';
export type RunNumericAttribute = 'start_time' | 'end_time';
export type RunOrderAttribute = RunStringAttribute | RunNumericAttribute | 'experiment_id';
export type DatasetField = 'name' | 'digest' | 'context';

/** One `AND`-ed comparison of a runs filter. LIKE patterns use `%` and `_`, case-sensitive (ILIKE: insensitive). */
export type RunFilterClause =
  | { kind: 'metric'; key: string; comparator: NumericComparator; value: number }
  | { kind: 'param' | 'tag'; key: string; comparator: StringComparator; value: string }
  | { kind: 'attribute'; key: RunNumericAttribute; comparator: NumericComparator; value: number }
  | { kind: 'attribute'; key: RunStringAttribute; comparator: StringComparator; value: string }
  | { kind: 'attribute'; key: 'run_id'; comparator: ListComparator; value: string[] }
  | { kind: 'dataset'; key: DatasetField; comparator: StringComparator; value: string }
  | { kind: 'dataset'; key: DatasetField; comparator: ListComparator; value: string[] };

export type RunOrderClause =
  | { kind: 'metric' | 'param' | 'tag'; key: string; ascending: boolean }
  | { kind: 'attribute'; key: RunOrderAttribute; ascending: boolean };

export interface RunSearch {
  experimentIds: string[];
  viewType: ViewType;
  filter: RunFilterClause[];
  /**
   * Applied in order; missing values sort last (metrics: numbers, then NaN, then missing). Then start_time DESC
   * (unless ordered on) and run_id ASC break ties.
   */
  orderBy: RunOrderClause[];
  offset: number;
  limit: number;
}

export type ExperimentFilterClause =
  | { kind: 'attribute'; key: 'name'; comparator: StringComparator; value: string }
  | { kind: 'attribute'; key: 'creation_time' | 'last_update_time'; comparator: NumericComparator; value: number }
  | { kind: 'tag'; key: string; comparator: StringComparator; value: string };

export interface ExperimentOrderClause {
  key: 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';
  ascending: boolean;
}

export interface ExperimentSearch {
  viewType: ViewType;
  filter: ExperimentFilterClause[];
  /** Applied in order, then experiment_id DESC breaks ties (unless ordered on). */
  orderBy: ExperimentOrderClause[];
  offset: number;
  limit: number;
}

/** Position in a metric's history, which is ordered by (step, timestamp, value); NaN sorts after numbers. */
export interface HistoryCursor {
  step: number;
  timestamp: number;
  value: number;
}

export interface HistoryPage {
  metrics: Metric[];
  /** Where the next page starts, or null after the last value. */
  next: HistoryCursor | null;
}

export interface TrackingRepository {
  /** ALREADY_EXISTS when an experiment (active or deleted) has the name. Returns it with its assigned id. */
  createExperiment(input: NewExperiment): Promise<ExperimentRecord>;
  getExperiment(experimentId: string): Promise<ExperimentRecord | undefined>;
  getExperimentByName(name: string): Promise<ExperimentRecord | undefined>;
  searchExperiments(search: ExperimentSearch): Promise<Page<ExperimentRecord>>;
  /** CONFLICT when the experiment is deleted; ALREADY_EXISTS when the name is taken. */
  renameExperiment(experimentId: string, newName: string, now: number): Promise<void>;
  /** Marks an active experiment and all its runs deleted (NOT_FOUND when no active experiment has the id). */
  deleteExperiment(experimentId: string, now: number): Promise<void>;
  /** Marks a deleted experiment and all its runs active again (NOT_FOUND when no deleted experiment has the id). */
  restoreExperiment(experimentId: string, now: number): Promise<void>;
  /** Sets (replaces) a tag of an active experiment. */
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;

  /** Creates a RUNNING run in an active experiment. */
  createRun(input: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Updates an active run's status, end time and/or name; returns its info. */
  updateRun(runId: string, update: RunUpdate): Promise<RunInfoRecord>;
  deleteRun(runId: string, now: number): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  searchRuns(search: RunSearch): Promise<Page<RunRecord>>;

  /**
   * Logs metrics, params and tags to an active run in one transaction. Metric rows identical in every field to a
   * logged one are ignored; latest values advance by (step, timestamp, value). A param already logged with another
   * value fails the whole batch (INVALID_ARGUMENT, naming key, old and new value); the same value is a no-op.
   */
  logBatch(runId: string, batch: RunBatch): Promise<void>;
  /** Deletes a tag of an active run; NOT_FOUND when the run has no such tag. */
  deleteTag(runId: string, key: string): Promise<void>;
  /**
   * Records dataset inputs of an active run. A dataset is identified by (name, digest) within the run's experiment;
   * an input the run already has is left as it is (tags included).
   */
  logInputs(runId: string, inputs: NewDatasetInput[]): Promise<void>;

  /** One page of a metric's history, starting after `after` (from the start when undefined). */
  getMetricHistory(runId: string, key: string, limit: number, after?: HistoryCursor): Promise<HistoryPage>;
  /** The distinct steps at which each run logged the metric, within [startStep, endStep] when given, ascending. */
  getMetricSteps(runIds: string[], key: string, startStep?: number, endStep?: number): Promise<Map<string, number[]>>;
  /** The metric's values at the given steps, ordered by run id, step, timestamp, value. */
  getMetricsAtSteps(runIds: string[], key: string, steps: number[]): Promise<MetricWithRunId[]>;
}
