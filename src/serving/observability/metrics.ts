/**
 * The model server's Prometheus metrics (prom-client, text exposition at `/metrics`), labelled by model and
 * version: request latency, queue time, compute time and batch size histograms; successes and failures (by
 * reason) counters; in-flight and queued requests gauges, read from the batchers when scraped.
 *
 * Each served version takes its labelled children once (`forVersion`), so the hot path does no label lookups
 * (labelled-metrics.ts).
 */
import { Gauge, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** What the gauges read when scraped. */
export interface QueueState {
  readonly name: string;
  readonly version: string;
  readonly inFlight: number;
  readonly queued: number;
}

/** The metrics of one model version; all durations in milliseconds. */
export interface VersionMetrics {
  /** A request answered: its latency from decoded to answered, and its time in the queue. */
  succeeded(latencyMs: number, queueMs: number): void;
  /** A request that failed; `reason` e.g. `invalid_argument`, `queue-full`, `queue-timeout`. */
  failed(reason: string): void;
  /** One executed batch. */
  batch(rows: number, computeMs: number): void;
}

export class ServingMetrics {
  readonly registry = new Registry();
  private readonly latency: LabelledHistogram;
  private readonly queue: LabelledHistogram;
  private readonly compute: LabelledHistogram;
  private readonly batchSize: LabelledHistogram;
  private readonly successes: LabelledCounter;
  private readonly failures: LabelledCounter;

  constructor(queues: () => Iterable<QueueState>) {
    const registry = this.registry;
    this.latency = new LabelledHistogram(
      'osprey_inference_request_duration_seconds',
      'Inference request latency, from decoded request to answer',
      LATENCY_BUCKETS,
      registry,
    );
    this.queue = new LabelledHistogram(
      'osprey_inference_queue_duration_seconds',
      'Time a request waited in the batcher queue',
      LATENCY_BUCKETS,
      registry,
    );
    this.compute = new LabelledHistogram(
      'osprey_inference_compute_duration_seconds',
      'Time one batch took to run',
      LATENCY_BUCKETS,
      registry,
    );
    this.batchSize = new LabelledHistogram(
      'osprey_inference_batch_size',
      'Rows per executed batch',
      BATCH_BUCKETS,
      registry,
    );
    this.successes = new LabelledCounter('osprey_inference_success_total', 'Inference requests answered', registry);
    this.failures = new LabelledCounter(
      'osprey_inference_failure_total',
      'Inference requests failed, by reason',
      registry,
    );
    const gauge = (name: string, help: string, read: (state: QueueState) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model', 'version'],
        registers: [registry],
        collect() {
          this.reset();
          for (const state of queues()) this.labels(state.name, state.version).set(read(state));
        },
      });
    gauge('osprey_inference_in_flight_requests', 'Requests submitted and not yet answered', (s) => s.inFlight);
    gauge('osprey_inference_queued_requests', 'Requests waiting for a model instance', (s) => s.queued);
  }

  forVersion(model: string, version: string): VersionMetrics {
    const labels = { model, version };
    const latency = this.latency.child(labels);
    const queue = this.queue.child(labels);
    const compute = this.compute.child(labels);
    const batchSize = this.batchSize.child(labels);
    const successes = this.successes.child(labels);
    return {
      succeeded: (latencyMs, queueMs) => {
        latency.observe(latencyMs / 1000);
        queue.observe(queueMs / 1000);
        successes.inc();
      },
      failed: (reason) => this.failures.child({ model, version, reason }).inc(),
      batch: (rows, computeMs) => {
        batchSize.observe(rows);
        compute.observe(computeMs / 1000);
      },
    };
  }

  /** The text exposition and its content type. */
  async expose(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
