import { invalidArgument } from '../../core/errors.js';
import type { NumericSample } from './validate.js';

/** Floor applied to each bin's proportion before the logarithm of PSI (an empty bin counts as 0.01 %). */
export const PSI_FLOOR = 1e-4;

/** Proportions of a vector of non-negative bin counts (or weights), refusing empty or invalid input. */
export function proportions(name: string, counts: NumericSample): Float64Array {
  if (counts.length === 0) throw invalidArgument(`${name} has no bins`);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
      throw invalidArgument(`${name}[${i}] is ${String(c)}: bin counts must be finite and ≥ 0`);
    }
    total += c;
  }
  if (!(total > 0)) throw invalidArgument(`${name} is empty: the bin counts sum to 0`);
  return Float64Array.from(counts as ArrayLike<number>, (c) => c / total);
}

/**
 * Population stability index of binned data (natural logarithm):
 *
 *     PSI = Σᵢ (qᵢ − pᵢ) · ln(qᵢ / pᵢ),   pᵢ = max(refᵢ / Σref, floor), qᵢ = max(curᵢ / Σcur, floor)
 *
 * with p the reference and q the current proportions; the floor (default {@link PSI_FLOOR} = 1e-4) keeps empty
 * bins finite and the floored proportions are not renormalised. Rules of thumb: < 0.1 stable, 0.1–0.25 moderate
 * shift, > 0.25 major shift. Bins come from binning.ts.
 *
 * @throws OspreyError INVALID_ARGUMENT for different bin counts, negative or non-finite counts, or an empty sample.
 */
export function populationStabilityIndex(
  referenceCounts: NumericSample,
  currentCounts: NumericSample,
  options: { floor?: number } = {},
): number {
  const floor = options.floor ?? PSI_FLOOR;
  if (!(floor > 0 && floor < 1)) throw invalidArgument(`floor must be in (0, 1), got ${floor}`);
  if (referenceCounts.length !== currentCounts.length) {
    throw invalidArgument(`referenceCounts has ${referenceCounts.length} bins, currentCounts ${currentCounts.length}`);
  }
  const p = proportions('referenceCounts', referenceCounts);
  const q = proportions('currentCounts', currentCounts);
  let psi = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = Math.max(p[i]!, floor);
    const qi = Math.max(q[i]!, floor);
    psi += (qi - pi) * Math.log(qi / pi);
  }
  return psi;
}
