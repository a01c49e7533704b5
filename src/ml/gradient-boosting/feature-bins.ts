/**
 * Histogram binning of the training features: each feature's values are cut into at most `maxBins` bins at
 * quantiles, and trees choose splits among the bin boundaries only (as LightGBM and XGBoost's `hist` do).
 *
 * A boundary is a float32 threshold t with the rule of ONNX's BRANCH_LEQ: x ≤ t goes to the left (true) branch.
 * t is the float32 midpoint between the largest training value below the cut and the smallest value at or above
 * it (or the former, when no float32 lies strictly between them), so training rows fall on the same side of t as
 * of the cut and `bin(x) ≤ b ⇔ x ≤ thresholds[b]` holds for every training value.
 */
import type { FeatureMatrix } from '../training-data.js';

export interface FeatureBins {
  /** Per feature: ascending float32 split thresholds; bin b holds values in (thresholds[b−1], thresholds[b]]. */
  thresholds: Float32Array[];
  /** Column-major bin indices: `bins[feature * rows + row]`. */
  bins: Uint16Array;
  rows: number;
}

export function binFeatures(matrix: FeatureMatrix, maxBins: number): FeatureBins {
  const { rows, columns, values } = matrix;
  const thresholds: Float32Array[] = [];
  const bins = new Uint16Array(rows * columns);
  const column = new Float32Array(rows);
  for (let f = 0; f < columns; f++) {
    for (let r = 0; r < rows; r++) column[r] = values[r * columns + f]!;
    const cuts = featureThresholds(Float32Array.from(column).sort(), maxBins);
    thresholds.push(cuts);
    for (let r = 0; r < rows; r++) bins[f * rows + r] = binOf(column[r]!, cuts);
  }
  return { thresholds, bins, rows };
}

/** The split thresholds of one feature from its sorted values. */
function featureThresholds(sorted: Float32Array, maxBins: number): Float32Array {
  const distinct: number[] = [];
  for (const value of sorted) if (distinct.length === 0 || value !== distinct.at(-1)) distinct.push(value);
  // The first value of each bin after the first: every distinct value, or quantiles when there are too many.
  let starts: number[];
  if (distinct.length <= maxBins) starts = distinct.slice(1);
  else {
    starts = [];
    for (let q = 1; q < maxBins; q++) {
      const value = sorted[Math.floor((q * sorted.length) / maxBins)]!;
      if (value !== distinct[0] && value !== starts.at(-1)) starts.push(value);
    }
  }
  const result = new Float32Array(starts.length);
  let d = 0;
  starts.forEach((start, i) => {
    while (distinct[d + 1]! < start) d++;
    const below = distinct[d]!; // the largest distinct value below this bin
    const middle = Math.fround((below + start) / 2);
    result[i] = middle >= below && middle < start ? middle : below;
  });
  return result;
}

/** The bin of a value: the first b with x ≤ thresholds[b], or thresholds.length when x is above them all. */
export function binOf(value: number, thresholds: Float32Array): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= thresholds[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
