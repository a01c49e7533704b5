/**
 * Synthetic classification data for tests, reproducible from a seed.
 */
import { SeededRandom } from '../random.js';
import type { TrainingData } from '../training-data.js';

/** A standard normal draw (Box–Muller). */
function normal(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** Gaussian blobs: `rowsPerClass` points around each center (one class per center, named 'class_<i>'). */
export function blobs(
  seed: number,
  rowsPerClass: number,
  centers: readonly (readonly number[])[],
  spread = 1,
): TrainingData {
  const random = new SeededRandom(seed);
  const features: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < rowsPerClass; i++)
    centers.forEach((center, k) => {
      features.push(center.map((c) => c + spread * normal(random)));
      labels.push(`class_${k}`);
    });
  return { features, featureNames: centers[0]!.map((_, j) => `x${j}`), labels };
}

/** XOR of two uniform features' signs (plus a noise feature): not linearly separable, easy for trees. */
export function xor(seed: number, rows: number): TrainingData {
  const random = new SeededRandom(seed);
  const features: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < rows; i++) {
    const a = random.next() * 2 - 1;
    const b = random.next() * 2 - 1;
    features.push([a, b, random.next()]);
    labels.push(a > 0 === b > 0 ? 'same' : 'different');
  }
  return { features, featureNames: ['a', 'b', 'noise'], labels };
}
