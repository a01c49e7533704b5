import { notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { nowMillis } from '../../core/time.js';
import type { AttemptEnd, PipelineAttemptRecord } from '../pipelines.js';
import { attemptRecord } from './pipeline-rows.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

/** A new running attempt numbered after the task's last one; the task becomes running in the same transaction. */
export function startAttempt(
  ctx: SqlContext,
  taskId: string,
  input: { logPath: string; image: string | null },
): Promise<PipelineAttemptRecord> {
  return writeTransaction(ctx, async (trx) => {
    const task = await trx
      .selectFrom('pipeline_tasks')
      .select(['run_id', 'started_at'])
      .where('id', '=', taskId)
      .executeTakeFirst();
    if (!task) throw notFound(`no pipeline task ${JSON.stringify(taskId)}`);
    const last = await trx
      .selectFrom('pipeline_attempts')
      .select((eb) => eb.fn.max('number').as('number'))
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    const now = nowMillis();
    const row = {
      id: newId(),
      task_id: taskId,
      run_id: task.run_id,
      number: Number(last?.number ?? 0) + 1,
      status: 'running',
      log_path: input.logPath,
      image: input.image,
      exit_code: null,
      signal: null,
      started_at: now,
      ended_at: null,
      duration_ms: null,
      error: null,
    };
    await trx.insertInto('pipeline_attempts').values(row).execute();
    await trx
      .updateTable('pipeline_tasks')
      .set({ status: 'running', started_at: task.started_at ?? now, ended_at: null })
      .where('id', '=', taskId)
      .execute();
    return attemptRecord(row);
  });
}

export function finishAttempt(ctx: SqlContext, attemptId: string, end: AttemptEnd): Promise<PipelineAttemptRecord> {
  return writeTransaction(ctx, async (trx) => {
    const row = await trx.selectFrom('pipeline_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
    if (!row) throw notFound(`no pipeline attempt ${JSON.stringify(attemptId)}`);
    const changes = {
      status: end.status,
      exit_code: end.exitCode,
      signal: end.signal,
      duration_ms: end.durationMs,
      error: end.error,
      ended_at: nowMillis(),
    };
    await trx.updateTable('pipeline_attempts').set(changes).where('id', '=', attemptId).execute();
    return attemptRecord({ ...row, ...changes });
  });
}

export function abandonRunningAttempts(ctx: SqlContext, runId: string, reason: string): Promise<number> {
  return writeTransaction(ctx, async (trx) => {
    const result = await trx
      .updateTable('pipeline_attempts')
      .set({ status: 'failed', error: reason, ended_at: nowMillis() })
      .where('run_id', '=', runId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

export async function listAttempts(ctx: SqlContext, taskId: string): Promise<PipelineAttemptRecord[]> {
  const rows = await read(ctx, (db) =>
    db.selectFrom('pipeline_attempts').selectAll().where('task_id', '=', taskId).orderBy('number').execute(),
  );
  return rows.map(attemptRecord);
}
