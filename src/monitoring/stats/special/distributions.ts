import { erf, erfc } from './error-function.js';
import { regularizedGammaQ } from './incomplete-gamma.js';

/**
 * Distribution functions built on the special functions, each the one SciPy calls.
 */

/**
 * The standard normal CDF Φ(a), exactly as scipy.special.ndtr evaluates it: x = a/√2; for |x| < 1/√2,
 * ½ + ½ erf(x); otherwise ½ erfc(|x|), reflected for x > 0.
 */
export function normalCdf(a: number): number {
  const x = a * Math.SQRT1_2;
  const z = Math.abs(x);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(z);
  return x > 0 ? 1 - y : y;
}

/** The standard normal survival function 1 − Φ(z) = Φ(−z) (scipy.stats.norm.sf), accurate in the upper tail. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

/**
 * The chi-square survival function P(χ²_dof ≥ x) = Q(dof/2, x/2) (scipy.stats.chi2.sf, i.e. scipy.special.chdtrc),
 * for dof > 0: 1 for x ≤ 0.
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}
