import { invalidArgument } from '../../core/errors.js';
import { checkSample, countAtMost, type NumericSample } from './validate.js';

export interface WassersteinOptions {
  /** Non-negative weights of the reference values (same length, positive finite sum); default equal weights. */
  referenceWeights?: NumericSample;
  /** Non-negative weights of the current values; default equal weights. */
  currentWeights?: NumericSample;
}

export interface WassersteinResult {
  /** W₁(reference, current), as scipy.stats.wasserstein_distance. */
  distance: number;
  /** Standard deviation of the reference distribution with ddof = 0 (weighted when weights are given). */
  referenceStd: number;
  /**
   * distance / referenceStd: the shift in units of the reference's spread. 0 when both are 0; +∞ when the reference
   * is constant and the distance is positive.
   */
  effectSize: number;
}

function checkWeights(name: string, weights: NumericSample, length: number): void {
  checkSample(name, weights);
  if (weights.length !== length) {
    throw invalidArgument(`${name} has ${weights.length} weights for ${length} values: give one weight per value`);
  }
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! < 0) throw invalidArgument(`${name}[${i}] is ${weights[i]}: weights must be ≥ 0`);
    sum += weights[i]!;
  }
  if (!(sum > 0 && Number.isFinite(sum))) throw invalidArgument(`${name} must have a positive, finite sum`);
}

/** Values sorted ascending with their cumulative weights: cum[i] = weight of the i smallest values (cum[0] = 0). */
function sortedWithCumulative(values: NumericSample, weights: NumericSample | undefined) {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  let cum: Float64Array | null = null;
  if (weights) {
    cum = new Float64Array(values.length + 1);
    for (let i = 0; i < order.length; i++) cum[i + 1] = cum[i]! + weights[order[i]!]!;
  }
  return { sorted, cum };
}

/**
 * The 1-Wasserstein (earth mover's) distance between two empirical distributions, equal to
 * `scipy.stats.wasserstein_distance(u, v, uWeights, vWeights)`:
 *
 *     W₁ = ∫ |F_u(x) − F_v(x)| dx = Σᵢ |F_u(zᵢ) − F_v(zᵢ)| (zᵢ₊₁ − zᵢ)
 *
 * over the sorted pooled values z, with F the (weighted) ECDF: weight of values ≤ z over the total weight.
 *
 * @throws OspreyError INVALID_ARGUMENT for an empty sample, a non-finite value, or bad weights.
 */
export function wassersteinDistance(
  u: NumericSample,
  v: NumericSample,
  uWeights?: NumericSample,
  vWeights?: NumericSample,
): number {
  checkSample('u', u);
  checkSample('v', v);
  if (uWeights !== undefined) checkWeights('uWeights', uWeights, u.length);
  if (vWeights !== undefined) checkWeights('vWeights', vWeights, v.length);
  const a = sortedWithCumulative(u, uWeights);
  const b = sortedWithCumulative(v, vWeights);
  const all = new Float64Array(u.length + v.length);
  all.set(a.sorted);
  all.set(b.sorted, u.length);
  all.sort();
  const cdf = (s: { sorted: Float64Array; cum: Float64Array | null }, z: number) => {
    const index = countAtMost(s.sorted, z);
    return s.cum ? s.cum[index]! / s.cum[s.cum.length - 1]! : index / s.sorted.length;
  };
  let total = 0;
  for (let i = 0; i < all.length - 1; i++) {
    const delta = all[i + 1]! - all[i]!;
    if (delta === 0) continue;
    total += Math.abs(cdf(a, all[i]!) - cdf(b, all[i]!)) * delta;
  }
  return total;
}

/** Standard deviation with ddof = 0, weighted or not, computed around the first value (exactly 0 for constants). */
export function populationStd(values: NumericSample, weights?: NumericSample): number {
  const x0 = values[0]!;
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    sw += w;
    swx += w * (values[i]! - x0);
  }
  const mean = swx / sw;
  let swd = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    const dev = values[i]! - x0 - mean;
    swd += w * dev * dev;
  }
  return Math.sqrt(swd / sw);
}

/**
 * Drift of a numeric feature as W₁(reference, current) ({@link wassersteinDistance}) and its effect size
 * W₁ / σ_ref, where σ_ref is the reference's standard deviation with ddof = 0 — the spread of the same empirical
 * distribution W₁ is measured on (weighted when reference weights are given). An effect size of 0.1 means the
 * distributions are a tenth of a reference standard deviation apart (for a pure shift, W₁ equals the shift).
 */
export function wassersteinDrift(
  reference: NumericSample,
  current: NumericSample,
  options: WassersteinOptions = {},
): WassersteinResult {
  const distance = wassersteinDistance(reference, current, options.referenceWeights, options.currentWeights);
  const referenceStd = populationStd(reference, options.referenceWeights);
  const effectSize = referenceStd > 0 ? distance / referenceStd : distance === 0 ? 0 : Number.POSITIVE_INFINITY;
  return { distance, referenceStd, effectSize };
}
