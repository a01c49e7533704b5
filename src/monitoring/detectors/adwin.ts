import { checkObservation, checkParameter, type DriftDetector, type DriftSignal } from './detector.js';
import { ExponentialHistogram } from './exponential-histogram.js';

/** river.drift.ADWIN's parameters. */
export interface AdwinOptions {
  /** Significance δ of the cut test (default 0.002). Smaller δ: fewer false alarms, later detections. */
  delta?: number;
  /** The window is checked for a cut every `clock` observations (default 32). */
  clock?: number;
  /** Buckets of each size kept before two are merged (default 5). */
  maxBuckets?: number;
  /** Both sub-windows of a cut must hold at least this many observations (default 5). */
  minWindowLength?: number;
  /** No check until the window holds more than this many observations (default 10). */
  gracePeriod?: number;
}

export const ADWIN_DEFAULTS: Readonly<Required<AdwinOptions>> = Object.freeze({
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
});

/**
 * ADWIN (ADaptive WINdowing, Bifet & Gavaldà 2007), as river.drift.ADWIN computes it.
 *
 * The window W of recent observations is kept compressed (`ExponentialHistogram`) with its width n, total and
 * variance V (sum of squared deviations, updated online: V += (n−1)(x − total/(n−1))²/n). Every `clock`-th update,
 * once n > `gracePeriod`, each split of W at a bucket boundary into an older W₀ (n₀ observations, mean μ₀) and a newer
 * W₁ (n₁, μ₁) — scanned from the oldest bucket on — is tested:
 *
 *   δ' = ln(2 · ln(n) / δ),  1/m = 1/(n₀ − L + 1) + 1/(n₁ − L + 1)  (L = `minWindowLength`),
 *   ε  = √(2 · (1/m) · (V/n) · δ') + (2/3) · δ' · (1/m),
 *
 * and the cut holds when n₀ ≥ L, n₁ ≥ L and |μ₀ − μ₁| > ε. On the first cut that holds, the oldest bucket is dropped
 * and the scan starts again, until no cut holds; a drift is signalled if any cut held. As in river (≥ 0.22), the
 * update after a signalled drift starts from an empty window (the whole detector resets), and `tick` (the clock)
 * restarts with it.
 */
export class Adwin implements DriftDetector {
  readonly name = 'ADWIN';
  readonly hasWarningZone = false;
  readonly options: Readonly<Required<AdwinOptions>>;

  private histogram!: ExponentialHistogram;
  private windowWidth = 0;
  private windowTotal = 0;
  private windowVariance = 0;
  private tick = 0;
  private lastDrift = false;
  private detectionCount = 0;

  constructor(options: AdwinOptions = {}) {
    const o = { ...ADWIN_DEFAULTS, ...options };
    checkParameter('ADWIN', 'delta', o.delta, { minExclusive: 0, maxExclusive: 1 });
    checkParameter('ADWIN', 'clock', o.clock, { min: 1, integer: true });
    checkParameter('ADWIN', 'maxBuckets', o.maxBuckets, { min: 2, integer: true });
    checkParameter('ADWIN', 'minWindowLength', o.minWindowLength, { min: 1, integer: true });
    checkParameter('ADWIN', 'gracePeriod', o.gracePeriod, { min: 0, integer: true });
    this.options = Object.freeze(o);
    this.clearWindow();
  }

  update(x: number): DriftSignal {
    checkObservation(this.name, x);
    if (this.lastDrift) this.clearWindow();
    this.insert(x);
    this.lastDrift = this.detectChange();
    if (this.lastDrift) this.detectionCount++;
    return { drift: this.lastDrift };
  }

  reset(): void {
    this.clearWindow();
    this.detectionCount = 0;
  }

  get driftDetected(): boolean {
    return this.lastDrift;
  }

  get detections(): number {
    return this.detectionCount;
  }

  /** Number of observations in the current window. */
  get width(): number {
    return this.windowWidth;
  }

  /** Sum of the observations in the window. */
  get total(): number {
    return this.windowTotal;
  }

  /** Sum of squared deviations from the window mean (river's `variance`; divide by `width` for the variance). */
  get variance(): number {
    return this.windowVariance;
  }

  /** Mean of the window (river's `estimation`): total / width, 0 for an empty window. */
  get estimation(): number {
    return this.windowWidth === 0 ? 0 : this.windowTotal / this.windowWidth;
  }

  private clearWindow(): void {
    this.histogram = new ExponentialHistogram(this.options.maxBuckets);
    this.windowWidth = 0;
    this.windowTotal = 0;
    this.windowVariance = 0;
    this.tick = 0;
    this.lastDrift = false;
  }

  private insert(x: number): void {
    this.histogram.add(x);
    this.windowWidth += 1;
    const w = this.windowWidth;
    if (w > 1) {
      const deviation = x - this.windowTotal / (w - 1);
      this.windowVariance += ((w - 1) * deviation * deviation) / w;
    }
    this.windowTotal += x;
  }

  private detectChange(): boolean {
    this.tick += 1;
    if (this.tick % this.options.clock !== 0 || this.windowWidth <= this.options.gracePeriod) return false;
    let changed = false;
    let shrunk = true;
    while (shrunk) {
      shrunk = this.dropOldestIfCutHolds();
      changed ||= shrunk;
    }
    return changed;
  }

  /** Scans the cuts from the oldest bucket on; on the first that holds, drops the oldest bucket and says so. */
  private dropOldestIfCutHolds(): boolean {
    const h = this.histogram;
    const L = this.options.minWindowLength;
    let n0 = 0;
    let n1 = this.windowWidth;
    let u0 = 0;
    let u1 = this.windowTotal;
    for (let r = h.rowCount - 1; r >= 0; r--) {
      const size = 2 ** r;
      const buckets = h.bucketsIn(r);
      for (let k = 0; k < buckets; k++) {
        const t = h.totalAt(r, k);
        n0 += size;
        n1 -= size;
        u0 += t;
        u1 -= t;
        if (r === 0 && k === buckets - 1) return false; // W₁ would be empty
        if (n1 >= L && n0 >= L && this.cutHolds(n0, n1, u0 / n0 - u1 / n1)) {
          this.dropOldestBucket();
          return true;
        }
      }
    }
    return false;
  }

  private cutHolds(n0: number, n1: number, meanDifference: number): boolean {
    const L = this.options.minWindowLength;
    const n = this.windowWidth;
    const deltaPrime = Math.log((2 * Math.log(n)) / this.options.delta);
    const mReciprocal = 1 / (n0 - L + 1) + 1 / (n1 - L + 1);
    const epsilon =
      Math.sqrt(2 * mReciprocal * (this.windowVariance / n) * deltaPrime) + (2 / 3) * deltaPrime * mReciprocal;
    return Math.abs(meanDifference) > epsilon;
  }

  private dropOldestBucket(): void {
    const { size, total, variance } = this.histogram.removeOldest();
    this.windowWidth -= size;
    this.windowTotal -= total;
    const bucketMean = total / size;
    const windowMean = this.windowTotal / this.windowWidth;
    const d = bucketMean - windowMean;
    this.windowVariance -= variance + (size * this.windowWidth * d * d) / (size + this.windowWidth);
  }
}
