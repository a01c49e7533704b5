import type { KsMethod } from '../stats/index.js';
import type { DriftMethod, FeatureType, MethodChoice } from './methods.js';

/** Values a column holds that no test can use; counted and reported, never dropped silently. */
export interface MissingCounts {
  null: number;
  nan: number;
  pos_inf: number;
  neg_inf: number;
}

/** A numerical column: its finite values (any order) and the counts of everything else. */
export interface NumericColumn {
  kind: 'numeric';
  finite: Float64Array;
  missing: MissingCounts;
  /** The source type (e.g. DuckDB's DOUBLE), for messages. */
  sourceType?: string;
}

/** A categorical column as counts per category (`String(value)`), plus its nulls. */
export interface CategoricalColumn {
  kind: 'categorical';
  counts: ReadonlyMap<string, number>;
  nulls: number;
  sourceType?: string;
}

/** A column no drift method applies to (dates, lists, blobs…): listed under `skipped`. */
export interface UnsupportedColumn {
  kind: 'unsupported';
  sourceType: string;
  rows: number;
}

export type PreparedColumn = NumericColumn | CategoricalColumn | UnsupportedColumn;

/** One side of the comparison: named columns in order. */
export interface DriftTable {
  rowCount: number;
  columns: { name: string; column: PreparedColumn }[];
  /** Where it came from and rows that failed to parse (reported, not dropped silently). */
  source?: { description: string; rejectedRows: number };
}

export type Correction = 'none' | 'bonferroni' | 'bh';

export interface ColumnOverride {
  method?: MethodChoice;
  type?: FeatureType;
}

export interface DriftOptions {
  /** 'auto' (default) or one method for every column it applies to (others keep auto, with a note). */
  method?: MethodChoice | undefined;
  /** Per-column method and type overrides; an override that does not fit the column is a per-column error. */
  columns?: Readonly<Record<string, ColumnOverride>> | undefined;
  /** KS p-value mode, as scipy.stats.ks_2samp's `method` (default 'auto'). */
  ksMode?: KsMethod | undefined;
  /** Significance level of the tests (default 0.05). */
  alpha?: number | undefined;
  /** Multiple-testing correction across all p-values of the report (default 'bh'). */
  correction?: Correction | undefined;
  /** Dataset drift when the share of drifted columns is ≥ this (default 0.5). */
  driftShareThreshold?: number | undefined;
  /** Worker threads for numerical columns: 0 = in this thread; default: the machine's cores for large inputs. */
  workers?: number | undefined;
  /** Bars of the numerical histograms shown in the HTML report (default 20). */
  histogramBins?: number | undefined;
  /** Compute the per-column charts of the HTML report (default true; JSON alone does not need them). */
  charts?: boolean | undefined;
}

/** Reference-vs-current picture of a column, drawn by the HTML report. */
export type ColumnChart =
  | { kind: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'bars'; categories: string[]; reference: number[]; current: number[] };

/** The missing-share check of one column: pooled two-proportion z-test of (null + NaN + ±Inf) / rows. */
export interface MissingShareTest {
  reference: MissingCounts;
  current: MissingCounts;
  share_reference: number;
  share_current: number;
  z: number;
  p_value: number;
  p_value_adjusted: number;
  /** Cohen's h = |2 asin √p₁ − 2 asin √p₂|. */
  effect_size: number;
  drifted: boolean;
}

/** One row of the report (the JSON shape, plus the fields after `note`). */
export interface FeatureDrift {
  name: string;
  type: FeatureType;
  method: DriftMethod | null;
  statistic: number | null;
  /** Null for distances (wasserstein, psi, js) and when no test ran. */
  p_value: number | null;
  effect_size: number | null;
  drifted: boolean;
  /** Values the method used (finite numbers / non-null categories). */
  n_reference: number;
  n_current: number;
  /** Null + NaN + ±Infinity (details under `missing`). */
  missing_reference: number;
  missing_current: number;
  note: string | null;
  p_value_adjusted: number | null;
  effect_size_name: string | null;
  min_effect_size: number | null;
  missing: MissingShareTest | null;
  /** Why this column could not be analysed (type mismatch, absent on one side, a bad override); else null. */
  error: string | null;
}

export interface DriftReport {
  dataset_drift: boolean;
  /** Drifted columns / analysed columns (columns with an error are not counted). */
  drift_share: number;
  drift_share_threshold: number;
  number_of_columns: number;
  number_of_drifted_columns: number;
  alpha: number;
  correction: Correction;
  ks_mode: KsMethod;
  reference: { rows: number; source: string | null; rejected_rows: number };
  current: { rows: number; source: string | null; rejected_rows: number };
  features: FeatureDrift[];
  /** Columns no method applies to (e.g. dates). */
  skipped: { name: string; reason: string }[];
}

/** The report with a picture per feature, for the HTML report (charts are left out of the JSON). */
export interface DriftResult {
  report: DriftReport;
  charts: ReadonlyMap<string, ColumnChart>;
}
