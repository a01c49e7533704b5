// Data drift between a reference and a current table: column types, default methods, decisions that hold up on large
// samples, dataset-level verdict (README.md has every rule). Statistics come from ../stats; this folder adds the
// rules, fast kernels for large samples, a worker-thread runner and the readers of files and dataset versions.
export { categoricalColumn, numericColumn, type RawColumn, tableFromColumns } from './column-input.js';
export { computeDrift } from './engine.js';
export { ksTwoSided } from './ks-counting.js';
export {
  AUTO_TEST_MAX_VALUES,
  autoMethod,
  DRIFT_METHODS,
  type DriftMethod,
  FEATURE_TYPES,
  type FeatureType,
  METHODS,
  type MethodChoice,
  parseFeatureType,
  parseMethodChoice,
} from './methods.js';
export { type ColumnRunner, inlineRunner, startWorkerPool } from './parallel-runner.js';
export { type DatasetAccess, readDriftTables } from './read-tables.js';
export type {
  ColumnChart,
  ColumnOverride,
  Correction,
  DriftOptions,
  DriftReport,
  DriftResult,
  DriftTable,
  FeatureDrift,
  MissingShareTest,
} from './types.js';
export { MIN_MISSING_SHARE_EFFECT } from './verdicts.js';
