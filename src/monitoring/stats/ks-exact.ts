import { binomial } from './special/gamma.js';
import { roundHalfEven } from './validate.js';

/**
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic by lattice-path counting, as in
 * scipy.stats._stats_py (`_compute_prob_outside_square`, `_count_paths_outside_method`,
 * `_attempt_exact_2kssamp`) and scipy.stats._stats_pythran (`_compute_outer_prob_inside_method`), after
 * Hodges (1958) and, for the two-sided n₁ ≠ n₂ case, Viehmann's recursion for 1 − p (arXiv:2102.08037).
 * The statistic is measured in units of 1/lcm(n₁, n₂): h = round(d · lcm).
 */

export type KsAlternative = 'two-sided' | 'less' | 'greater';

export interface ExactAttempt {
  /** False when the computation overflowed or left [0, 1]: the caller falls back to the asymptotic p-value. */
  success: boolean;
  /** The statistic snapped to the lattice: h / lcm(n₁, n₂). */
  d: number;
  prob: number;
}

/** ⌊a / b⌋ for integers (Python's //), exact for |a|, |b| < 2⁵³. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/** P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^{k+1} C(2n, n − kh) / C(2n, n), in Horner form (no cancellation). */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Number of monotone lattice paths from (0, 0) to (m, n) that touch the line m·y ≤ n·x − h·g
 * (one-sided exceedance), as a double; may overflow to ±∞ or NaN, which the caller treats as failure.
 */
export function countPathsOutside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  const lxj = n + floorDiv(mg - h, mg);
  if (lxj <= 0) return binomial(m + n, n);
  const xj = new Float64Array(lxj);
  for (let j = 0; j < lxj; j++) xj[j] = floorDiv(h + mg * j + ng - 1, ng);
  const B = new Float64Array(lxj);
  B[0] = 1;
  for (let j = 1; j < lxj; j++) {
    let Bj = binomial(xj[j]! + j, j);
    for (let i = 0; i < j; i++) Bj -= binomial(xj[j]! - xj[i]! + j - i, j - i) * B[i]!;
    if (!Number.isFinite(Bj)) return Number.NaN; // overflow: SciPy raises FloatingPointError here or just after
    B[j] = Bj;
  }
  let paths = 0;
  for (let j = 0; j < lxj; j++) paths += B[j]! * binomial(m - xj[j]! + (n - j), n - j);
  return paths;
}

/**
 * Two-sided p-value P(D ≥ h/lcm) for n₁ ≠ n₂: the proportion of paths that leave the band
 * |x/m − y/n| < h/lcm, computed directly as 1 − (inside proportion) by a column recursion.
 */
export function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, Math.min(maxj, lenA));
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}

/** scipy's `_attempt_exact_2kssamp`: the exact p-value, or failure (overflow, or a value outside [0, 1]). */
export function attemptExact(n1: number, n2: number, g: number, d: number, alternative: KsAlternative): ExactAttempt {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = (h * 1.0) / lcm;
  if (h === 0) return { success: true, d: snapped, prob: 1 };
  let prob: number;
  if (alternative === 'two-sided') {
    prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  } else if (n1 === n2) {
    // binom(2n, n − h) / binom(2n, n) as a product.
    prob = 1;
    for (let j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1);
  } else {
    // Every count is at most C(n₁+n₂, n₁): when that overflows the counting would too (SciPy then fails as well).
    const all = binomial(n1 + n2, n1);
    if (!Number.isFinite(all)) return { success: false, d: snapped, prob: Number.NaN };
    const paths = countPathsOutside(n1, n2, g, h);
    if (!Number.isFinite(paths) || paths > all) return { success: false, d: snapped, prob: Number.NaN };
    prob = paths / all;
  }
  if (!(prob >= 0 && prob <= 1)) return { success: false, d: snapped, prob };
  return { success: true, d: snapped, prob };
}
