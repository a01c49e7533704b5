/**
 * Histograms and counters for the inference hot path, exposed through a prom-client Registry.
 *
 * prom-client's own `labels(...).observe()` re-validates and re-hashes the label set on every call (measured at
 * about 6% of the server's CPU at 7k requests/s). Here a labelled child is a plain object of numbers that an
 * observation updates in place; the registry reads them when scraped, through the `get()` every prom-client
 * metric implements (same text exposition, same names and types).
 */
import type { Metric, Registry } from 'prom-client';

/** The exposition's metric types (prom-client's typings declare a numeric enum; its registry reads these strings). */
type MetricType = 'histogram' | 'counter';

type Labels = Readonly<Record<string, string>>;

interface MetricValue {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}

/** The shape prom-client's Registry reads from a metric. */
abstract class ScrapedMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected abstract values(): MetricValue[];

  get(): { name: string; help: string; type: MetricType; aggregator: 'sum'; values: MetricValue[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values: this.values() };
  }
}

export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++)
      if (value <= bounds[i]!) {
        this.counts[i]!++;
        return;
      }
  }
}

export class LabelledHistogram extends ScrapedMetric {
  private readonly children = new Map<string, { labels: Labels; child: HistogramChild }>();

  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, 'histogram', registry);
  }

  /** The child for a label set (created on first use, then reused by the caller). */
  child(labels: Labels): HistogramChild {
    const key = JSON.stringify(labels);
    let entry = this.children.get(key);
    if (entry === undefined) {
      entry = { labels, child: new HistogramChild(this.bounds) };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected values(): MetricValue[] {
    const values: MetricValue[] = [];
    for (const { labels, child } of this.children.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += child.counts[i]!;
        values.push({ value: cumulative, labels: { ...labels, le: String(bound) }, metricName: `${this.name}_bucket` });
      });
      values.push({ value: child.count, labels: { ...labels, le: '+Inf' }, metricName: `${this.name}_bucket` });
      values.push({ value: child.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: child.count, labels, metricName: `${this.name}_count` });
    }
    return values;
  }
}

export class CounterChild {
  value = 0;
  inc(): void {
    this.value++;
  }
}

export class LabelledCounter extends ScrapedMetric {
  private readonly children = new Map<string, { labels: Labels; child: CounterChild }>();

  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  child(labels: Labels): CounterChild {
    const key = JSON.stringify(labels);
    let entry = this.children.get(key);
    if (entry === undefined) {
      entry = { labels, child: new CounterChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected values(): MetricValue[] {
    return [...this.children.values()].map(({ labels, child }) => ({ value: child.value, labels }));
  }
}
