/**
 * ADWIN's compressed window (the "exponential histogram" of ADWIN2, Bifet & Gavaldà 2007), laid out as river's
 * `AdaptiveWindowing` keeps it: row `r` holds buckets that each summarise 2^r consecutive observations by their
 * total and their variance (sum of squared deviations from the bucket mean). Row 0 holds the newest observations;
 * within a row, index 0 is the oldest bucket. When a row reaches `maxBuckets + 1` buckets its two oldest are merged
 * into one bucket appended (as the newest) to the next row, cascading while that row overflows too.
 */
export class ExponentialHistogram {
  private readonly rows: BucketRow[];

  constructor(private readonly maxBuckets: number) {
    this.rows = [new BucketRow(maxBuckets)];
  }

  /** Number of rows; the oldest row is `rowCount − 1`. */
  get rowCount(): number {
    return this.rows.length;
  }

  /** Number of buckets in row `r`. */
  bucketsIn(r: number): number {
    return this.rows[r]!.count;
  }

  /** Total of bucket `k` (0 = oldest) of row `r`. */
  totalAt(r: number, k: number): number {
    return this.rows[r]!.totals[k]!;
  }

  /** Adds one observation as a bucket of size 1, then merges overflowing rows. */
  add(value: number): void {
    this.rows[0]!.push(value, 0);
    this.compress();
  }

  /**
   * Removes the oldest bucket (index 0 of the last row) and returns its size, total and variance;
   * the last row is dropped when it becomes empty.
   */
  removeOldest(): { size: number; total: number; variance: number } {
    const r = this.rows.length - 1;
    const row = this.rows[r]!;
    const removed = { size: 2 ** r, total: row.totals[0]!, variance: row.variances[0]! };
    row.shift(1);
    if (row.count === 0) this.rows.pop();
    return removed;
  }

  private compress(): void {
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r]!;
      if (row.count !== this.maxBuckets + 1) return;
      if (r + 1 === this.rows.length) this.rows.push(new BucketRow(this.maxBuckets));
      const next = this.rows[r + 1]!;
      const size = 2 ** r;
      const meanDifference = row.totals[0]! / size - row.totals[1]! / size;
      // Chan et al.'s merge of two variances: n₁n₂/(n₁+n₂)·(μ₁−μ₂)², with n₁ = n₂ = size.
      const between = size * 0.5 * meanDifference * meanDifference;
      next.push(row.totals[0]! + row.totals[1]!, row.variances[0]! + row.variances[1]! + between);
      row.shift(2);
      if (next.count <= this.maxBuckets) return;
    }
  }
}

class BucketRow {
  readonly totals: Float64Array;
  readonly variances: Float64Array;
  count = 0;

  constructor(maxBuckets: number) {
    this.totals = new Float64Array(maxBuckets + 1);
    this.variances = new Float64Array(maxBuckets + 1);
  }

  push(total: number, variance: number): void {
    this.totals[this.count] = total;
    this.variances[this.count] = variance;
    this.count++;
  }

  /** Drops the `n` oldest buckets. */
  shift(n: number): void {
    this.totals.copyWithin(0, n, this.count);
    this.variances.copyWithin(0, n, this.count);
    this.totals.fill(0, this.count - n, this.count);
    this.variances.fill(0, this.count - n, this.count);
    this.count -= n;
  }
}
