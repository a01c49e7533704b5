// Runs a detector over many seeded streams with one change point and summarises delays and false alarms.
import type { DriftDetector } from '../detector.js';
import { runDetector, scoreDetections } from '../evaluation.js';

export interface DelaySummary {
  streams: number;
  /** Drifts signalled before the change point, over all streams. */
  falseAlarms: number;
  /** Streams with at least one false alarm. */
  streamsWithFalseAlarms: number;
  missed: number;
  minDelay: number;
  medianDelay: number;
  maxDelay: number;
  meanDelay: number;
}

export function measureDelays<X>(
  makeDetector: () => DriftDetector<X>,
  makeStream: (seed: number) => X[],
  changePoint: number,
  seeds: number,
): DelaySummary {
  const delays: number[] = [];
  let falseAlarms = 0;
  let streamsWithFalseAlarms = 0;
  let missed = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const score = scoreDetections(runDetector(makeDetector(), makeStream(seed)).drifts, changePoint);
    falseAlarms += score.falseAlarms;
    if (score.falseAlarms > 0) streamsWithFalseAlarms++;
    if (score.delay === null) missed++;
    else delays.push(score.delay);
  }
  delays.sort((a, b) => a - b);
  return {
    streams: seeds,
    falseAlarms,
    streamsWithFalseAlarms,
    missed,
    minDelay: delays[0] ?? Number.NaN,
    medianDelay: delays[delays.length >> 1] ?? Number.NaN,
    maxDelay: delays[delays.length - 1] ?? Number.NaN,
    meanDelay: delays.reduce((a, b) => a + b, 0) / delays.length,
  };
}

export const describeSummary = (label: string, s: DelaySummary) =>
  `${label}: ${s.streams} streams, false alarms ${s.falseAlarms} (in ${s.streamsWithFalseAlarms} streams), missed ${s.missed}, ` +
  `delay min ${s.minDelay} / median ${s.medianDelay} / mean ${s.meanDelay.toFixed(1)} / max ${s.maxDelay}`;
