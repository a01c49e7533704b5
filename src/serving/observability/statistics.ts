/**
 * Per-version inference statistics in the shape of Triton's statistics extension
 * (`GET /v2/models[/{name}[/versions/{version}]]/stats`, docs/protocol/extension_statistics.md):
 * counts and cumulative nanoseconds of successes, failures, queue time and compute time, the number of
 * inferences (rows) and executions (batches), and per-batch-size compute statistics.
 * Osprey measures a batch's compute as one span: it is reported as `compute_infer`, with `compute_input` and
 * `compute_output` at zero.
 */

interface Duration {
  count: number;
  ns: number;
}

const duration = (): Duration => ({ count: 0, ns: 0 });
const add = (d: Duration, ms: number) => {
  d.count++;
  d.ns += Math.round(ms * 1e6);
};

export interface ModelStatisticsJson {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: Record<
    'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output',
    Duration
  >;
  batch_stats: { batch_size: number; compute_input: Duration; compute_infer: Duration; compute_output: Duration }[];
}

export class VersionStatistics {
  private lastInference = 0;
  private inferences = 0;
  private executions = 0;
  private readonly success = duration();
  private readonly fail = duration();
  private readonly queue = duration();
  private readonly computeInfer = duration();
  private readonly batches = new Map<number, Duration>();

  constructor(
    readonly name: string,
    readonly version: string,
  ) {}

  succeeded(latencyMs: number, queueMs: number, computeMs: number): void {
    this.lastInference = Date.now();
    add(this.success, latencyMs);
    add(this.queue, queueMs);
    add(this.computeInfer, computeMs);
  }

  failed(latencyMs: number): void {
    add(this.fail, latencyMs);
  }

  batch(rows: number, computeMs: number): void {
    this.inferences += rows;
    this.executions++;
    let stats = this.batches.get(rows);
    if (stats === undefined) {
      stats = duration();
      this.batches.set(rows, stats);
    }
    add(stats, computeMs);
  }

  toJSON(): ModelStatisticsJson {
    return {
      name: this.name,
      version: this.version,
      last_inference: this.lastInference,
      inference_count: this.inferences,
      execution_count: this.executions,
      inference_stats: {
        success: { ...this.success },
        fail: { ...this.fail },
        queue: { ...this.queue },
        compute_input: duration(),
        compute_infer: { ...this.computeInfer },
        compute_output: duration(),
      },
      batch_stats: [...this.batches]
        .sort(([a], [b]) => a - b)
        .map(([batchSize, stats]) => ({
          batch_size: batchSize,
          compute_input: { count: stats.count, ns: 0 },
          compute_infer: { ...stats },
          compute_output: { count: stats.count, ns: 0 },
        })),
    };
  }
}
