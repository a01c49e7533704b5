/**
 * The dynamic batcher's settings, named and meant as in Triton's model configuration
 * (`max_batch_size`, `dynamic_batching.preferred_batch_size`, `max_queue_delay_microseconds`,
 * `default_queue_policy.max_queue_size` / `default_timeout_microseconds`) and TF Serving's batching parameters.
 */
import { invalidArgument } from '../../core/errors.js';

export interface BatchingConfig {
  /**
   * The most rows (sum of the requests' first dimensions) one batch holds; a request bringing more is refused.
   * 0 turns batching off: each request runs alone, exactly as sent (the model need not have a batch dimension).
   */
  readonly maxBatchSize: number;
  /** Batch sizes to dispatch at once when the queue can form them exactly (empty: only max_batch_size). */
  readonly preferredBatchSizes: readonly number[];
  /**
   * How long the oldest queued request may wait for others to join its batch when an instance is free.
   * 0: dispatch whatever is queued as soon as an instance is free (batches still form while all are busy).
   */
  readonly maxQueueDelayUs: number;
  /** The most requests waiting for an instance; one more is refused at once with RESOURCE_EXHAUSTED. */
  readonly maxQueueSize: number;
  /** How long a request may wait in the queue when it sets no `timeout` parameter; 0: no limit. */
  readonly defaultTimeoutUs: number;
}

export const DEFAULT_BATCHING: BatchingConfig = {
  maxBatchSize: 64,
  preferredBatchSizes: [],
  maxQueueDelayUs: 0,
  maxQueueSize: 1024,
  defaultTimeoutUs: 0,
};

/** Checks a batching configuration; `where` names its origin (a config file, a CLI flag) in the message. */
export function checkBatchingConfig(config: BatchingConfig, where: string): BatchingConfig {
  const integer = (value: number, name: string, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw invalidArgument(`${where}: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  };
  integer(config.maxBatchSize, 'max_batch_size', 0, 1 << 20);
  integer(config.maxQueueDelayUs, 'max_queue_delay_us', 0, 60_000_000);
  integer(config.maxQueueSize, 'max_queue_size', 1, 1 << 24);
  integer(config.defaultTimeoutUs, 'default_timeout_us', 0, 3_600_000_000);
  for (const size of config.preferredBatchSizes) {
    integer(size, 'each preferred_batch_sizes entry', 1, 1 << 20);
    if (size > config.maxBatchSize)
      throw invalidArgument(`${where}: preferred batch size ${size} exceeds max_batch_size ${config.maxBatchSize}`);
  }
  return config;
}
