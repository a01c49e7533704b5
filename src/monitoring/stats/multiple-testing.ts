import { invalidArgument } from '../../core/errors.js';
import type { NumericSample } from './validate.js';

/**
 * Corrections of p-values for testing m features at once. Both return adjusted p-values in the input order;
 * reject feature i at level α when adjusted[i] ≤ α. An empty list gives an empty result.
 */

function checkPValues(pvalues: NumericSample): void {
  for (let i = 0; i < pvalues.length; i++) {
    const p = pvalues[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw invalidArgument(`pvalues[${i}] is ${String(p)}: p-values must be numbers in [0, 1]`, { index: i });
    }
  }
}

/** Bonferroni: min(1, m · pᵢ). Controls the family-wise error rate. */
export function bonferroni(pvalues: NumericSample): Float64Array {
  checkPValues(pvalues);
  const m = pvalues.length;
  return Float64Array.from(pvalues as ArrayLike<number>, (p) => Math.min(p * m, 1));
}

/**
 * Benjamini–Hochberg adjusted p-values (false discovery rate), equal to
 * `scipy.stats.false_discovery_control(p, method='bh')`: with p₍₁₎ ≤ … ≤ p₍ₘ₎ sorted,
 * q₍ᵢ₎ = min_{j ≥ i} p₍ⱼ₎ · (m / j), clipped to [0, 1], returned in the input order. A single p-value is returned
 * unchanged, as SciPy does.
 */
export function benjaminiHochberg(pvalues: NumericSample): Float64Array {
  checkPValues(pvalues);
  const m = pvalues.length;
  const out = Float64Array.from(pvalues as ArrayLike<number>);
  if (m <= 1) return out;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => out[a]! - out[b]!);
  const adjusted = new Float64Array(m);
  for (let i = 0; i < m; i++) adjusted[i] = out[order[i]!]! * (m / (i + 1));
  for (let i = m - 2; i >= 0; i--) adjusted[i] = Math.min(adjusted[i]!, adjusted[i + 1]!);
  for (let i = 0; i < m; i++) out[order[i]!] = Math.min(Math.max(adjusted[i]!, 0), 1);
  return out;
}
