import { invalidArgument } from '../../core/errors.js';
import { proportions } from './psi.js';
import type { NumericSample } from './validate.js';

/** x ln(x/y) with 0 ln(0/y) = 0 (scipy.special.rel_entr for x ≥ 0, y > 0). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/**
 * Jensen–Shannon distance between two binned distributions, equal to
 * `scipy.spatial.distance.jensenshannon(p, q, base)` (default base 2, so the distance lies in [0, 1]):
 *
 *     m = (p + q)/2,  JS = √( (KL(p‖m) + KL(q‖m)) / (2 ln base) )
 *
 * after normalising p and q to sum to 1. No floor is needed: empty bins contribute 0. Where rounding makes the
 * divergence a hair below 0 (nearly identical inputs) SciPy returns NaN; this returns 0.
 *
 * @throws OspreyError INVALID_ARGUMENT for different lengths, negative or non-finite entries, a zero sum, or a
 *   base ≤ 1.
 */
export function jensenShannonDistance(p: NumericSample, q: NumericSample, options: { base?: number } = {}): number {
  const base = options.base ?? 2;
  if (!(base > 1 && Number.isFinite(base))) throw invalidArgument(`base must be a finite number > 1, got ${base}`);
  if (p.length !== q.length) throw invalidArgument(`p has ${p.length} bins, q ${q.length}`);
  const pn = proportions('p', p);
  const qn = proportions('q', q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < pn.length; i++) {
    const m = (pn[i]! + qn[i]!) / 2.0;
    left += relEntr(pn[i]!, m);
    right += relEntr(qn[i]!, m);
  }
  const js = (left + right) / Math.log(base);
  return Math.sqrt(Math.max(js / 2.0, 0));
}
