import type {
  ExperimentRecord,
  ExperimentSearch,
  HistoryCursor,
  HistoryPage,
  MetricWithRunId,
  NewDatasetInput,
  NewExperiment,
  NewRun,
  Page,
  RunBatch,
  RunInfoRecord,
  RunRecord,
  RunSearch,
  RunUpdate,
  Tag,
  TrackingRepository,
} from '../tracking.js';
import * as experiments from './tracking-experiments.js';
import { GroupCommit } from './tracking-group-commit.js';
import { logInputs } from './tracking-inputs.js';
import { deleteTag, writeBatch } from './tracking-logging.js';
import { readAtSteps, readHistory, readSteps } from './tracking-metrics.js';
import * as runs from './tracking-runs.js';
import { read, type SqlContext } from './transactions.js';

/**
 * Tracking over Kysely: experiments, runs and their data, one file per concern (tracking-*.ts). Every write is one
 * transaction (see transactions.ts), log-batches sharing theirs by group commit; reads run outside any.
 */
export class SqlTrackingRepository implements TrackingRepository {
  readonly #batches: GroupCommit;

  constructor(private readonly ctx: SqlContext) {
    this.#batches = new GroupCommit(ctx, (trx, runId, batch) => writeBatch(trx, ctx.kind, runId, batch));
  }

  createExperiment(input: NewExperiment): Promise<ExperimentRecord> {
    return experiments.createExperiment(this.ctx, input);
  }

  getExperiment(experimentId: string): Promise<ExperimentRecord | undefined> {
    return experiments.getExperiment(this.ctx, experimentId);
  }

  getExperimentByName(name: string): Promise<ExperimentRecord | undefined> {
    return experiments.getExperimentByName(this.ctx, name);
  }

  searchExperiments(search: ExperimentSearch): Promise<Page<ExperimentRecord>> {
    return experiments.searchExperiments(this.ctx, search);
  }

  renameExperiment(experimentId: string, newName: string, now: number): Promise<void> {
    return experiments.renameExperiment(this.ctx, experimentId, newName, now);
  }

  deleteExperiment(experimentId: string, now: number): Promise<void> {
    return experiments.setExperimentStage(this.ctx, experimentId, 'deleted', now);
  }

  restoreExperiment(experimentId: string, now: number): Promise<void> {
    return experiments.setExperimentStage(this.ctx, experimentId, 'active', now);
  }

  setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    return experiments.setExperimentTag(this.ctx, experimentId, tag);
  }

  createRun(input: NewRun): Promise<RunRecord> {
    return runs.createRun(this.ctx, input);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return runs.getRun(this.ctx, runId);
  }

  updateRun(runId: string, update: RunUpdate): Promise<RunInfoRecord> {
    return runs.updateRun(this.ctx, runId, update);
  }

  deleteRun(runId: string, now: number): Promise<void> {
    return runs.setRunStage(this.ctx, runId, 'deleted', now);
  }

  restoreRun(runId: string): Promise<void> {
    return runs.setRunStage(this.ctx, runId, 'active', 0);
  }

  searchRuns(search: RunSearch): Promise<Page<RunRecord>> {
    return runs.searchRuns(this.ctx, search);
  }

  logBatch(runId: string, batch: RunBatch): Promise<void> {
    return this.#batches.submit(runId, batch);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return deleteTag(this.ctx, runId, key);
  }

  logInputs(runId: string, inputs: NewDatasetInput[]): Promise<void> {
    return logInputs(this.ctx, runId, inputs);
  }

  getMetricHistory(runId: string, key: string, limit: number, after?: HistoryCursor): Promise<HistoryPage> {
    return read(this.ctx, (db) => readHistory(db, runId, key, limit, after));
  }

  getMetricSteps(runIds: string[], key: string, startStep?: number, endStep?: number): Promise<Map<string, number[]>> {
    return read(this.ctx, (db) => readSteps(db, runIds, key, startStep, endStep));
  }

  getMetricsAtSteps(runIds: string[], key: string, steps: number[]): Promise<MetricWithRunId[]> {
    return read(this.ctx, (db) => readAtSteps(db, runIds, key, steps));
  }
}
