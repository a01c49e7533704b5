import { invalidArgument } from '../../core/errors.js';
import { countBelow, type NumericSample, sortedCopy } from './validate.js';

/**
 * Binning shared by PSI and Jensen–Shannon.
 *
 * Numeric features: `bins` bins from the reference's quantiles. The edges are the reference quantiles at
 * probabilities 1/bins, 2/bins, …, (bins−1)/bins, computed as numpy.quantile's default ('linear', Hyndman & Fan
 * type 7), with duplicates removed (heavily tied data gives fewer bins). Bins are right-closed:
 * (−∞, e₁], (e₁, e₂], …, (e_last, +∞); a value's bin is the number of edges strictly below it
 * (numpy.searchsorted(edges, v, side='left')). Values outside the reference's range fall in the outer bins.
 *
 * Categorical features: one bin per category, the reference's categories in order of first appearance, then
 * the categories only the current sample has.
 */

export interface Bins {
  referenceCounts: Float64Array;
  currentCounts: Float64Array;
}

export interface NumericBins extends Bins {
  /** Inner edges, ascending and distinct; there are edges.length + 1 bins. */
  edges: Float64Array;
}

export interface CategoricalBins extends Bins {
  categories: string[];
}

/** The q-quantile of an ascending array as numpy.quantile(method='linear'): (n−1)q interpolated as numpy's _lerp. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const previous = Math.floor(virtual);
  const a = sorted[previous]!;
  const b = sorted[previous + 1]!;
  const t = virtual - previous;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The distinct reference quantiles at i/bins, i = 1 … bins − 1, ascending. */
export function quantileEdges(reference: NumericSample, bins: number): Float64Array {
  if (!Number.isInteger(bins) || bins < 1) throw invalidArgument(`bins must be a positive integer, got ${bins}`);
  const sorted = sortedCopy(reference);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) edges.push(quantileSorted(sorted, i / bins));
  edges.sort((x, y) => x - y);
  return Float64Array.from(edges.filter((e, i) => i === 0 || e !== edges[i - 1]));
}

/** Counts per bin of a sample, bin = number of edges strictly below the value. */
export function countInBins(edges: Float64Array, values: NumericSample): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) counts[countBelow(edges, values[i]!)]!++;
  return counts;
}

/** Quantile bins of the reference applied to both samples. */
export function binNumeric(reference: NumericSample, current: NumericSample, bins: number): NumericBins {
  const edges = quantileEdges(reference, bins);
  return { edges, referenceCounts: countInBins(edges, reference), currentCounts: countInBins(edges, current) };
}

/** One bin per category (`String(value)`), reference categories first. */
export function binCategorical(
  reference: Iterable<string | number | boolean | null | undefined>,
  current: Iterable<string | number | boolean | null | undefined>,
): CategoricalBins {
  const index = new Map<string, number>();
  const ref: number[] = [];
  const cur: number[] = [];
  const add = (values: Iterable<string | number | boolean | null | undefined>, target: number[]) => {
    for (const v of values) {
      const key = String(v);
      let i = index.get(key);
      if (i === undefined) {
        i = index.size;
        index.set(key, i);
        ref.push(0);
        cur.push(0);
      }
      target[i]!++;
    }
  };
  add(reference, ref);
  add(current, cur);
  return {
    categories: [...index.keys()],
    referenceCounts: Float64Array.from(ref),
    currentCounts: Float64Array.from(cur),
  };
}
