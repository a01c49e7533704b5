/**
 * Where the prediction logger's batches go. A writer builds the records of a batch of logged requests
 * (log-plan.ts) and appends them to a prediction log, one batch at a time (the logger never overlaps writes).
 *
 * - `inThreadWriter(sink)`: on the calling thread, into a PredictionLogRepository it is given.
 * - `WorkerWriter` (worker-writer.ts): on a worker thread with its own connection to the metadata store, so
 *   building records and the database's work never take the server's event loop (appending costs tens of µs per
 *   row, as much as answering a request).
 */
import { randomBytes } from 'node:crypto';
import type { PredictionLogRepository } from '../../store/monitors.js';
import { type LoggedRequest, predictionRecords } from './log-plan.js';

export type PredictionSink = Pick<PredictionLogRepository, 'append'>;

export interface PredictionWriter {
  /** Writes the records of these requests; rejects when they could not be written. */
  write(batch: readonly LoggedRequest[]): Promise<void>;
  /** Frees what the writer holds (after the last write). */
  close(): Promise<void>;
}

/** Ids for requests that came without one: a random prefix per writer, then a counter. */
export function idGenerator(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

/** Builds and appends records on this thread. */
export function inThreadWriter(sink: PredictionSink): PredictionWriter {
  const newId = idGenerator();
  return {
    async write(batch) {
      await sink.append(batch.flatMap((logged) => predictionRecords(logged, newId)));
    },
    close: async () => {},
  };
}
