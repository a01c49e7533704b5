import { invalidArgument, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { nowMillis } from '../core/time.js';
import type { DatasetRepository } from '../store/metadata-store.js';
import {
  DEFAULT_EXPERIMENT_ID,
  type ExperimentRecord,
  type Metric,
  type NewDatasetInput,
  RUN_NAME_TAG,
  type RunInfoRecord,
  type RunRecord,
  type RunStatus,
  type Tag,
  type TrackedDataset,
  type TrackingRepository,
  type ViewType,
} from '../store/tracking.js';
import { checkArtifactLocation, defaultExperimentArtifactLocation, runArtifactUri } from './artifact-locations.js';
import { findLinkedVersion } from './dataset-links.js';
import { parseExperimentOrderBy, parseRunOrderBy } from './order-by.js';
import { decodeOffsetToken, encodeOffsetToken } from './page-tokens.js';
import { randomRunName } from './run-names.js';
import { parseExperimentFilter, parseRunFilter } from './search-filter.js';
import * as check from './validation.js';

/** The most results one search page may ask for, and the default (MLflow's SEARCH_MAX_RESULTS_*). */
export const SEARCH_MAX_RESULTS = 50_000;
export const SEARCH_DEFAULT_RESULTS = 1000;

export interface SearchPage<T> {
  items: T[];
  nextPageToken?: string;
}

export interface SearchOptions {
  filter?: string;
  orderBy?: readonly string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

export interface NewRunRequest {
  /** The id to give the run (Osprey's orchestrator reuses its pipeline run and task ids); default: a new one. */
  runId?: string;
  experimentId?: string;
  userId?: string;
  runName?: string;
  startTime?: number;
  tags?: Tag[];
}

export interface DatasetInputRequest {
  dataset: TrackedDataset;
  tags: Tag[];
}

/**
 * MLflow tracking over the metadata store: validates what clients send with MLflow's rules and messages, parses
 * search filters and order_by, assigns run ids, names and artifact URIs, and links dataset inputs to Osprey
 * dataset versions. Every write is one store transaction.
 */
export class TrackingService {
  constructor(
    readonly repository: TrackingRepository,
    private readonly datasets: DatasetRepository,
    private readonly now: () => number = nowMillis,
  ) {}

  async createExperiment(name: string, artifactLocation: string | undefined, tags: Tag[]): Promise<string> {
    check.validateExperimentName(name);
    for (const tag of tags) check.validateExperimentTag(tag);
    const location = artifactLocation ? checkArtifactLocation(artifactLocation) : undefined;
    const created = await this.repository.createExperiment({
      name,
      tags,
      artifactLocation: (id) => location ?? defaultExperimentArtifactLocation(id),
      creationTime: this.now(),
    });
    return created.experimentId;
  }

  async getExperiment(experimentId: string): Promise<ExperimentRecord> {
    const experiment = await this.repository.getExperiment(experimentId);
    if (!experiment) throw notFound(`No Experiment with id=${experimentId} exists`, { experimentId });
    return experiment;
  }

  async getExperimentByName(name: string): Promise<ExperimentRecord> {
    const experiment = await this.repository.getExperimentByName(name);
    if (!experiment) throw notFound(`Could not find experiment with name '${name}'`, { name });
    return experiment;
  }

  async searchExperiments(options: SearchOptions): Promise<SearchPage<ExperimentRecord>> {
    const limit = checkMaxResults(options.maxResults);
    const offset = decodeOffsetToken(options.pageToken);
    const page = await this.repository.searchExperiments({
      viewType: options.viewType ?? 'ACTIVE_ONLY',
      filter: parseExperimentFilter(options.filter),
      orderBy: parseExperimentOrderBy(options.orderBy ?? []),
      offset,
      limit,
    });
    return withToken(page.items, page.nextOffset);
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    check.validateExperimentName(newName);
    await this.repository.renameExperiment(experimentId, newName, this.now());
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.repository.deleteExperiment(experimentId, this.now());
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.repository.restoreExperiment(experimentId, this.now());
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    check.validateExperimentTag(tag);
    await this.repository.setExperimentTag(experimentId, tag);
  }

  /** A RUNNING run; its name is the given one, else the `mlflow.runName` tag, else a generated one. */
  async createRun(request: NewRunRequest): Promise<RunRecord> {
    const tags = request.tags ?? [];
    for (const tag of tags) check.validateRunTag(tag);
    const nameTag = tags.findLast((t) => t.key === RUN_NAME_TAG)?.value;
    if (request.runName && nameTag && request.runName !== nameTag) {
      throw invalidArgument(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.runName}', mlflow.runName='${nameTag}').`,
      );
    }
    const runName = request.runName || nameTag || randomRunName();
    check.validateRunName(runName);
    const experiment = await this.getExperiment(request.experimentId || DEFAULT_EXPERIMENT_ID);
    if (request.runId !== undefined) check.validateRunId(request.runId);
    const runId = request.runId ?? newId();
    return this.repository.createRun({
      runId,
      experimentId: experiment.experimentId,
      runName,
      userId: request.userId ?? '',
      startTime: request.startTime ?? this.now(),
      artifactUri: runArtifactUri(experiment.artifactLocation, runId),
      tags: nameTag === undefined ? [...tags, { key: RUN_NAME_TAG, value: runName }] : tags,
    });
  }

  async getRun(runId: string): Promise<RunRecord> {
    const run = await this.repository.getRun(runId);
    if (!run) throw notFound(`Run with id=${runId} not found`, { runId });
    return run;
  }

  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfoRecord> {
    const { runName, ...rest } = update;
    if (runName) check.validateRunName(runName);
    return this.repository.updateRun(runId, runName ? { ...rest, runName } : rest);
  }

  deleteRun(runId: string): Promise<void> {
    return this.repository.deleteRun(runId, this.now());
  }

  restoreRun(runId: string): Promise<void> {
    return this.repository.restoreRun(runId);
  }

  async searchRuns(experimentIds: string[], options: SearchOptions): Promise<SearchPage<RunRecord>> {
    const limit = checkMaxResults(options.maxResults);
    const offset = decodeOffsetToken(options.pageToken);
    const page = await this.repository.searchRuns({
      experimentIds,
      viewType: options.viewType ?? 'ACTIVE_ONLY',
      filter: parseRunFilter(options.filter),
      orderBy: parseRunOrderBy(options.orderBy ?? []),
      offset,
      limit,
    });
    return withToken(page.items, page.nextOffset);
  }

  logMetric(runId: string, metric: Metric): Promise<void> {
    return this.logBatch(runId, [metric], [], []);
  }

  logParam(runId: string, param: Tag): Promise<void> {
    return this.logBatch(runId, [], [param], []);
  }

  setTag(runId: string, tag: Tag): Promise<void> {
    return this.logBatch(runId, [], [], [tag]);
  }

  async logBatch(runId: string, metrics: Metric[], params: Tag[], tags: Tag[]): Promise<void> {
    check.validateRunId(runId);
    check.validateBatch(metrics, params, tags);
    await this.repository.logBatch(runId, { metrics, params, tags });
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.repository.deleteTag(runId, key);
  }

  /** Records dataset inputs, each linked to the Osprey dataset version its digest names (when one does). */
  async logInputs(runId: string, inputs: DatasetInputRequest[]): Promise<void> {
    check.validateRunId(runId);
    for (const input of inputs) {
      check.validateDataset(input.dataset);
      for (const tag of input.tags) check.validateInputTag(tag);
    }
    const linked: NewDatasetInput[] = [];
    for (const input of inputs) {
      linked.push({ ...input, datasetVersionId: await findLinkedVersion(this.datasets, input.dataset) });
    }
    await this.repository.logInputs(runId, linked);
  }
}

function checkMaxResults(maxResults: number | undefined): number {
  const value = maxResults ?? SEARCH_DEFAULT_RESULTS;
  if (value < 1) {
    throw invalidArgument(
      `Invalid value for request parameter max_results. It must be a positive integer, but got ${value}`,
    );
  }
  if (value > SEARCH_MAX_RESULTS) {
    throw invalidArgument(
      `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS}, but got value ${value}`,
    );
  }
  return value;
}

function withToken<T>(items: T[], nextOffset: number | null): SearchPage<T> {
  return nextOffset === null ? { items } : { items, nextPageToken: encodeOffsetToken(nextOffset) };
}
