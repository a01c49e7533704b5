import { notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { nowMillis } from '../../core/time.js';
import {
  type AttemptEnd,
  type CacheEntry,
  FINISHED_STATUSES,
  type NewPipelineRun,
  type PipelineAttemptRecord,
  type PipelineRunRecord,
  type PipelineRunRepository,
  type PipelineStatus,
  type PipelineTaskKind,
  type PipelineTaskRecord,
  type TaskUpdate,
} from '../pipelines.js';
import { abandonRunningAttempts, finishAttempt, listAttempts, startAttempt } from './pipeline-attempts.js';
import { cacheRecord, runRecord, taskRecord } from './pipeline-rows.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

const isFinished = (status: PipelineStatus) => FINISHED_STATUSES.includes(status);

export class SqlPipelineRunRepository implements PipelineRunRepository {
  constructor(private readonly ctx: SqlContext) {}

  async createRun(input: NewPipelineRun): Promise<PipelineRunRecord> {
    const row = {
      id: input.id,
      pipeline_name: input.pipelineName,
      spec_digest: input.specDigest,
      spec_json: JSON.stringify(input.spec),
      params_json: JSON.stringify(input.params),
      base_dir: input.baseDir,
      environment_json: JSON.stringify(input.environment),
      status: 'pending',
      created_at: nowMillis(),
      started_at: null,
      ended_at: null,
      error: null,
      seed: input.seed ?? 0,
      use_cache: input.useCache === false ? 0 : 1,
      reproduces_run_id: input.reproducesRunId ?? null,
      runner: input.runner ?? 'process',
    };
    await writeTransaction(this.ctx, (trx) => trx.insertInto('pipeline_runs').values(row).execute());
    return runRecord(row);
  }

  async getRun(id: string): Promise<PipelineRunRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db.selectFrom('pipeline_runs').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && runRecord(row);
  }

  async listRuns(options: { limit?: number } = {}): Promise<PipelineRunRecord[]> {
    const rows = await read(this.ctx, (db) =>
      db
        .selectFrom('pipeline_runs')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 1000)
        .execute(),
    );
    return rows.map(runRecord);
  }

  async setRunStatus(id: string, status: PipelineStatus, error: string | null = null): Promise<PipelineRunRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const row = await trx.selectFrom('pipeline_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`no pipeline run ${JSON.stringify(id)}`);
      const now = nowMillis();
      const next = {
        ...row,
        status,
        error,
        started_at: status === 'running' ? (row.started_at ?? now) : row.started_at,
        ended_at: isFinished(status) ? now : null,
      };
      await trx
        .updateTable('pipeline_runs')
        .set({ status, error, started_at: next.started_at, ended_at: next.ended_at })
        .where('id', '=', id)
        .execute();
      return runRecord(next);
    });
  }

  async ensureTask(runId: string, path: string, kind: PipelineTaskKind): Promise<PipelineTaskRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const existing = await trx
        .selectFrom('pipeline_tasks')
        .selectAll()
        .where('run_id', '=', runId)
        .where('path', '=', path)
        .executeTakeFirst();
      if (existing) return taskRecord(existing);
      const last = await trx
        .selectFrom('pipeline_tasks')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('run_id', '=', runId)
        .executeTakeFirst();
      const row = {
        id: newId(),
        run_id: runId,
        seq: Number(last?.seq ?? 0) + 1,
        path,
        kind,
        status: 'pending',
        outputs_json: null,
        cache_key: null,
        cached_from_run_id: null,
        error: null,
        started_at: null,
        ended_at: null,
      };
      await trx.insertInto('pipeline_tasks').values(row).execute();
      return taskRecord(row);
    });
  }

  async updateTask(taskId: string, update: TaskUpdate): Promise<PipelineTaskRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const row = await trx.selectFrom('pipeline_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
      if (!row) throw notFound(`no pipeline task ${JSON.stringify(taskId)}`);
      const now = nowMillis();
      const next = {
        ...row,
        status: update.status,
        outputs_json: update.outputs === undefined ? row.outputs_json : JSON.stringify(update.outputs),
        cache_key: update.cacheKey === undefined ? row.cache_key : update.cacheKey,
        cached_from_run_id: update.cachedFromRunId === undefined ? row.cached_from_run_id : update.cachedFromRunId,
        error: update.error === undefined ? row.error : update.error,
        started_at: update.status === 'running' ? (row.started_at ?? now) : row.started_at,
        ended_at: isFinished(update.status) ? now : null,
      };
      const { id: _id, run_id: _run, seq: _seq, path: _path, kind: _kind, ...changes } = next;
      await trx.updateTable('pipeline_tasks').set(changes).where('id', '=', taskId).execute();
      return taskRecord(next);
    });
  }

  async listTasks(runId: string): Promise<PipelineTaskRecord[]> {
    const rows = await read(this.ctx, (db) =>
      db.selectFrom('pipeline_tasks').selectAll().where('run_id', '=', runId).orderBy('seq').execute(),
    );
    return rows.map(taskRecord);
  }

  startAttempt(taskId: string, input: { logPath: string; image: string | null }): Promise<PipelineAttemptRecord> {
    return startAttempt(this.ctx, taskId, input);
  }

  finishAttempt(attemptId: string, end: AttemptEnd): Promise<PipelineAttemptRecord> {
    return finishAttempt(this.ctx, attemptId, end);
  }

  abandonRunningAttempts(runId: string, reason: string): Promise<number> {
    return abandonRunningAttempts(this.ctx, runId, reason);
  }

  listAttempts(taskId: string): Promise<PipelineAttemptRecord[]> {
    return listAttempts(this.ctx, taskId);
  }

  async getCacheEntry(cacheKey: string): Promise<CacheEntry | undefined> {
    const row = await read(this.ctx, (db) =>
      db.selectFrom('pipeline_cache').selectAll().where('cache_key', '=', cacheKey).executeTakeFirst(),
    );
    return row && cacheRecord(row);
  }

  async putCacheEntry(entry: Omit<CacheEntry, 'createdAt'>): Promise<CacheEntry> {
    return writeTransaction(this.ctx, async (trx) => {
      const existing = await trx
        .selectFrom('pipeline_cache')
        .selectAll()
        .where('cache_key', '=', entry.cacheKey)
        .executeTakeFirst();
      if (existing) return cacheRecord(existing);
      const row = {
        cache_key: entry.cacheKey,
        outputs_json: JSON.stringify(entry.outputs),
        run_id: entry.runId,
        task_path: entry.taskPath,
        created_at: nowMillis(),
      };
      await trx.insertInto('pipeline_cache').values(row).execute();
      return cacheRecord(row);
    });
  }
}
