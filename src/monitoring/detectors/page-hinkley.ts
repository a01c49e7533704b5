import { invalidArgument } from '../../core/errors.js';
import { checkObservation, checkParameter, type DriftDetector, type DriftSignal } from './detector.js';
import { RunningMean } from './running-mean.js';

/** Which direction of change Page-Hinkley watches. */
export type PageHinkleyMode = 'up' | 'down' | 'both';

/** river.drift.PageHinkley's parameters. */
export interface PageHinkleyOptions {
  /** Observations needed before a drift can be signalled (default 30). */
  minInstances?: number;
  /** Magnitude of change tolerated, in the unit of the stream (default 0.005). */
  delta?: number;
  /** λ, the detection threshold (default 50). */
  threshold?: number;
  /** Forgetting factor of the cumulative sums (default 1 − 0.0001). */
  alpha?: number;
  /** Watch increases, decreases or both (default 'both'). */
  mode?: PageHinkleyMode;
}

export const PAGE_HINKLEY_DEFAULTS: Readonly<Required<PageHinkleyOptions>> = Object.freeze({
  minInstances: 30,
  delta: 0.005,
  threshold: 50.0,
  alpha: 1 - 0.0001,
  mode: 'both',
});

/**
 * The Page-Hinkley test (Page 1954), as river.drift.PageHinkley computes it. With x̄ the running mean of the
 * observations since the last reset (including x) and dev = x − x̄:
 *
 *   U ← α·U + dev − δ,   U_min ← min(U_min, U)   (U_min starts at +∞)
 *   D ← α·D + dev + δ,   D_max ← max(D_max, D)   (D_max starts at −1, exactly as river)
 *
 * Once n ≥ `minInstances`, drift = (U − U_min > λ) for 'up', (D_max − D > λ) for 'down', either for 'both'.
 * The update after a drift starts from a fresh state (river's reset).
 */
export class PageHinkley implements DriftDetector {
  readonly name = 'PageHinkley';
  readonly hasWarningZone = false;
  readonly options: Readonly<Required<PageHinkleyOptions>>;

  private mean = new RunningMean();
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.POSITIVE_INFINITY;
  private maxDecrease = -1;
  private lastDrift = false;
  private detectionCount = 0;

  constructor(options: PageHinkleyOptions = {}) {
    const o = { ...PAGE_HINKLEY_DEFAULTS, ...options };
    checkParameter('PageHinkley', 'minInstances', o.minInstances, { min: 1, integer: true });
    checkParameter('PageHinkley', 'delta', o.delta, { min: 0 });
    checkParameter('PageHinkley', 'threshold', o.threshold, { minExclusive: 0 });
    checkParameter('PageHinkley', 'alpha', o.alpha, { minExclusive: 0, max: 1 });
    if (o.mode !== 'up' && o.mode !== 'down' && o.mode !== 'both') {
      throw invalidArgument(`PageHinkley: mode must be 'up', 'down' or 'both', got ${String(o.mode)}`);
    }
    this.options = Object.freeze(o);
  }

  update(x: number): DriftSignal {
    checkObservation(this.name, x);
    if (this.lastDrift) this.clearState();
    this.mean.update(x);
    const dev = x - this.mean.mean;
    const { alpha, delta } = this.options;
    this.sumIncrease = alpha * this.sumIncrease + dev - delta;
    this.sumDecrease = alpha * this.sumDecrease + dev + delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.mean.n >= this.options.minInstances) {
      const increase = this.sumIncrease - this.minIncrease;
      const decrease = this.maxDecrease - this.sumDecrease;
      const { mode, threshold } = this.options;
      this.lastDrift = (mode !== 'down' && increase > threshold) || (mode !== 'up' && decrease > threshold);
      if (this.lastDrift) this.detectionCount++;
    }
    return { drift: this.lastDrift };
  }

  reset(): void {
    this.clearState();
    this.detectionCount = 0;
  }

  get driftDetected(): boolean {
    return this.lastDrift;
  }

  get detections(): number {
    return this.detectionCount;
  }

  /** Observations since the last reset (or drift). */
  get n(): number {
    return this.mean.n;
  }

  /** The two test statistics: U − U_min (increase) and D_max − D (decrease); −∞/NaN-free once n ≥ 1. */
  get statistics(): { increase: number; decrease: number } {
    return { increase: this.sumIncrease - this.minIncrease, decrease: this.maxDecrease - this.sumDecrease };
  }

  private clearState(): void {
    this.mean = new RunningMean();
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.POSITIVE_INFINITY;
    this.maxDecrease = -1;
    this.lastDrift = false;
  }
}
