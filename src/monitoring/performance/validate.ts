import { invalidArgument } from '../../core/errors.js';

/** A class label: a number, a string or a boolean, compared with ===. */
export type Label = number | string | boolean;

export function checkSameLength(
  what: string,
  a: ArrayLike<unknown>,
  b: ArrayLike<unknown>,
  names = ['yTrue', 'yPred'],
) {
  if (a.length !== b.length) {
    throw invalidArgument(`${what}: ${names[0]} has ${a.length} values but ${names[1]} has ${b.length}`);
  }
  if (a.length === 0) throw invalidArgument(`${what}: no values (an empty window has no ${what})`);
}

export function checkFinite(what: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidArgument(`${what}: ${name}[${i}] is ${String(v)}; only finite numbers are accepted`);
    }
  }
}

export function checkProbabilities(what: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw invalidArgument(`${what}: ${name}[${i}] is ${String(v)}; probabilities must be in [0, 1]`);
    }
  }
}

/**
 * The distinct labels, sorted as scikit-learn's `unique_labels` sorts them: numbers ascending, strings by code
 * unit, false before true. Mixing kinds (numbers with strings) is refused, as scikit-learn does.
 */
export function sortedLabels(...arrays: ArrayLike<Label>[]): Label[] {
  const seen = new Set<Label>();
  for (const array of arrays) for (let i = 0; i < array.length; i++) seen.add(array[i]!);
  const labels = [...seen];
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size > 1) {
    throw invalidArgument(`labels mix ${[...kinds].sort().join(' and ')} values; use one kind of label`);
  }
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Sum with Neumaier's compensation: within an ulp or two of the exact sum, whatever the order or magnitudes. */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** compensatedSum(values) / n. */
export function compensatedMean(values: ArrayLike<number>): number {
  return compensatedSum(values) / values.length;
}
