/**
 * Training and prediction inputs, validated once at the door so the trainers can trust them.
 *
 * Features arrive as a flat row-major Float64Array/Float32Array (length = rows × featureNames.length) or as one
 * number[] per row. They become a Float32Array: the exported ONNX models take FP32 features, so the trainers and
 * `predict()` see exactly the numbers ONNX Runtime will see when the model is served.
 */
import { invalidArgument } from '../core/errors.js';

/** Flat row-major numbers (length = rows × featureNames.length), or one array of numbers per row. */
export type FeatureInput = Float64Array | Float32Array | readonly (readonly number[])[];

export interface TrainingData {
  features: FeatureInput;
  featureNames: readonly string[];
  /** One class name per row. Classes are sorted by code unit (`Array.prototype.sort`) to fix their order. */
  labels: readonly string[];
}

/** Validated features: `values[row * columns + column]`, every value a finite float32. */
export interface FeatureMatrix {
  rows: number;
  columns: number;
  values: Float32Array;
}

/** Validated training data: features, the sorted class names and each row's class index. */
export interface PreparedData {
  matrix: FeatureMatrix;
  featureNames: readonly string[];
  classes: readonly string[];
  targets: Int32Array;
}

const MAX_CLASSES = 1000;

export function prepareTrainingData(data: TrainingData): PreparedData {
  if (data === null || typeof data !== 'object') throw invalidArgument('training data must be an object');
  const featureNames = checkFeatureNames(data.featureNames);
  if (!Array.isArray(data.labels)) throw invalidArgument('training data: labels must be an array of strings');
  const matrix = toFeatureMatrix(data.features, featureNames, 'training data');
  if (matrix.rows === 0) throw invalidArgument('training data is empty: it has no rows');
  if (data.labels.length !== matrix.rows)
    throw invalidArgument(
      `training data: features have ${matrix.rows} rows but labels has ${data.labels.length} entries; they must match`,
    );
  data.labels.forEach((label, row) => {
    if (typeof label !== 'string')
      throw invalidArgument(`training data: label at row ${row} is ${describe(label)}, not a string`);
  });
  const classes = [...new Set(data.labels)].sort();
  if (classes.length < 2)
    throw invalidArgument(
      `training data: every label is '${classes[0]}'; a classifier needs at least two classes to learn from`,
    );
  if (classes.length > MAX_CLASSES)
    throw invalidArgument(
      `training data: ${classes.length} distinct labels; at most ${MAX_CLASSES} classes are supported`,
    );
  const index = new Map(classes.map((name, i) => [name, i]));
  const targets = Int32Array.from(data.labels, (label) => index.get(label)!);
  return { matrix, featureNames, classes, targets };
}

/**
 * Checks features against the expected columns and converts them to float32. `where` starts every error message
 * ('training data', 'prediction input'), so a user knows which call was refused.
 */
export function toFeatureMatrix(features: FeatureInput, featureNames: readonly string[], where: string): FeatureMatrix {
  const columns = featureNames.length;
  let values: Float32Array;
  if (features instanceof Float64Array || features instanceof Float32Array) {
    if (features.length % columns !== 0)
      throw invalidArgument(
        `${where}: a flat feature array of length ${features.length} is not a whole number of rows of ${columns} features (${featureNames.join(', ')})`,
      );
    values = Float32Array.from(features);
    checkFinite((i) => features[i]!, values, columns, featureNames, where);
  } else if (Array.isArray(features)) {
    values = new Float32Array(features.length * columns);
    features.forEach((row, r) => {
      if (!Array.isArray(row)) throw invalidArgument(`${where}: features row ${r} is ${describe(row)}, not an array`);
      if (row.length !== columns)
        throw invalidArgument(
          `${where}: features row ${r} has ${row.length} values but there are ${columns} features (${featureNames.join(', ')})`,
        );
      row.forEach((value, c) => {
        if (typeof value !== 'number')
          throw invalidArgument(
            `${where}: features row ${r}, column '${featureNames[c]}' is ${describe(value)}, not a number`,
            { row: r, column: featureNames[c] },
          );
        values[r * columns + c] = value;
      });
    });
    checkFinite((i) => features[Math.floor(i / columns)]![i % columns]!, values, columns, featureNames, where);
  } else {
    throw invalidArgument(`${where}: features must be a Float64Array, a Float32Array or an array of rows`);
  }
  return { rows: values.length / columns, columns, values };
}

function checkFeatureNames(names: unknown): readonly string[] {
  if (!Array.isArray(names) || names.length === 0)
    throw invalidArgument('training data: featureNames must be a non-empty array of feature names');
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name === '')
      throw invalidArgument(`training data: feature name ${describe(name)} must be a non-empty string`);
    if (seen.has(name)) throw invalidArgument(`training data: feature name '${name}' appears twice`);
    seen.add(name);
  }
  return [...names];
}

/** NaN, ±Infinity, non-numbers, and finite numbers too large for float32 are all refused, naming row and column. */
function checkFinite(
  original: (index: number) => number,
  rounded: Float32Array,
  columns: number,
  featureNames: readonly string[],
  where: string,
): void {
  for (let i = 0; i < rounded.length; i++) {
    if (Number.isFinite(rounded[i])) continue;
    const value = original(i);
    const problem = Number.isNaN(value)
      ? 'NaN'
      : Number.isFinite(value)
        ? `${value}, outside the float32 range`
        : String(value);
    const row = Math.floor(i / columns);
    const column = i % columns;
    throw invalidArgument(
      `${where}: features row ${row}, column '${featureNames[column]}' is ${problem}; features must be finite numbers (fill or drop missing values first)`,
      { row, column: featureNames[column] },
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
