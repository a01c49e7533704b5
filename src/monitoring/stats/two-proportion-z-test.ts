import { invalidArgument } from '../../core/errors.js';
import { normalSf } from './special/distributions.js';

export interface TwoProportionZResult {
  /** (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)); 0 when p̂ is 0 or 1. */
  z: number;
  /** Two-sided: 2 · P(Z ≥ |z|) with the normal survival function (accurate far into the tail). */
  pvalue: number;
  /** p₁ − p₂. */
  difference: number;
  /** p̂ = (x₁ + x₂) / (n₁ + n₂). */
  pooledProportion: number;
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw invalidArgument(`${name} is ${String(value)}: expected an integer in [0, ${max}]`);
  }
}

/**
 * Pooled two-proportion z-test of H₀: p₁ = p₂ (e.g. the rate of a class or of missing values in the reference
 * against production), with p₁ = x₁/n₁, p₂ = x₂/n₂, the pooled p̂ = (x₁ + x₂)/(n₁ + n₂) and
 *
 *     z = (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)),   p-value = 2 · norm.sf(|z|)
 *
 * — the same numbers as statsmodels' `proportions_ztest(..., alternative='two-sided')` and as
 * `2 * scipy.stats.norm.sf(abs(z))`. When p̂ is 0 or 1 both samples are all failures or all successes: the formula is
 * 0/0 (NaN in NumPy) and this returns z = 0, p = 1.
 *
 * @throws OspreyError INVALID_ARGUMENT unless n₁, n₂ ≥ 1 and 0 ≤ xᵢ ≤ nᵢ are integers.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TwoProportionZResult {
  for (const [name, n] of [
    ['n1', n1],
    ['n2', n2],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw invalidArgument(`${name} is ${String(n)}: expected an integer ≥ 1`);
  }
  checkCount('x1', x1, n1);
  checkCount('x2', x2, n2);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const p = (x1 + x2) / (n1 + n2);
  const difference = p1 - p2;
  if (p === 0 || p === 1) return { z: 0, pvalue: 1, difference, pooledProportion: p };
  const z = (p1 - p2) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return { z, pvalue: Math.min(2 * normalSf(Math.abs(z)), 1), difference, pooledProportion: p };
}
