/**
 * One depth-limited regression tree fitted to gradients and hessians (a second-order boosting step, as in
 * XGBoost): a node's value is −G/(H+λ), a split's gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), and splits are
 * searched over histogram bins (feature-bins.ts).
 *
 * Nodes are numbered in pre-order from 0 (a node, then its left subtree, then its right), as ONNX tree ensembles
 * require. Left is the true branch of `x ≤ threshold`.
 */
import type { FeatureBins } from './feature-bins.js';

export interface RegressionTree {
  /** Per node: the feature tested, or −1 for a leaf. */
  feature: Int32Array;
  /** Per node: the float32 threshold (x ≤ threshold goes left); 0 for a leaf. */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** Per node: the leaf's output (learning rate applied, float32); 0 for a split. */
  value: Float32Array;
}

export interface TreeSettings {
  maxDepth: number;
  /** λ, the L2 penalty on leaf values. */
  l2: number;
  learningRate: number;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf: number;
  /** Smallest hessian sum in a leaf. */
  minChildWeight: number;
  /** Smallest gain that justifies a split. */
  minSplitGain: number;
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/** Fits a tree to the rows listed in `rows`, which it reorders in place (each node's rows end up contiguous). */
export function fitRegressionTree(
  binned: FeatureBins,
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Uint32Array,
  settings: TreeSettings,
): RegressionTree {
  const nodes = {
    feature: [] as number[],
    threshold: [] as number[],
    left: [] as number[],
    right: [] as number[],
    value: [] as number[],
  };
  const maxBins = Math.max(...binned.thresholds.map((t) => t.length + 1));
  const histogramG = new Float64Array(maxBins);
  const histogramH = new Float64Array(maxBins);
  const histogramN = new Uint32Array(maxBins);
  const scratch = new Uint32Array(rows.length);

  const grow = (start: number, end: number, depth: number): number => {
    const id = nodes.feature.length;
    nodes.feature.push(-1);
    nodes.threshold.push(0);
    nodes.left.push(-1);
    nodes.right.push(-1);
    nodes.value.push(0);
    let g = 0;
    let h = 0;
    for (let i = start; i < end; i++) {
      g += gradients[rows[i]!]!;
      h += hessians[rows[i]!]!;
    }
    const split = depth < settings.maxDepth ? bestSplit(start, end, g, h) : undefined;
    if (!split) {
      const value = Math.fround((-settings.learningRate * g) / (h + settings.l2));
      nodes.value[id] = value;
      return id;
    }
    const middle = partition(start, end, split);
    nodes.feature[id] = split.feature;
    nodes.threshold[id] = binned.thresholds[split.feature]![split.bin]!;
    nodes.left[id] = grow(start, middle, depth + 1);
    nodes.right[id] = grow(middle, end, depth + 1);
    return id;
  };

  const bestSplit = (start: number, end: number, g: number, h: number): Split | undefined => {
    const { l2, minSamplesLeaf, minChildWeight } = settings;
    if (end - start < 2 * minSamplesLeaf) return undefined;
    const parentScore = (g * g) / (h + l2);
    let best: Split | undefined;
    binned.thresholds.forEach((thresholds, feature) => {
      const binCount = thresholds.length + 1;
      if (binCount < 2) return;
      histogramG.fill(0, 0, binCount);
      histogramH.fill(0, 0, binCount);
      histogramN.fill(0, 0, binCount);
      const column = feature * binned.rows;
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        const bin = binned.bins[column + row]!;
        histogramG[bin]! += gradients[row]!;
        histogramH[bin]! += hessians[row]!;
        histogramN[bin]!++;
      }
      let leftG = 0;
      let leftH = 0;
      let leftN = 0;
      for (let bin = 0; bin < binCount - 1; bin++) {
        leftG += histogramG[bin]!;
        leftH += histogramH[bin]!;
        leftN += histogramN[bin]!;
        const rightN = end - start - leftN;
        if (leftN < minSamplesLeaf) continue;
        if (rightN < minSamplesLeaf) break;
        const rightG = g - leftG;
        const rightH = h - leftH;
        if (leftH < minChildWeight || rightH < minChildWeight) continue;
        const gain = (leftG * leftG) / (leftH + l2) + (rightG * rightG) / (rightH + l2) - parentScore;
        if (gain > settings.minSplitGain && (!best || gain > best.gain)) best = { feature, bin, gain };
      }
    });
    return best;
  };

  /** Stable partition of rows[start, end): bin ≤ split.bin first. Returns where the right side starts. */
  const partition = (start: number, end: number, split: Split): number => {
    const column = split.feature * binned.rows;
    let left = start;
    let right = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (binned.bins[column + row]! <= split.bin) rows[left++] = row;
      else scratch[right++] = row;
    }
    rows.set(scratch.subarray(0, right), left);
    return left;
  };

  grow(0, rows.length, 0);
  return {
    feature: Int32Array.from(nodes.feature),
    threshold: Float32Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    value: Float32Array.from(nodes.value),
  };
}

/** The leaf value a float32 feature row reaches (`x ≤ threshold` goes left, as ONNX BRANCH_LEQ). */
export function treeOutput(tree: RegressionTree, features: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0)
    node = features[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}
