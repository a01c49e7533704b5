import { invalidArgument, notFound } from '../core/errors.js';
import type { HistoryCursor, Metric, MetricWithRunId, TrackingRepository } from '../store/tracking.js';
import { decodeHistoryToken, encodeHistoryToken } from './page-tokens.js';

/** Rows read per query while streaming a history: bounds memory whatever the history's length. */
export const HISTORY_CHUNK = 5000;
/** get-history-bulk-interval limits (MLflow's MAX_RUNS_GET_METRIC_HISTORY_BULK and MAX_RESULTS_PER_RUN). */
export const BULK_MAX_RUNS = 100;
export const BULK_MAX_RESULTS = 2500;

export interface HistoryStream {
  /** The history in (step, timestamp, value) order, a bounded chunk at a time. */
  chunks: AsyncIterable<Metric[]>;
  /** After `chunks` is exhausted: the token of the next page, when `maxResults` cut the history short. */
  nextPageToken(): string | undefined;
}

/**
 * A run's metric history as a stream of chunks, from the page token on, at most `maxResults` values (all when
 * undefined). NOT_FOUND for an unknown run and INVALID_ARGUMENT for a bad token are thrown before streaming starts.
 */
export async function streamMetricHistory(
  repository: TrackingRepository,
  runId: string,
  key: string,
  options: { maxResults?: number; pageToken?: string } = {},
): Promise<HistoryStream> {
  const start = decodeHistoryToken(options.pageToken);
  if (options.maxResults !== undefined && options.maxResults < 1) {
    throw invalidArgument(`Invalid value ${options.maxResults} for parameter 'max_results': it must be positive`);
  }
  if (!(await repository.getRun(runId))) throw notFound(`Run with id=${runId} not found`, { runId });
  let nextToken: string | undefined;
  async function* chunks(): AsyncGenerator<Metric[]> {
    let after: HistoryCursor | undefined = start;
    let remaining = options.maxResults ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const page = await repository.getMetricHistory(runId, key, Math.min(HISTORY_CHUNK, remaining), after);
      if (page.metrics.length > 0) yield page.metrics;
      remaining -= page.metrics.length;
      if (!page.next) return;
      after = page.next;
    }
    if (after) nextToken = encodeHistoryToken(after);
  }
  return { chunks: chunks(), nextPageToken: () => nextToken };
}

export interface BulkIntervalRequest {
  runIds: string[];
  key: string;
  startStep?: number;
  endStep?: number;
  maxResults?: number;
}

/**
 * Histories of several runs at a sample of their steps, as MLflow's UI charts them: at most `maxResults` steps
 * evenly spaced over [startStep, endStep] (0 to the greatest logged step when neither is given) among the steps any
 * run logged, plus each run's first and last step in range; every run's values at those steps, run by run.
 */
export async function bulkIntervalHistory(
  repository: TrackingRepository,
  request: BulkIntervalRequest,
): Promise<MetricWithRunId[]> {
  const { runIds, key } = request;
  if (runIds.length === 0) throw invalidArgument("Missing value for required parameter 'run_ids'.");
  if (runIds.length > BULK_MAX_RUNS) {
    throw invalidArgument(
      `GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`,
    );
  }
  const maxResults = request.maxResults ?? BULK_MAX_RESULTS;
  if (maxResults < 1 || maxResults > BULK_MAX_RESULTS) {
    throw invalidArgument(`max_results must be between 1 and ${BULK_MAX_RESULTS}.`);
  }
  if ((request.startStep === undefined) !== (request.endStep === undefined)) {
    throw invalidArgument('If either start step or end step are specified, both must be specified.');
  }
  if (request.startStep !== undefined && request.endStep !== undefined && request.startStep > request.endStep) {
    throw invalidArgument(
      `end_step must be greater than start_step. Found start_step=${request.startStep} and end_step=${request.endStep}.`,
    );
  }
  const stepsByRun = await repository.getMetricSteps(runIds, key);
  const allSteps = [...new Set([...stepsByRun.values()].flat())].sort((a, b) => a - b);
  const startStep = request.startStep ?? 0;
  const endStep = request.endStep ?? allSteps.at(-1) ?? 0;
  const chosen = new Set(sampleSteps(allSteps, startStep, endStep, maxResults));
  for (const steps of stepsByRun.values()) {
    for (const edge of [steps[0], steps.at(-1)]) {
      if (edge !== undefined && edge >= startStep && edge <= endStep) chosen.add(edge);
    }
  }
  const metrics = await repository.getMetricsAtSteps(
    runIds,
    key,
    [...chosen].sort((a, b) => a - b),
  );
  const order = new Map(runIds.map((id, index) => [id, index]));
  return metrics.sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0));
}

/** At most `max` (+1, the last) of the ascending `steps` within [start, end], evenly spaced. */
export function sampleSteps(steps: number[], start: number, end: number, max: number): number[] {
  const first = steps.findIndex((s) => s >= start);
  if (first < 0) return [];
  let last = steps.length;
  while (last > first && steps[last - 1]! > end) last--;
  const count = last - first;
  if (count <= max) return steps.slice(first, last);
  const interval = count / max;
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(steps[first + Math.floor(i * interval)]!);
  out.push(steps[last - 1]!);
  return out;
}
