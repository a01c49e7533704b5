import { invalidArgument } from '../../core/errors.js';

/** The drift methods a column can be tested with (see README.md for what each measures). */
export const DRIFT_METHODS = ['ks', 'chisquare', 'wasserstein', 'cvm', 'psi', 'js'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
/** A method, or 'auto': chosen per column by type, cardinality and sample size ({@link autoMethod}). */
export type MethodChoice = 'auto' | DriftMethod;
export type FeatureType = 'numerical' | 'categorical';
export const FEATURE_TYPES: readonly FeatureType[] = ['numerical', 'categorical'];

export interface MethodInfo {
  /** The column types the method applies to. */
  types: readonly FeatureType[];
  /** True for hypothesis tests (they have a p-value); false for distances (p_value is null). */
  test: boolean;
  /** What effect_size holds for this method. */
  effectSize: string;
  /** The documented minimum effect size: below it a column is never drifted, however small its p-value. */
  minEffect: number;
}

/**
 * Per-method effect sizes and their minimums (README.md gives the reasons). A test drifts a column when its corrected
 * p-value is ≤ alpha AND effect_size ≥ minEffect; a distance (no p-value) when effect_size ≥ minEffect.
 */
export const METHODS: Readonly<Record<DriftMethod, MethodInfo>> = {
  ks: { types: ['numerical'], test: true, effectSize: 'ks_statistic', minEffect: 0.05 },
  cvm: { types: ['numerical'], test: true, effectSize: 'cdf_rms_distance', minEffect: 0.04 },
  wasserstein: { types: ['numerical'], test: false, effectSize: 'wasserstein_over_reference_std', minEffect: 0.1 },
  chisquare: { types: ['categorical'], test: true, effectSize: 'cramers_v', minEffect: 0.1 },
  psi: { types: ['numerical', 'categorical'], test: false, effectSize: 'psi', minEffect: 0.1 },
  js: { types: ['numerical', 'categorical'], test: false, effectSize: 'jensen_shannon_distance', minEffect: 0.1 },
};

/** Up to this many values in the smaller sample the auto rule picks a test (KS, chi-square); beyond, a distance. */
export const AUTO_TEST_MAX_VALUES = 10_000;
/** Auto picks Jensen–Shannon for a categorical column only with at least this many values per category. */
export const JS_MIN_VALUES_PER_CATEGORY = 200;
/** A numerical column with at most this many distinct values (both samples together) is treated as categorical. */
export const CATEGORICAL_MAX_DISTINCT = 5;
/** …or, when all its values are integers, at most this many (given ≥ 5 values per category in each sample). */
export const CATEGORICAL_MAX_DISTINCT_INTEGERS = 20;

/**
 * The default method of a column:
 * - numerical: KS when the smaller sample has ≤ 10,000 values, else Wasserstein (normalised by the reference std);
 * - categorical: chi-square, unless the smaller sample has > 10,000 values AND at least 200 values per category,
 *   then Jensen–Shannon.
 */
export function autoMethod(type: FeatureType, nReference: number, nCurrent: number, categories = 0): DriftMethod {
  const smaller = Math.min(nReference, nCurrent);
  if (type === 'numerical') return smaller <= AUTO_TEST_MAX_VALUES ? 'ks' : 'wasserstein';
  if (smaller <= AUTO_TEST_MAX_VALUES || smaller < JS_MIN_VALUES_PER_CATEGORY * categories) return 'chisquare';
  return 'js';
}

/** Whether a numerical column should be analysed as categorical, from its distinct values and sample sizes. */
export function looksCategorical(distinct: number, integers: boolean, nReference: number, nCurrent: number): boolean {
  if (distinct <= CATEGORICAL_MAX_DISTINCT) return true;
  return integers && distinct <= CATEGORICAL_MAX_DISTINCT_INTEGERS && Math.min(nReference, nCurrent) >= 5 * distinct;
}

export function appliesTo(method: DriftMethod, type: FeatureType): boolean {
  return METHODS[method].types.includes(type);
}

/** Parses a --method value (or a per-column override). */
export function parseMethodChoice(value: string, where = 'method'): MethodChoice {
  if (value === 'auto' || (DRIFT_METHODS as readonly string[]).includes(value)) return value as MethodChoice;
  throw invalidArgument(`${where} ${JSON.stringify(value)} is unknown: use auto, ${DRIFT_METHODS.join(', ')}`);
}

export function parseFeatureType(value: string, where = 'type'): FeatureType {
  if ((FEATURE_TYPES as readonly string[]).includes(value)) return value as FeatureType;
  throw invalidArgument(`${where} ${JSON.stringify(value)} is unknown: use numerical or categorical`);
}
