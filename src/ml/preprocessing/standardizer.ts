/**
 * Standardization (z-scores per feature), fitted on training data and baked into the ONNX graph as
 * `Sub(mean)` then `Div(scale)` — plain ai.onnx operators every runtime has.
 *
 * Mean and scale are stored as float32 and `standardize()` rounds after the subtraction and after the division,
 * exactly as ONNX Runtime's float32 Sub and Div do (rounding the exact double result of one float32 operation to
 * float32 is the correctly rounded float32 result), so our standardized values equal ORT's bit for bit.
 */
import type { Node, Tensor } from '../onnx/onnx-model.js';
import type { FeatureMatrix } from '../training-data.js';

export interface Standardizer {
  /** Per-feature mean of the training data (float32). */
  mean: Float32Array;
  /** Per-feature population standard deviation (float32); 1 for a constant feature, which then maps to 0. */
  scale: Float32Array;
}

export function fitStandardizer(matrix: FeatureMatrix): Standardizer {
  const { rows, columns, values } = matrix;
  const mean = new Float64Array(columns);
  const squares = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) mean[c]! += values[r * columns + c]!;
  for (let c = 0; c < columns; c++) mean[c]! /= rows;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) squares[c]! += (values[r * columns + c]! - mean[c]!) ** 2;
  const scale = Float32Array.from(squares, (sum) => {
    const std = Math.fround(Math.sqrt(sum / rows));
    return std > 0 && Number.isFinite(1 / std) ? std : 1;
  });
  return { mean: Float32Array.from(mean), scale };
}

/** (x − mean) / scale per value, rounded to float32 after each operation as ONNX Runtime does. */
export function standardize(standardizer: Standardizer, matrix: FeatureMatrix): Float32Array {
  const { columns, values } = matrix;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % columns;
    out[i] = Math.fround(values[i]! - standardizer.mean[c]!) / standardizer.scale[c]!;
  }
  return out;
}

/** The ONNX nodes and constants computing `output = (input − mean) / scale`. */
export function standardizerGraph(
  standardizer: Standardizer,
  input: string,
  output: string,
): { nodes: Node[]; initializers: Tensor[] } {
  const columns = standardizer.mean.length;
  return {
    nodes: [
      { opType: 'Sub', name: 'center', inputs: [input, 'feature_mean'], outputs: ['centered'] },
      { opType: 'Div', name: 'scale', inputs: ['centered', 'feature_scale'], outputs: [output] },
    ],
    initializers: [
      { name: 'feature_mean', dataType: 'float', dims: [columns], data: standardizer.mean },
      { name: 'feature_scale', dataType: 'float', dims: [columns], data: standardizer.scale },
    ],
  };
}
