import { invalidArgument } from '../../core/errors.js';

/**
 * What a detector says after one observation. `drift` is true on the observation at which a change is signalled;
 * `warning` is present only on detectors that have a warning zone (DDM), true while the stream is in it.
 */
export interface DriftSignal {
  drift: boolean;
  warning?: boolean;
}

/**
 * An online concept-drift detector over one stream of numbers (typically a model's per-prediction error: 0/1 for a
 * classifier, an absolute error for a regressor), with river's semantics: after a signalled drift the next `update`
 * first resets the detector, so each detection starts a fresh concept.
 */
export interface DriftDetector<X = number> {
  /** The river class this detector reproduces, e.g. `ADWIN`. */
  readonly name: string;
  /** Whether `update` reports a warning zone. */
  readonly hasWarningZone: boolean;
  /** Feeds one observation and says whether a drift (and, where supported, a warning) is signalled at it. */
  update(x: X): DriftSignal;
  /** Forgets everything seen (parameters are kept); the detection count starts again from zero. */
  reset(): void;
  /** The signal of the last update (false before any). */
  readonly driftDetected: boolean;
  /** Drifts signalled since construction or the last `reset()`. */
  readonly detections: number;
}

/** Refuses an observation that is not a finite number (a detector fed NaN would silently never fire again). */
export function checkObservation(detector: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw invalidArgument(`${detector}.update: the observation is ${String(x)}; only finite numbers are accepted`);
  }
}

/** Checks a numeric parameter against an inclusive/exclusive range and integrality. */
export function checkParameter(
  detector: string,
  name: string,
  value: number,
  rule: { min?: number; minExclusive?: number; max?: number; maxExclusive?: number; integer?: boolean },
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.integer !== true || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.minExclusive === undefined || value > rule.minExclusive) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.maxExclusive === undefined || value < rule.maxExclusive);
  if (!ok) {
    const bounds = [
      rule.min !== undefined ? `≥ ${rule.min}` : '',
      rule.minExclusive !== undefined ? `> ${rule.minExclusive}` : '',
      rule.max !== undefined ? `≤ ${rule.max}` : '',
      rule.maxExclusive !== undefined ? `< ${rule.maxExclusive}` : '',
    ].filter(Boolean);
    const kind = rule.integer === true ? 'an integer' : 'a number';
    throw invalidArgument(
      `${detector}: ${name} must be ${kind}${bounds.length ? ` ${bounds.join(' and ')}` : ''}, got ${String(value)}`,
    );
  }
}
