import { invalidArgument } from '../../core/errors.js';
import { attemptExact, type KsAlternative } from './ks-exact.js';
import { kolmogorovSf } from './special/kolmogorov.js';
import { checkSample, countAtMost, type NumericSample, roundHalfEven, sortedCopy } from './validate.js';

export type { KsAlternative } from './ks-exact.js';

/** How the p-value is computed: SciPy's `method` of ks_2samp. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsTwoSampleOptions {
  /** 'two-sided' (default): F ≠ G; 'less': F(x) < G(x) somewhere; 'greater': F(x) > G(x) somewhere. */
  alternative?: KsAlternative;
  /** 'auto' (default): exact when max(n₁, n₂) ≤ 10000, asymptotic otherwise. */
  method?: KsMethod;
}

export interface KsTwoSampleResult {
  /** D, D⁺ or D⁻ (see {@link ksTwoSample}); in the exact method snapped to the lattice h / lcm(n₁, n₂). */
  statistic: number;
  pvalue: number;
  /** The observation (from either sample) where the ECDF distance is attained. */
  statisticLocation: number;
  /** +1 when ECDF₁ exceeds ECDF₂ at the location, −1 otherwise. */
  statisticSign: 1 | -1;
  /** The method that produced the p-value. */
  method: 'exact' | 'asymp';
  /** Why an exact computation was replaced by the asymptotic one (SciPy warns with the same reason), else null. */
  fallback: string | null;
}

/** 'auto' is exact up to this sample size (SciPy's MAX_AUTO_N). */
export const KS_MAX_AUTO_EXACT_N = 10000;
const INT32_MAX = 2147483647;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Two-sample Kolmogorov–Smirnov test, equal to `scipy.stats.ks_2samp(sample1, sample2, alternative, method)`.
 *
 * With ECDFs F₁, F₂ evaluated at every observation of both samples (ties handled by counting values ≤ x):
 * D⁺ = max(F₁ − F₂) ('greater'), D⁻ = max(F₂ − F₁) ('less'), D = max(D⁺, D⁻) ('two-sided', D⁻ winning only when
 * strictly larger). P-values:
 *
 * - exact: lattice-path counts (see ks-exact.ts); the two-sided exact p-value is computed as 1 − P(inside) and so
 *   bottoms out near 1e-16, like SciPy's.
 * - asymp, two-sided: `kstwo.sf(D, round(n₁n₂/(n₁+n₂)))` (rounding half to even), the finite-n Kolmogorov
 *   distribution (special/kolmogorov.ts).
 * - asymp, one-sided: Hodges' (1958) eq. 5.3, exp(−2z² − 2z(m + 2n)/(3√(mn(m+n)))) with z = D√(mn/(m+n)),
 *   m = max(n₁, n₂), n = min(n₁, n₂).
 * - fallback exactly as SciPy: 'exact' with lcm too large (n₁/g ≥ (2³¹−1)/(n₂/g)), or an exact computation that
 *   overflows or leaves [0, 1], switches to asymp and says why in `fallback`.
 *
 * One deliberate difference: for n₁ = n₂ = 1 the asymptotic two-sided p-value is SciPy's NaN (kstwo with n =
 * round(0.5) = 0); here it is 1, the exact p-value for that case.
 *
 * @throws OspreyError INVALID_ARGUMENT for an empty sample, a non-finite value, or an unknown option.
 */
export function ksTwoSample(
  sample1: NumericSample,
  sample2: NumericSample,
  options: KsTwoSampleOptions = {},
): KsTwoSampleResult {
  const alternative = options.alternative ?? 'two-sided';
  let method: KsMethod = options.method ?? 'auto';
  if (!['two-sided', 'less', 'greater'].includes(alternative)) {
    throw invalidArgument(`alternative must be 'two-sided', 'less' or 'greater', got ${String(alternative)}`);
  }
  if (!['auto', 'exact', 'asymp'].includes(method)) {
    throw invalidArgument(`method must be 'auto', 'exact' or 'asymp', got ${String(method)}`);
  }
  checkSample('sample1', sample1);
  checkSample('sample2', sample2);
  const data1 = sortedCopy(sample1);
  const data2 = sortedCopy(sample2);
  const n1 = data1.length;
  const n2 = data2.length;

  // cddiffs over data_all = [data1, data2]; first arg-min and arg-max in that order, as numpy's argmin/argmax.
  let minDiff = Number.POSITIVE_INFINITY;
  let maxDiff = Number.NEGATIVE_INFINITY;
  let minLocation = Number.NaN;
  let maxLocation = Number.NaN;
  for (const part of [data1, data2]) {
    for (let i = 0; i < part.length; i++) {
      const v = part[i]!;
      const diff = countAtMost(data1, v) / n1 - countAtMost(data2, v) / n2;
      if (diff < minDiff) {
        minDiff = diff;
        minLocation = v;
      }
      if (diff > maxDiff) {
        maxDiff = diff;
        maxLocation = v;
      }
    }
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  const maxS = maxDiff;
  let d: number;
  let location: number;
  let sign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && minS > maxS)) {
    d = minS;
    location = minLocation;
    sign = -1;
  } else {
    d = maxS;
    location = maxLocation;
    sign = 1;
  }

  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let prob = Number.NEGATIVE_INFINITY;
  let fallback: string | null = null;
  if (method === 'auto') {
    method = Math.max(n1, n2) <= KS_MAX_AUTO_EXACT_N ? 'exact' : 'asymp';
  } else if (method === 'exact' && n1g >= INT32_MAX / n2g) {
    method = 'asymp';
    fallback = `Exact ks_2samp calculation not possible with samples sizes ${n1} and ${n2}. Switching to 'asymp'.`;
  }
  if (method === 'exact') {
    const attempt = attemptExact(n1, n2, g, d, alternative);
    d = attempt.d;
    prob = attempt.prob;
    if (!attempt.success) {
      method = 'asymp';
      fallback = 'ks_2samp: Exact calculation unsuccessful. Switching to method=asymp.';
    }
  }
  if (method === 'asymp') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    if (alternative === 'two-sided') {
      const effective = roundHalfEven(en);
      prob = effective >= 1 ? kolmogorovSf(d, effective) : 1;
    } else {
      const z = Math.sqrt(en) * d;
      const expt = -2 * (z * z) - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3.0;
      prob = Math.exp(expt);
    }
  }
  return {
    statistic: d,
    pvalue: Math.min(Math.max(prob, 0), 1),
    statisticLocation: location,
    statisticSign: sign,
    method: method === 'exact' ? 'exact' : 'asymp',
    fallback,
  };
}
