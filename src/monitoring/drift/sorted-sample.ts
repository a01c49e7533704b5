/**
 * Fast kernels over samples sorted ascending (finite values only). Sorting dominates the distance statistics, so a
 * column is sorted once ({@link sortFloat64}) and each statistic is then one linear merge of the two sorted samples.
 * Each kernel gives exactly (bit for bit) what the corresponding function of `monitoring/stats` gives on the same
 * data — the tests check it — only faster on large samples.
 */

/** Below this length the built-in sort is as fast. */
const BUCKET_SORT_MIN_LENGTH = 4096;
/** Values per bucket on average: each bucket then fits in a cache line or two and is insertion-sorted. */
const VALUES_PER_BUCKET = 4;
/** Buckets larger than this (clustered data) are sorted with the built-in sort instead of insertion sort. */
const INSERTION_SORT_MAX = 64;

/**
 * An ascending sorted copy of finite values (the input is left untouched). Large arrays use a bucket sort: equal-width
 * buckets over [min, max] (bucket index monotone in the value, so the buckets come out in order), one scatter pass,
 * then each small bucket insertion-sorted — about 2× faster than `Float64Array.prototype.sort` on a million values.
 * Clustered data degrades gracefully: a crowded bucket gets the built-in sort. −0 and +0 may come in either order
 * (they are equal for every statistic).
 */
export function sortFloat64(values: Float64Array): Float64Array<ArrayBuffer> {
  const n = values.length;
  const out = new Float64Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const buckets = Math.max(1, Math.floor(n / VALUES_PER_BUCKET));
  const scale = buckets / (max - min);
  if (n < BUCKET_SORT_MIN_LENGTH || !(max > min) || !Number.isFinite(scale)) {
    out.set(values);
    return out.sort();
  }
  const bucketOf = new Int32Array(n);
  const starts = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.min(buckets - 1, Math.floor((values[i]! - min) * scale));
    bucketOf[i] = b;
    starts[b + 1]!++;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  const next = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) out[next[bucketOf[i]!]!++] = values[i]!;
  for (let b = 0; b < buckets; b++) {
    const lo = starts[b]!;
    const hi = starts[b + 1]!;
    if (hi - lo > INSERTION_SORT_MAX) out.subarray(lo, hi).sort();
    else if (hi - lo > 1) insertionSort(out, lo, hi);
  }
  return out;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** W₁ between the empirical distributions, summed exactly as `wassersteinDistance` does (same terms, same order). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < n1 || j < n2) {
    const v = i < n1 && (j >= n2 || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    if (i === n1 && j === n2) break;
    const next = i < n1 && (j >= n2 || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(i / n1 - j / n2) * (next - v);
  }
  return total;
}

/** What a merge of the two sorted samples says about their values together. */
export interface UnionShape {
  /** Number of distinct values over both samples. */
  distinct: number;
  /** Whether every value is an integer. */
  integers: boolean;
  min: number;
  max: number;
}

/** Distinct count, integrality and range of the union of two sorted samples (at least one of them non-empty). */
export function unionShape(a: Float64Array, b: Float64Array): UnionShape {
  let distinct = 0;
  let integers = true;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const v = i < a.length && (j >= b.length || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i]! <= v) i++;
    while (j < b.length && b[j]! <= v) j++;
    distinct++;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const first = [a[0], b[0]].filter((v) => v !== undefined) as number[];
  const last = [a[a.length - 1], b[b.length - 1]].filter((v) => v !== undefined) as number[];
  return { distinct, integers, min: Math.min(...first), max: Math.max(...last) };
}

/** Counts of each distinct value of a sorted sample, keyed `String(value)` (the categorical view of a number). */
export function sortedValueCounts(sorted: Float64Array): Map<string, number> {
  const counts = new Map<string, number>();
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let k = i;
    while (k < sorted.length && sorted[k] === v) k++;
    counts.set(String(v), k - i);
    i = k;
  }
  return counts;
}
