import { type KsMethod, type KsTwoSampleResult, ksTwoSample, special } from '../stats/index.js';
import { sortFloat64 } from './sorted-sample.js';

/**
 * The two-sample Kolmogorov–Smirnov test without sorting the larger sample, two ways. When only D and its p-value are
 * wanted (drift reports), {@link ksExtremeDiffs} sorts neither sample (see there). When where D is attained is wanted
 * too ({@link ksExtremes}), only the smaller sample S is sorted, and each value x of the larger sample L is counted
 * into bin j = #{s ∈ S : s ≤ x}. From the bin counts,
 * F₁(v) − F₂(v) = #{x₁ ≤ v}/n₁ − #{x₂ ≤ v}/n₂ is known at every observation with the same integer counts
 * `ksTwoSample` uses, so the statistic, its location and sign are identical to it (and to `scipy.stats.ks_2samp`).
 * With 100,000 × 10,000 values this is several times cheaper than sorting both samples.
 *
 * Why a few candidates per bin suffice: inside bin j the count #{s ≤ v} is fixed and #{x ≤ v} grows with v, so over
 * the L values of a bin F₁ − F₂ is monotone and its extremes sit at the bin's ends. The end next to S[j−1] only matters
 * when it equals S[j−1] (otherwise the S value itself is more extreme), so each bin contributes its top value, the
 * value S[j−1] (as an L value when L holds copies of it, and as an S value), and nothing else.
 */

/** A location: a value, or "the largest L value of bin j" (found by one more pass, and only when asked). */
export type Location = { value: number } | { topOfBin: number };

/** Extremes of F₁ − F₂ over the observations, and the first observation attaining each in ksTwoSample's scan order. */
export interface KsExtremes {
  maxDiff: number;
  minDiff: number;
  maxAt: Location;
  minAt: Location;
  /** The value a Location stands for. */
  locate(at: Location): number;
}

/** Largest and smallest F₁ − F₂ over one sample's values, seen in ascending value order; first location kept on ties. */
class Extremes {
  max = Number.NEGATIVE_INFINITY;
  maxAt: Location = { value: Number.NaN };
  min = Number.POSITIVE_INFINITY;
  minAt: Location = { value: Number.NaN };
  see(diff: number, at: Location): void {
    if (diff > this.max) [this.max, this.maxAt] = [diff, at];
    if (diff < this.min) [this.min, this.minAt] = [diff, at];
  }
}

/** The extremes of F₁ − F₂ (both samples finite and non-empty), as ksTwoSample finds them. */
export function ksExtremes(sample1: Float64Array, sample2: Float64Array): KsExtremes {
  const largeIsFirst = sample1.length >= sample2.length;
  const large = largeIsFirst ? sample1 : sample2;
  const small = sortFloat64(largeIsFirst ? sample2 : sample1);
  const nL = large.length;
  const nS = small.length;
  const { count, equal } = binLargeSample(large, small);
  // F₁ − F₂ written exactly as ksTwoSample writes it: count₁/n₁ − count₂/n₂.
  const diff = (countL: number, countS: number) =>
    largeIsFirst ? countL / nL - countS / nS : countS / nS - countL / nL;
  const ofLarge = new Extremes();
  const ofSmall = new Extremes();
  let below = 0; // #{x ∈ L in bins < j}
  for (let j = 0; j <= nS; j++) {
    const lastCopyOfS = j > 0 && (j === nS || small[j] !== small[j - 1]);
    if (lastCopyOfS) {
      const atS = diff(below + equal[j]!, j);
      if (equal[j]! > 0) ofLarge.see(atS, { value: small[j - 1]! });
      ofSmall.see(atS, { value: small[j - 1]! });
    }
    if (count[j]! > 0) ofLarge.see(diff(below + count[j]!, j), { topOfBin: j });
    below += count[j]!;
  }
  const first = largeIsFirst ? ofLarge : ofSmall;
  const second = largeIsFirst ? ofSmall : ofLarge;
  return {
    maxDiff: Math.max(first.max, second.max),
    minDiff: Math.min(first.min, second.min),
    maxAt: first.max >= second.max ? first.maxAt : second.maxAt,
    minAt: first.min <= second.min ? first.minAt : second.minAt,
    locate: (at) => ('value' in at ? at.value : topOfBin(large, small, at.topOfBin)),
  };
}

/**
 * Products n_L·n_S up to this keep the integer gaps between F₁ − F₂ values (multiples of 1/(n_L·n_S)) wider than the
 * rounding error of a double count₁/n₁ − count₂/n₂ (≤ 3·2⁻⁵³), so ordering by the exact integer never contradicts
 * ordering by the double: the pruning of {@link ksExtremeDiffs} is then exact.
 */
const PRUNING_MAX_PRODUCT = 2 ** 48;
/** Histogram buckets per value of the smaller sample in {@link ksExtremeDiffs}: a small table that stays in cache. */
const HISTOGRAM_FACTOR = 1;
/** At most this many buckets, so that bucket keys (0 … buckets + 1) fit in 16 bits. */
const MAX_BUCKETS = 65_533;

/**
 * The largest and smallest F₁ − F₂ over all observations (both samples finite and non-empty), bit for bit as
 * `ksTwoSample` computes them, without sorting either sample. Where the extremes are attained is not computed.
 *
 * Both samples are counted into equal-width buckets over the range of the smaller sample S (plus one bucket below and
 * one above it). With E = count_L·n_S − count_S·n_L (the exact integer multiple of F_L − F_S), the value at each
 * bucket's last observation is known from the cumulative counts, and inside a bucket E lies between
 * start_L·n_S − end_S·n_L and end_L·n_S − start_S·n_L. Only the buckets whose bound reaches the best end value can
 * hold a more extreme value; their values (typically a few hundred, found through the bucket keys kept from the
 * counting pass) are sorted and merged, giving F₁ − F₂ at each of their observations exactly.
 * The bucket below S holds only L values (E increasing and positive, while the minimum is ≤ 0) and the bucket above
 * only L values after every S value (E increasing to 0 from above the value at S's maximum): their extremes are
 * their ends. Falls back to {@link ksExtremes} when the buckets cannot be formed (S constant, a range overflowing
 * doubles) or n_L·n_S is too large for the integer argument.
 */
export function ksExtremeDiffs(sample1: Float64Array, sample2: Float64Array): { maxDiff: number; minDiff: number } {
  const largeIsFirst = sample1.length >= sample2.length;
  const large = largeIsFirst ? sample1 : sample2;
  const small = largeIsFirst ? sample2 : sample1;
  const nL = large.length;
  const nS = small.length;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nS; i++) {
    const v = small[i]!;
    if (v < first) first = v;
    if (v > last) last = v;
  }
  const buckets = Math.min(Math.max(1, Math.ceil(nS * HISTOGRAM_FACTOR)), MAX_BUCKETS);
  // Half a bucket is left above S's maximum: then (last − first)·scale + 1 < buckets + 1 whatever the rounding, so
  // every S value falls in 1 … buckets, and key buckets + 1 holds only values above S's maximum.
  const scale = (buckets - 0.5) / (last - first);
  if (!(scale > 0 && Number.isFinite(scale)) || nL * nS > PRUNING_MAX_PRODUCT) {
    const e = ksExtremes(sample1, sample2);
    return { maxDiff: e.maxDiff, minDiff: e.minDiff };
  }
  const keys: BucketKeys = { low: first, scale, above: buckets + 1 };
  // start[g] = #{key < g}: counted at g + 1, then summed.
  const keysL = new Uint16Array(nL); // kept for the second look at L
  const startL = countKeys(large, keys, keysL);
  const startS = countKeys(small, keys, null);
  const bounds = new Float64Array(2); // [max E, min E] over the bucket ends
  const extremes = bucketEnds(startL, startS, nL, nS, largeIsFirst, bounds);
  const candidate = new Uint8Array(keys.above + 1);
  const counts = markCandidates(startL, startS, nL, nS, bounds[0]!, bounds[1]!, candidate);
  const candidatesL = counts[0]!;
  const candidatesS = counts[1]!;
  if (candidatesL + candidatesS === 0) return extremes;
  const valuesL = gatherCandidates(large, keysL, candidate, candidatesL).sort();
  const valuesS =
    candidatesS > 0
      ? gatherCandidates(small, keyArray(small, keys), candidate, candidatesS).sort()
      : valuesL.subarray(0, 0);
  // Merge: every distinct value v of the candidate buckets, with #{≤ v} = the bucket's start + those seen in it.
  const { low, above } = keys;
  let { maxDiff, minDiff } = extremes;
  let i = 0;
  let k = 0;
  let bucket = -1;
  let baseI = 0;
  let baseK = 0;
  while (i < candidatesL || k < candidatesS) {
    const v = i < candidatesL && (k >= candidatesS || valuesL[i]! <= valuesS[k]!) ? valuesL[i]! : valuesS[k]!;
    const g = Math.min(Math.max((v - low) * scale + 1, 0), above) | 0;
    if (g !== bucket) {
      bucket = g;
      baseI = i;
      baseK = k;
    }
    while (i < candidatesL && valuesL[i]! <= v) i++;
    while (k < candidatesS && valuesS[k]! <= v) k++;
    const countL = startL[g]! + (i - baseI);
    const countS = startS[g]! + (k - baseK);
    const d = largeIsFirst ? countL / nL - countS / nS : countS / nS - countL / nL;
    if (d > maxDiff) maxDiff = d;
    if (d < minDiff) minDiff = d;
  }
  return { maxDiff, minDiff };
}

/**
 * The bucket key of {@link ksExtremeDiffs}: key(x) = min(max((x − low)·scale + 1, 0), above) truncated, monotone in
 * x — 0 only below the smaller sample's minimum `low` (where x − low < 0), `above` only above its maximum.
 */
interface BucketKeys {
  low: number;
  scale: number;
  above: number;
}

/**
 * start[g] = #{x : key(x) < g} for g = 0 … above + 1, and each value's key into `keyOut` when given. The hottest
 * loop: a function of its own, unrolled by four, with its constants in locals, keeps V8's code tight (a closure over
 * the caller's variables runs about 3× slower).
 */
function countKeys(values: Float64Array, keys: BucketKeys, keyOut: Uint16Array | null): Int32Array {
  const { low, scale, above } = keys;
  const start = new Int32Array(above + 2);
  const n = values.length;
  let i = 0;
  if (keyOut) {
    for (; i + 3 < n; i += 4) {
      const a = Math.min(Math.max((values[i]! - low) * scale + 1, 0), above) | 0;
      const b = Math.min(Math.max((values[i + 1]! - low) * scale + 1, 0), above) | 0;
      const c = Math.min(Math.max((values[i + 2]! - low) * scale + 1, 0), above) | 0;
      const d = Math.min(Math.max((values[i + 3]! - low) * scale + 1, 0), above) | 0;
      keyOut[i] = a;
      keyOut[i + 1] = b;
      keyOut[i + 2] = c;
      keyOut[i + 3] = d;
      start[a + 1]!++;
      start[b + 1]!++;
      start[c + 1]!++;
      start[d + 1]!++;
    }
  }
  for (; i < n; i++) {
    const a = Math.min(Math.max((values[i]! - low) * scale + 1, 0), above) | 0;
    if (keyOut) keyOut[i] = a;
    start[a + 1]!++;
  }
  for (let g = 1; g <= above + 1; g++) start[g]! += start[g - 1]!;
  return start;
}

/** Each value's key (the smaller sample's, when candidates are gathered from it). */
function keyArray(values: Float64Array, keys: BucketKeys): Uint16Array {
  const { low, scale, above } = keys;
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(Math.max((values[i]! - low) * scale + 1, 0), above) | 0;
  return out;
}

/**
 * F₁ − F₂ at the last observation of every non-empty bucket (the largest and smallest, as doubles computed like
 * ksTwoSample's), and the largest and smallest E = count_L·n_S − count_S·n_L there (into `bounds`).
 */
function bucketEnds(
  startL: Int32Array,
  startS: Int32Array,
  nL: number,
  nS: number,
  largeIsFirst: boolean,
  bounds: Float64Array,
): { maxDiff: number; minDiff: number } {
  let maxDiff = Number.NEGATIVE_INFINITY;
  let minDiff = Number.POSITIVE_INFINITY;
  let maxE = Number.NEGATIVE_INFINITY;
  let minE = Number.POSITIVE_INFINITY;
  const end = startL.length - 1;
  for (let g = 0; g < end; g++) {
    const endL = startL[g + 1]!;
    const endS = startS[g + 1]!;
    if (endL === startL[g]! && endS === startS[g]!) continue; // no observation: no new point
    const e = endL * nS - endS * nL;
    if (e > maxE) maxE = e;
    if (e < minE) minE = e;
    const d = largeIsFirst ? endL / nL - endS / nS : endS / nS - endL / nL;
    if (d > maxDiff) maxDiff = d;
    if (d < minDiff) minDiff = d;
  }
  bounds[0] = maxE;
  bounds[1] = minE;
  return { maxDiff, minDiff };
}

/**
 * Marks the buckets 1 … above − 1 that may hold an extreme inside: more than one observation, and a bound on E
 * reaching the best end value (ties included, so that an equal E rounding to a different double is still seen).
 * Returns how many L and S values they hold.
 */
function markCandidates(
  startL: Int32Array,
  startS: Int32Array,
  nL: number,
  nS: number,
  maxE: number,
  minE: number,
  candidate: Uint8Array,
): [number, number] {
  let candidatesL = 0;
  let candidatesS = 0;
  const above = startL.length - 2;
  for (let g = 1; g < above; g++) {
    const inL = startL[g + 1]! - startL[g]!;
    const inS = startS[g + 1]! - startS[g]!;
    if (inL + inS < 2) continue;
    const upper = startL[g + 1]! * nS - startS[g]! * nL;
    const lower = startL[g]! * nS - startS[g + 1]! * nL;
    if (upper >= maxE || lower <= minE) {
      candidate[g] = 1;
      candidatesL += inL;
      candidatesS += inS;
    }
  }
  return [candidatesL, candidatesS];
}

/**
 * The `count` values whose bucket (`keyOf[i]`) is marked in `candidate`, in their order. Candidates are rare (a few
 * buckets near the extremes), so keys are looked at four at a time and a group is examined only when one is marked.
 */
function gatherCandidates(
  values: Float64Array,
  keyOf: Uint16Array,
  candidate: Uint8Array,
  count: number,
): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  const n = values.length;
  let k = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = candidate[keyOf[i]!]!;
    const b = candidate[keyOf[i + 1]!]!;
    const c = candidate[keyOf[i + 2]!]!;
    const d = candidate[keyOf[i + 3]!]!;
    if ((a | b | c | d) !== 0) {
      if (a) out[k++] = values[i]!;
      if (b) out[k++] = values[i + 1]!;
      if (c) out[k++] = values[i + 2]!;
      if (d) out[k++] = values[i + 3]!;
    }
  }
  for (; i < n; i++) if (candidate[keyOf[i]!]) out[k++] = values[i]!;
  return out;
}

/** Smallest bucket scanned linearly; larger ones are binary-searched (clustered data, outliers). */
const LINEAR_SCAN_MAX = 8;
/** Guide buckets per value of S: most buckets then hold zero or one S value. */
const GUIDE_FACTOR = 4;

/**
 * count[j] = #{x ∈ L : #{s ≤ x} = j} and equal[j] = #{x ∈ L : x = S[j−1]}. The look-up goes through a guide table:
 * equal-width buckets over [S₀, S_last] record where each bucket's S values start. The bucket of x is monotone in x,
 * so S values in earlier buckets are < x and those in later buckets > x: the answer lies within x's bucket.
 */
function binLargeSample(large: Float64Array, small: Float64Array): { count: Int32Array; equal: Int32Array } {
  const nS = small.length;
  const count = new Int32Array(nS + 1);
  const equal = new Int32Array(nS + 1);
  const first = small[0]!;
  const last = small[nS - 1]!;
  const buckets = nS * GUIDE_FACTOR;
  const rawScale = buckets / (last - first);
  const scale = Number.isFinite(rawScale) && rawScale > 0 ? rawScale : 0;
  const starts = new Int32Array(buckets + 1);
  for (let i = 0; i < nS; i++) {
    const g = Math.min(buckets - 1, Math.floor((small[i]! - first) * scale));
    starts[g + 1]!++;
  }
  for (let g = 0; g < buckets; g++) starts[g + 1]! += starts[g]!;
  for (let i = 0; i < large.length; i++) {
    const x = large[i]!;
    let j: number;
    if (x < first) j = 0;
    else if (x >= last) j = nS;
    else {
      let g = Math.floor((x - first) * scale);
      if (g > buckets - 1) g = buckets - 1;
      j = starts[g]!;
      let end = starts[g + 1]!;
      if (end - j <= LINEAR_SCAN_MAX) {
        while (j < end && small[j]! <= x) j++;
      } else {
        while (j < end) {
          const mid = (j + end) >>> 1;
          if (small[mid]! <= x) j = mid + 1;
          else end = mid;
        }
      }
    }
    count[j]!++;
    if (j > 0 && small[j - 1] === x) equal[j]!++;
  }
  return { count, equal };
}

/** The largest L value of bin j, i.e. in [S[j−1], S[j]) (open-ended at the first and last bin). */
function topOfBin(large: Float64Array, small: Float64Array, j: number): number {
  const low = j > 0 ? small[j - 1]! : Number.NEGATIVE_INFINITY;
  const high = j < small.length ? small[j]! : Number.POSITIVE_INFINITY;
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < large.length; i++) {
    const x = large[i]!;
    if (x >= low && x < high && x > top) top = x;
  }
  return top;
}

/** Rounds half to even, like numpy.rint (as `ksTwoSample` rounds n₁n₂/(n₁+n₂)). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** 'auto' is exact up to this sample size, as ksTwoSample and SciPy. */
const MAX_AUTO_EXACT_N = 10000;

/**
 * Two-sided two-sample KS test equal to `ksTwoSample(reference, current, { method })`. When the p-value is asymptotic
 * ('asymp', or 'auto' with max(n₁, n₂) > 10,000) the statistic comes from {@link ksExtremes} and the p-value from the
 * same finite-n Kolmogorov distribution `ksTwoSample` uses; exact p-values (small samples) are left to `ksTwoSample`.
 * Both samples must be finite and non-empty. `location: false` does not find where D is attained (statisticLocation
 * is then NaN on the asymptotic path), which allows the faster {@link ksExtremeDiffs}: drift reports do not show it.
 */
export function ksTwoSided(
  reference: Float64Array,
  current: Float64Array,
  method: KsMethod,
  options: { location?: boolean } = {},
): KsTwoSampleResult {
  const n1 = reference.length;
  const n2 = current.length;
  const asymptotic = method === 'asymp' || (method === 'auto' && Math.max(n1, n2) > MAX_AUTO_EXACT_N);
  if (!asymptotic) return ksTwoSample(reference, current, { method });
  const withLocation = options.location !== false;
  const e = withLocation ? ksExtremes(reference, current) : null;
  const { maxDiff, minDiff } = e ?? ksExtremeDiffs(reference, current);
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  const useMin = minS > maxDiff;
  const d = useMin ? minS : maxDiff;
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const effective = roundHalfEven((m * n) / (m + n));
  const prob = effective >= 1 ? special.kolmogorovSf(d, effective) : 1;
  return {
    statistic: d,
    pvalue: Math.min(Math.max(prob, 0), 1),
    statisticLocation: e ? e.locate(useMin ? e.minAt : e.maxAt) : Number.NaN,
    statisticSign: useMin ? -1 : 1,
    method: 'asymp',
    fallback: null,
  };
}
