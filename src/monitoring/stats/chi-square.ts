import { invalidArgument } from '../../core/errors.js';
import { chiSquareSf } from './special/distributions.js';

/** Counts per category: a Map or a plain object from category to a non-negative count. */
export type CategoryCounts = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface ChiSquareResult {
  /** Pearson's X² over the 2×k table (Yates-corrected when dof = 1). */
  statistic: number;
  /** P(χ²_dof ≥ statistic); 1 when dof = 0. */
  pvalue: number;
  /** k − 1, with k the number of categories seen in either sample. */
  dof: number;
  /** The union of categories, in table order: the reference's, then those only the current sample has. */
  categories: string[];
  /** Categories the current sample has and the reference never had (count 0 or absent there). */
  unseenInReference: string[];
  /** Categories the reference has and the current sample lacks. */
  missingInCurrent: string[];
  /** Whether Yates' continuity correction was applied (SciPy applies it exactly when dof = 1). */
  yatesCorrection: boolean;
}

function entries(counts: CategoryCounts): [string, number][] {
  return counts instanceof Map ? [...counts.entries()] : Object.entries(counts as Record<string, number>);
}

function checkCounts(name: string, counts: CategoryCounts): [string, number][] {
  if (counts === null || typeof counts !== 'object') throw invalidArgument(`${name} must be a map of counts`);
  const list = entries(counts);
  for (const [category, count] of list) {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw invalidArgument(`${name}[${JSON.stringify(category)}] is ${String(count)}: counts must be finite and ≥ 0`, {
        sample: name,
        category,
      });
    }
  }
  if (!list.some(([, count]) => count > 0)) {
    throw invalidArgument(`${name} is empty: at least one category needs a positive count`, { sample: name });
  }
  return list;
}

/** Counts of each distinct value (as a string: `String(value)`, so null → "null"), in order of first appearance. */
export function countCategories(values: Iterable<string | number | boolean | null | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Chi-square test of homogeneity of a categorical feature, equal to `scipy.stats.chi2_contingency(table)` with its
 * defaults (`correction=True`, Pearson's statistic) on the 2×k table [reference counts; current counts] over the
 * union of categories.
 *
 * Definition: expected Eᵢⱼ = rowᵢ · colⱼ / total; dof = k − 1; X² = Σ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ; when dof = 1 each Oᵢⱼ first
 * moves toward Eᵢⱼ by min(½, |Oᵢⱼ − Eᵢⱼ|) (Yates, as SciPy); when dof = 0 (one category) X² = 0 and p = 1.
 * p = Q(dof/2, X²/2), the chi-square survival function (special/incomplete-gamma.ts), accurate far into the tail.
 *
 * A category the reference never had is listed in `unseenInReference`; the statistic stays finite (its expected
 * count is positive because the current sample has it). Categories with a zero count in both samples are ignored.
 *
 * @throws OspreyError INVALID_ARGUMENT when a sample has no positive count, or a count is negative or not finite.
 */
export function chiSquareHomogeneity(reference: CategoryCounts, current: CategoryCounts): ChiSquareResult {
  const ref = new Map(checkCounts('reference', reference));
  const cur = new Map(checkCounts('current', current));
  const categories: string[] = [];
  for (const [c, n] of ref) if (n > 0 || (cur.get(c) ?? 0) > 0) categories.push(c);
  for (const [c, n] of cur) if (!ref.has(c) && n > 0) categories.push(c);
  const k = categories.length;
  const observed = [categories.map((c) => ref.get(c) ?? 0), categories.map((c) => cur.get(c) ?? 0)];
  const rows = observed.map((row) => row.reduce((a, b) => a + b, 0));
  const total = rows[0]! + rows[1]!;
  const cols = categories.map((_, j) => observed[0]![j]! + observed[1]![j]!);
  const unseenInReference = categories.filter((c) => (ref.get(c) ?? 0) === 0);
  const missingInCurrent = categories.filter((c) => (cur.get(c) ?? 0) === 0);
  const dof = k - 1;
  const base = { dof, categories, unseenInReference, missingInCurrent };
  if (dof === 0) return { statistic: 0, pvalue: 1, ...base, yatesCorrection: false };

  let statistic = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < k; j++) {
      const expected = (rows[i]! * cols[j]!) / total;
      let obs = observed[i]![j]!;
      if (dof === 1) {
        const diff = expected - obs;
        obs += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      statistic += (obs - expected) ** 2 / expected;
    }
  }
  return { statistic, pvalue: chiSquareSf(statistic, dof), ...base, yatesCorrection: dof === 1 };
}
