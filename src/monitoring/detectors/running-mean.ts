/**
 * The running mean of river's `stats.Mean`, with its exact floating-point steps so the detectors built on it
 * (DDM, Page-Hinkley) take the same decisions as river on the same stream:
 * `n ← n + 1; mean ← mean + (1 / n) · (x − mean)`.
 */
export class RunningMean {
  private count = 0;
  private value = 0;

  update(x: number): void {
    this.count += 1;
    this.value += (1 / this.count) * (x - this.value);
  }

  /** Number of observations. */
  get n(): number {
    return this.count;
  }

  /** The mean so far (0 before any observation, as river). */
  get mean(): number {
    return this.value;
  }
}
