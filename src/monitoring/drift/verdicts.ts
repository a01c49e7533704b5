import { benjaminiHochberg, bonferroni, twoProportionZTest } from '../stats/index.js';
import { missingTotal } from './column-input.js';
import { type DriftMethod, METHODS } from './methods.js';
import type { Correction, MissingCounts, MissingShareTest } from './types.js';

/** Minimum Cohen's h for a change in the missing share to count as drift (Cohen's "small" effect). */
export const MIN_MISSING_SHARE_EFFECT = 0.2;

/** Adjusted p-values in the input order; `none` returns them unchanged. */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  if (correction === 'bonferroni') return [...bonferroni(pValues)];
  if (correction === 'bh') return [...benjaminiHochberg(pValues)];
  return [...pValues];
}

/** The missing-share z-test of a column before correction (null when a side has no rows). */
export function missingShareTest(
  reference: MissingCounts,
  rowsReference: number,
  current: MissingCounts,
  rowsCurrent: number,
) {
  if (rowsReference === 0 || rowsCurrent === 0) return null;
  const x1 = missingTotal(reference);
  const x2 = missingTotal(current);
  const r = twoProportionZTest(x1, rowsReference, x2, rowsCurrent);
  const p1 = x1 / rowsReference;
  const p2 = x2 / rowsCurrent;
  const h = Math.abs(2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2)));
  return { reference, current, share_reference: p1, share_current: p2, z: r.z, p_value: r.pvalue, effect_size: h };
}

export type UnadjustedMissingTest = NonNullable<ReturnType<typeof missingShareTest>>;

/** The verdict on the missing share, given its adjusted p-value. */
export function judgeMissingShare(test: UnadjustedMissingTest, adjusted: number, alpha: number): MissingShareTest {
  return {
    ...test,
    p_value_adjusted: adjusted,
    drifted: adjusted <= alpha && test.effect_size >= MIN_MISSING_SHARE_EFFECT,
  };
}

/**
 * The verdict on the distribution: a test drifts when its adjusted p-value is ≤ alpha AND its effect size reaches the
 * method's minimum; a distance when its effect size reaches the minimum. A significant test with a smaller effect gets
 * a note saying so (the large-sample case).
 */
export function judgeDistribution(
  method: DriftMethod | null,
  effectSize: number | null,
  adjusted: number | null,
  alpha: number,
  notes: string[],
): boolean {
  if (method === null || effectSize === null) return false;
  const info = METHODS[method];
  const bigEnough = effectSize >= info.minEffect;
  if (!info.test) return bigEnough;
  const significant = adjusted !== null && adjusted <= alpha;
  if (significant && !bigEnough) {
    notes.push(
      `significant (adjusted p = ${adjusted.toPrecision(3)}) but ${info.effectSize} ${effectSize.toPrecision(3)} ` +
        `< ${info.minEffect}: too small to call drift`,
    );
  }
  return significant && bigEnough;
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
