/**
 * Runs an exported classifier in ONNX Runtime (onnxruntime-node, CPU) and compares its outputs with our predict().
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { Prediction } from '../classifier.js';

export interface OnnxRun extends Prediction {
  inputMetadata: ort.InferenceSession['inputMetadata'];
  outputMetadata: ort.InferenceSession['outputMetadata'];
}

/** Loads `model` from bytes and runs it once on `features` (row-major float32, `columns` per row). */
export async function runOnnxClassifier(
  model: Uint8Array,
  features: Float32Array,
  columns: number,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<OnnxRun> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3, ...options });
  try {
    const results = await session.run({
      features: new ort.Tensor('float32', features, [features.length / columns, columns]),
    });
    return {
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
      labels: results.label!.data as string[],
      probabilities: results.probabilities!.data as Float32Array,
    };
  } finally {
    await session.release();
  }
}

/** Labels equal exactly and probabilities within `tolerance`; returns the largest probability difference. */
export function assertSamePredictions(ours: Prediction, onnx: Prediction, tolerance = 1e-5): number {
  assert.equal(onnx.labels.length, ours.labels.length, 'row count');
  const differing = ours.labels.flatMap((label, row) => (label === onnx.labels[row] ? [] : [row]));
  assert.deepEqual(
    differing,
    [],
    `rows whose ONNX Runtime label differs from predict(): ${differing.slice(0, 10).join(', ')}`,
  );
  assert.equal(onnx.probabilities.length, ours.probabilities.length, 'probability count');
  let largest = 0;
  for (let i = 0; i < ours.probabilities.length; i++)
    largest = Math.max(largest, Math.abs(ours.probabilities[i]! - onnx.probabilities[i]!));
  assert.ok(largest <= tolerance, `probabilities differ by up to ${largest} (tolerance ${tolerance})`);
  return largest;
}

/** Row-major float32 features from rows of numbers. */
export function flatFeatures(rows: readonly (readonly number[])[]): Float32Array {
  return Float32Array.from(rows.flat());
}
