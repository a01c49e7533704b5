import { invalidArgument } from '../../core/errors.js';

/** A sample of numbers: a plain array or a typed array (Float64Array, Int32Array, …). */
export type NumericSample = ArrayLike<number>;

/**
 * Checks that a sample has at least `minLength` values, all finite. NaN and ±Infinity are refused with
 * INVALID_ARGUMENT naming the sample and the first offending index: the statistics never return NaN for bad input.
 */
export function checkSample(name: string, values: NumericSample, minLength = 1): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw invalidArgument(`${name} must be an array of numbers`);
  }
  if (values.length < minLength) {
    throw invalidArgument(
      minLength === 1
        ? `${name} is empty: at least one value is needed`
        : `${name} has ${values.length} value(s): at least ${minLength} are needed`,
      { sample: name, length: values.length },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidArgument(`${name}[${i}] is ${String(v)}: only finite numbers are accepted`, {
        sample: name,
        index: i,
      });
    }
  }
}

/** A sorted Float64Array copy of the sample (ascending; −0 and +0 compare equal everywhere they are used). */
export function sortedCopy(values: NumericSample): Float64Array {
  const copy = Float64Array.from(values as ArrayLike<number>);
  copy.sort();
  return copy;
}

/** Number of elements of the ascending array `sorted` that are ≤ v (numpy.searchsorted side='right'). */
export function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements of the ascending array `sorted` that are < v (numpy.searchsorted side='left'). */
export function countBelow(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Checks a probability-like option (a finite number in [lo, hi]). */
export function checkNumberOption(name: string, value: number, lo: number, hi: number): void {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw invalidArgument(`${name} must be a number in [${lo}, ${hi}], got ${String(value)}`);
  }
}

/** Rounds half to even, like numpy.round / rint. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}
