import {
  countInBins,
  cramerVonMises2Samp,
  jensenShannonDistance,
  type KsMethod,
  populationStabilityIndex,
  populationStd,
  quantileSorted,
} from '../stats/index.js';
import { analyzeCategoricalCounts } from './categorical-analysis.js';
import { type ColumnOutcome, emptyOutcome, type MethodRequest, resolveMethod } from './column-outcome.js';
import { ksTwoSided } from './ks-counting.js';
import { CATEGORICAL_MAX_DISTINCT_INTEGERS, type DriftMethod, type FeatureType, looksCategorical } from './methods.js';
import { sortFloat64, wassersteinSorted } from './sorted-sample.js';
import type { ColumnChart } from './types.js';

/** The work for one numerical column: plain data, so it can be posted to a worker thread. */
export interface NumericTask {
  reference: Float64Array;
  current: Float64Array;
  request: MethodRequest;
  /** A per-column type override; otherwise detected ({@link looksCategorical}). */
  type?: FeatureType;
  ksMode: KsMethod;
  /** Bars of the chart; 0 for no chart. */
  histogramBins: number;
}

/** Reference-quantile bins for PSI and Jensen–Shannon on numbers, as `numericBinnedDrift`'s default. */
const BINNED_DRIFT_BINS = 10;

/** Analyses one numerical column (finite values only; missing values are handled by the caller). */
export function analyzeNumeric(task: NumericTask): ColumnOutcome {
  const { reference, current } = task;
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) return emptyOutcome(task.type ?? 'numerical', n1, n2, histogram(task));
  const notes: string[] = [];
  const few = fewDistinctValues(reference, current, CATEGORICAL_MAX_DISTINCT_INTEGERS);
  const detected = few && looksCategorical(few.size, [...few].every(Number.isInteger), n1, n2);
  const type: FeatureType = task.type ?? (detected ? 'categorical' : 'numerical');
  if (type === 'categorical') {
    if (!task.type) notes.push(`numbers with ${few?.size} distinct value(s): analysed as categorical`);
    return analyzeCategoricalCounts(valueCounts(reference), valueCounts(current), task.request, notes);
  }
  const chosen = resolveMethod(task.request, 'numerical', n1, n2, 0, notes);
  const base = { type, nReference: n1, nCurrent: n2, notes, chart: histogram(task) };
  if ('error' in chosen) return { ...base, method: null, statistic: null, pValue: null, effectSize: null, ...chosen };
  return { ...base, method: chosen.method, ...numericStatistic(chosen.method, task, notes) };
}

type Statistic = Pick<ColumnOutcome, 'statistic' | 'pValue' | 'effectSize'>;

function numericStatistic(method: DriftMethod, task: NumericTask, notes: string[]): Statistic {
  const { reference, current } = task;
  if (method === 'ks') {
    const r = ksTwoSided(reference, current, task.ksMode, { location: false });
    if (r.fallback) notes.push(r.fallback);
    return { statistic: r.statistic, pValue: r.pvalue, effectSize: r.statistic };
  }
  if (method === 'wasserstein') return wasserstein(reference, current, notes);
  if (method === 'cvm') {
    if (reference.length < 2 || current.length < 2) {
      notes.push('Cramér–von Mises needs at least 2 values in each sample');
      return { statistic: null, pValue: null, effectSize: null };
    }
    const r = cramerVonMises2Samp(reference, current);
    const mn = reference.length * current.length;
    // T = (mn/N)·∫(F − G)² dH: the root of T·N/(mn) is the RMS gap between the two ECDFs, free of sample size.
    const rms = Math.sqrt((Math.max(r.statistic, 0) * (reference.length + current.length)) / mn);
    return { statistic: r.statistic, pValue: r.pvalue, effectSize: rms };
  }
  const sortedReference = sortFloat64(reference);
  const edges = referenceQuantileEdges(sortedReference, BINNED_DRIFT_BINS);
  const ref = countInBins(edges, sortedReference);
  const cur = countInBins(edges, current);
  const value = method === 'psi' ? populationStabilityIndex(ref, cur) : jensenShannonDistance(ref, cur, { base: 2 });
  return { statistic: value, pValue: null, effectSize: value };
}

/** W₁ and W₁/σ_ref; a constant reference (σ = 0) is normalised by the pooled std instead, with a note. */
function wasserstein(reference: Float64Array, current: Float64Array, notes: string[]): Statistic {
  const distance = wassersteinSorted(sortFloat64(reference), sortFloat64(current));
  const std = populationStd(reference);
  if (std > 0) return { statistic: distance, pValue: null, effectSize: distance / std };
  if (distance === 0) return { statistic: 0, pValue: null, effectSize: 0 };
  const pooled = new Float64Array(reference.length + current.length);
  pooled.set(reference);
  pooled.set(current, reference.length);
  notes.push(`the reference is constant (${reference[0]}): W₁ normalised by the pooled std`);
  return { statistic: distance, pValue: null, effectSize: distance / populationStd(pooled) };
}

/** The distinct values of both samples, or null as soon as there are more than `limit`. */
function fewDistinctValues(a: Float64Array, b: Float64Array, limit: number): Set<number> | null {
  const seen = new Set<number>();
  for (const sample of [a, b]) {
    for (let i = 0; i < sample.length; i++) {
      seen.add(sample[i]! === 0 ? 0 : sample[i]!); // −0 and +0 are one value
      if (seen.size > limit) return null;
    }
  }
  return seen;
}

function valueCounts(sample: Float64Array): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < sample.length; i++) {
    const key = String(sample[i]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `quantileEdges` of stats on an already sorted sample: the distinct quantiles at i/bins, i = 1 … bins − 1. */
export function referenceQuantileEdges(sorted: Float64Array, bins: number): Float64Array {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) edges.push(quantileSorted(sorted, i / bins));
  edges.sort((x, y) => x - y);
  return Float64Array.from(edges.filter((e, i) => i === 0 || e !== edges[i - 1]));
}

/** Equal-width bins over the range of both samples (shared, so the bars line up); the last bin is closed. */
function histogram(task: NumericTask): ColumnChart | null {
  if (task.histogramBins === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const sample of [task.reference, task.current]) {
    for (let i = 0; i < sample.length; i++) {
      const v = sample[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { kind: 'histogram', edges: [], reference: [], current: [] };
  const bins = max > min ? task.histogramBins : 1;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const count = (sample: Float64Array) => {
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < sample.length; i++) {
      const at = width > 0 ? Math.floor((sample[i]! - min) / width) : 0;
      counts[Math.min(Math.max(at, 0), bins - 1)]!++;
    }
    return counts;
  };
  return { kind: 'histogram', edges, reference: count(task.reference), current: count(task.current) };
}
