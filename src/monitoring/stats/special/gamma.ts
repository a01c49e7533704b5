/**
 * The gamma function on the positive axis, in logarithms: ln Γ(x), the Stirling remainder and binomial
 * coefficients. Accurate to about 1e-15 absolute in ln Γ (so ~1e-15 relative in anything exponentiated from it).
 */

/** ln √(2π). */
export const LOG_SQRT_2PI = 0.9189385332046728;

/**
 * Stirling series coefficients B₂ₖ / (2k(2k−1)) for k = 1…9, from the Bernoulli numbers
 * B₂ = 1/6, B₄ = −1/30, B₆ = 1/42, B₈ = −1/30, B₁₀ = 5/66, B₁₂ = −691/2730, B₁₄ = 7/6, B₁₆ = −3617/510,
 * B₁₈ = 43867/798.
 */
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
  43867 / 244188,
];

/** Below this the Stirling series is not used directly (its first omitted term is < 2e-19 relative at 10). */
const STIRLING_MIN = 10;

/**
 * The Stirling remainder μ(x) = ln Γ(x) − [(x − ½) ln x − x + ln √(2π)], so that
 * Γ(x + 1) = √(2πx) xˣ e⁻ˣ e^{μ(x)}. Series for x ≥ 10, otherwise from {@link logGamma}.
 */
export function stirlingRemainder(x: number): number {
  if (x >= STIRLING_MIN) {
    const y = 1 / (x * x);
    let sum = STIRLING[STIRLING.length - 1]!;
    for (let k = STIRLING.length - 2; k >= 0; k--) sum = sum * y + STIRLING[k]!;
    return sum / x;
  }
  return logGamma(x) - ((x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI);
}

/** (k − 1)! for k = 1…23, exact in binary64. */
const FACTORIALS: number[] = [1];
for (let k = 1; k <= 22; k++) FACTORIALS.push(FACTORIALS[k - 1]! * k);

/**
 * ln Γ(x) for x > 0 (scipy.special.gammaln on the positive axis). Exact factorials for the integers 1…23,
 * the Stirling series for x ≥ 10, and the recurrence Γ(x) = Γ(x + k) / (x(x+1)…(x+k−1)) below 10.
 * Returns +∞ at 0 and NaN for negative or NaN arguments.
 */
export function logGamma(x: number): number {
  if (!(x >= 0)) return Number.NaN;
  if (x === 0) return Number.POSITIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (Number.isInteger(x) && x <= 23) return Math.log(FACTORIALS[x - 1]!);
  if (x >= STIRLING_MIN) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingRemainder(x);
  let product = 1;
  let shifted = x;
  while (shifted < STIRLING_MIN) {
    product *= shifted;
    shifted += 1;
  }
  return logGamma(shifted) - Math.log(product);
}

/** ln C(n, k) for real n ≥ k ≥ 0. */
export function logBinomial(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * The binomial coefficient C(n, k) for integers 0 ≤ k ≤ n as a double (+∞ once it exceeds the double range),
 * like scipy.special.binom on integers: the product formula for small k, exp(ln C) otherwise.
 */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  if (kk < 30) {
    let num = 1;
    let den = 1;
    for (let i = 1; i <= kk; i++) {
      num *= n - kk + i;
      den *= i;
      if (num > 1e50) {
        num /= den;
        den = 1;
      }
    }
    return num / den;
  }
  return Math.exp(logBinomial(n, kk));
}

/**
 * ln(1 + t) − t for t > −1, without cancellation near 0: with s = t / (2 + t),
 * ln(1 + t) − t = −s·t + 2(s³/3 + s⁵/5 + …).
 */
export function log1pmx(t: number): number {
  if (Math.abs(t) > 0.5) return Math.log1p(t) - t;
  const s = t / (2 + t);
  const s2 = s * s;
  let power = s * s2;
  let sum = 0;
  for (let k = 3; ; k += 2) {
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    power *= s2;
  }
  return -s * t + 2 * sum;
}
