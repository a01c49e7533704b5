import type { DriftDetector } from './detector.js';

/** Where a detector fired on a stream: indices (0-based) of drift signals and of warning-zone entries. */
export interface DetectorRun {
  drifts: number[];
  /** Indices at which the detector entered its warning zone (false → true); empty without a warning zone. */
  warningStarts: number[];
}

/** Feeds a whole stream to a detector (continuing from its current state) and records where it fired. */
export function runDetector<X>(detector: DriftDetector<X>, stream: Iterable<X>): DetectorRun {
  const drifts: number[] = [];
  const warningStarts: number[] = [];
  let inWarning = false;
  let i = 0;
  for (const x of stream) {
    const signal = detector.update(x);
    if (signal.drift) drifts.push(i);
    const warning = signal.warning === true;
    if (warning && !inWarning) warningStarts.push(i);
    inWarning = warning;
    i++;
  }
  return { drifts, warningStarts };
}

/** How a detector did on a stream with one known change point. */
export interface DetectionScore {
  /** Drifts signalled before the change point. */
  falseAlarms: number;
  /** Index of the first drift at or after the change point; null when the change was missed. */
  firstDetection: number | null;
  /**
   * Detection delay: firstDetection − changePoint, i.e. the number of post-change observations seen before the one
   * that raised the alarm (0 = detected on the first changed observation); null when missed.
   */
  delay: number | null;
}

/** Scores drift indices against a change point: the stream's distribution changes from index `changePoint` on. */
export function scoreDetections(drifts: readonly number[], changePoint: number): DetectionScore {
  const falseAlarms = drifts.filter((i) => i < changePoint).length;
  const first = drifts.find((i) => i >= changePoint);
  return first === undefined
    ? { falseAlarms, firstDetection: null, delay: null }
    : { falseAlarms, firstDetection: first, delay: first - changePoint };
}
