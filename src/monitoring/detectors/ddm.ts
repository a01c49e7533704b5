import { invalidArgument } from '../../core/errors.js';
import { checkParameter, type DriftDetector, type DriftSignal } from './detector.js';
import { RunningMean } from './running-mean.js';

/** river.drift.binary.DDM's parameters. */
export interface DdmOptions {
  /** Observations needed before a warning or drift can be signalled (default 30). */
  warmStart?: number;
  /** Warning when p + s > p_min + warningThreshold · s_min (default 2.0). */
  warningThreshold?: number;
  /** Drift when p + s > p_min + driftThreshold · s_min (default 3.0). */
  driftThreshold?: number;
}

export const DDM_DEFAULTS: Readonly<Required<DdmOptions>> = Object.freeze({
  warmStart: 30,
  warningThreshold: 2.0,
  driftThreshold: 3.0,
});

/** A binary error observation: 1 or true = the prediction was wrong, 0 or false = it was right. */
export type ErrorBit = 0 | 1 | boolean;

/**
 * DDM, the Drift Detection Method (Gama et al. 2004), as river.drift.binary.DDM computes it, over a stream of
 * error bits. After observation i (n = i observations since the last reset):
 *
 *   p = running error rate, s = √(p(1 − p)/n).
 *
 * Once n > `warmStart`: when p + s ≤ p_min + s_min (initially +∞) the minimum is moved there (p_min ← p,
 * s_min ← s); then warning = p + s > p_min + `warningThreshold`·s_min, and drift = p + s > p_min +
 * `driftThreshold`·s_min (a drift clears the warning). Until then both stay false. The update after a drift starts
 * from a fresh state (river's reset), so the next detection needs another `warmStart` observations.
 */
export class Ddm implements DriftDetector<ErrorBit> {
  readonly name = 'DDM';
  readonly hasWarningZone = true;
  readonly options: Readonly<Required<DdmOptions>>;

  private errorRate = new RunningMean();
  private pMin = Number.NaN;
  private sMin = Number.NaN;
  private psMin = Number.POSITIVE_INFINITY;
  private lastDrift = false;
  private lastWarning = false;
  private detectionCount = 0;

  constructor(options: DdmOptions = {}) {
    const o = { ...DDM_DEFAULTS, ...options };
    checkParameter('DDM', 'warmStart', o.warmStart, { min: 0, integer: true });
    checkParameter('DDM', 'warningThreshold', o.warningThreshold, { minExclusive: 0 });
    checkParameter('DDM', 'driftThreshold', o.driftThreshold, { minExclusive: 0 });
    this.options = Object.freeze(o);
  }

  update(x: ErrorBit): DriftSignal {
    const bit = toBit(x);
    if (this.lastDrift) this.clearState();
    this.errorRate.update(bit);
    const p = this.errorRate.mean;
    const n = this.errorRate.n;
    const s = Math.sqrt((p * (1 - p)) / n);
    if (n > this.options.warmStart) {
      if (p + s <= this.psMin) {
        this.pMin = p;
        this.sMin = s;
        this.psMin = this.pMin + this.sMin;
      }
      this.lastWarning = p + s > this.pMin + this.options.warningThreshold * this.sMin;
      if (p + s > this.pMin + this.options.driftThreshold * this.sMin) {
        this.lastDrift = true;
        this.lastWarning = false;
      }
    }
    if (this.lastDrift) this.detectionCount++;
    return { drift: this.lastDrift, warning: this.lastWarning };
  }

  reset(): void {
    this.clearState();
    this.detectionCount = 0;
  }

  get driftDetected(): boolean {
    return this.lastDrift;
  }

  /** Whether the last update left the detector in its warning zone. */
  get warningDetected(): boolean {
    return this.lastWarning;
  }

  get detections(): number {
    return this.detectionCount;
  }

  /** Observations since the last reset (or drift). */
  get n(): number {
    return this.errorRate.n;
  }

  /** Running error rate p since the last reset (or drift). */
  get errorRateEstimate(): number {
    return this.errorRate.mean;
  }

  /** p_min and s_min at the minimum of p + s so far (NaN until n > warmStart). */
  get minimum(): { p: number; s: number } {
    return { p: this.pMin, s: this.sMin };
  }

  private clearState(): void {
    this.errorRate = new RunningMean();
    this.pMin = Number.NaN;
    this.sMin = Number.NaN;
    this.psMin = Number.POSITIVE_INFINITY;
    this.lastDrift = false;
    this.lastWarning = false;
  }
}

function toBit(x: ErrorBit): 0 | 1 {
  if (x === true || x === 1) return 1;
  if (x === false || x === 0) return 0;
  throw invalidArgument(`DDM.update: the observation is ${String(x)}; DDM takes error bits (0/1 or false/true)`);
}
