/**
 * The demo's live traffic: later days of the bundled Seattle weather replayed through the Open Inference Protocol
 * (REST, one request per day, the date as request id and routing key), with the true weather of the days attached
 * to the prediction log later — late labels, as production gets them.
 */
import { errorMessage } from '../core/errors.js';
import { type WeatherDay, weatherFeatures } from '../ml/seattle-weather.js';
import type { JsonValue, MetadataStore } from '../store/metadata-store.js';

export interface DayAnswer {
  date: string;
  version: string;
  label: string;
}

export interface TrafficTally {
  requests: number;
  failed: number;
  /** Answers per model version. */
  byVersion: Record<string, number>;
  correct: number;
}

export class WeatherTraffic {
  readonly tally: TrafficTally = { requests: 0, failed: 0, byVersion: {}, correct: 0 };
  lastError: string | undefined;
  private pendingLabels: { requestId: string; label: string }[] = [];

  constructor(
    private readonly url: string,
    private readonly endpoint: string,
    private readonly store: MetadataStore,
    /** The class the model predicts for a day (the pipeline's target). */
    private readonly truth: (day: WeatherDay) => string,
  ) {}

  /** Sends one day; returns the answer (a failed request is counted and returned as undefined). */
  async send(day: WeatherDay): Promise<DayAnswer | undefined> {
    this.tally.requests++;
    try {
      const response = await fetch(`${this.url}/v2/models/${this.endpoint}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: day.date,
          parameters: { routing_key: day.date },
          inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 6], data: weatherFeatures(day) }],
        }),
      });
      const body = (await response.json()) as {
        model_version?: string;
        outputs?: { name: string; data: JsonValue[] }[];
        error?: string;
      };
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${body.error ?? ''}`);
      const label = String(body.outputs?.find((o) => o.name === 'label')?.data[0]);
      const version = body.model_version ?? '?';
      this.tally.byVersion[version] = (this.tally.byVersion[version] ?? 0) + 1;
      if (label === this.truth(day)) this.tally.correct++;
      this.pendingLabels.push({ requestId: day.date, label: this.truth(day) });
      return { date: day.date, version, label };
    } catch (error) {
      this.tally.failed++;
      this.lastError = errorMessage(error);
      return undefined;
    }
  }

  /** The truth of the days answered so far arrives (after the prediction log has written them). */
  async attachLabels(): Promise<number> {
    const labels = this.pendingLabels;
    this.pendingLabels = [];
    if (labels.length === 0) return 0;
    return (await this.store.predictions.attachLabels(this.endpoint, labels)).matched;
  }
}
