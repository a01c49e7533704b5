import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type NewRun,
  type Page,
  RUN_NAME_TAG,
  type RunInfoRecord,
  type RunRecord,
  type RunSearch,
  type RunUpdate,
} from '../tracking.js';
import type { Database } from './tables.js';
import type { RunsTable } from './tables-tracking.js';
import { findExperiment } from './tracking-experiments.js';
import {
  chunks,
  experimentKey,
  findActiveRun,
  findRun,
  lastWins,
  nextKey,
  requireActiveExperiment,
  sortByKey,
  stagesOf,
  toRunInfo,
} from './tracking-rows.js';
import { readRuns } from './tracking-run-data.js';
import { runFilterSql, runOrderSql } from './tracking-search.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

/** Runs: create, update, lifecycle, and search (the page of run keys; tracking-run-data.ts loads their data). */

export async function createRun(ctx: SqlContext, input: NewRun): Promise<RunRecord> {
  return writeTransaction(ctx, async (trx) => {
    const experiment = await findExperiment(trx, input.experimentId);
    requireActiveExperiment(input.experimentId, experiment.lifecycle_stage);
    const row: Selectable<RunsTable> = {
      run_key: await nextKey(trx, ctx.kind, 'runs'),
      run_id: input.runId,
      experiment_id: experiment.experiment_id,
      name: input.runName,
      user_id: input.userId,
      status: 'RUNNING',
      start_time: input.startTime,
      end_time: null,
      artifact_uri: input.artifactUri,
      lifecycle_stage: 'active',
      deleted_time: null,
    };
    await trx.insertInto('runs').values(row).execute();
    const tags = lastWins(input.tags);
    for (const slice of chunks(tags, 500)) {
      await trx
        .insertInto('run_tags')
        .values(slice.map((t) => ({ run_key: row.run_key, key: t.key, value: t.value })))
        .execute();
    }
    return { info: toRunInfo(row), metrics: [], params: [], tags: sortByKey(tags), inputs: [] };
  });
}

export async function getRun(ctx: SqlContext, runId: string): Promise<RunRecord | undefined> {
  return read(ctx, async (db) => (await readRuns(db, ctx.kind, 'run_id', [runId]))[0]);
}

export async function updateRun(ctx: SqlContext, runId: string, update: RunUpdate): Promise<RunInfoRecord> {
  return writeTransaction(ctx, async (trx) => {
    const { runKey } = await findActiveRun(trx, ctx.kind, runId);
    const changes: Partial<Selectable<RunsTable>> = {};
    if (update.status !== undefined) changes.status = update.status;
    if (update.endTime !== undefined) changes.end_time = update.endTime;
    if (update.runName !== undefined) changes.name = update.runName;
    if (Object.keys(changes).length > 0)
      await trx.updateTable('runs').set(changes).where('run_key', '=', runKey).execute();
    if (update.runName !== undefined) await setRunNameTag(trx, runKey, update.runName);
    const row = await trx.selectFrom('runs').selectAll().where('run_key', '=', runKey).executeTakeFirstOrThrow();
    return toRunInfo(row);
  });
}

async function setRunNameTag(db: Kysely<Database>, runKey: number, name: string): Promise<void> {
  await db
    .insertInto('run_tags')
    .values({ run_key: runKey, key: RUN_NAME_TAG, value: name })
    .onConflict((oc) => oc.columns(['run_key', 'key']).doUpdateSet({ value: name }))
    .execute();
}

export async function setRunStage(ctx: SqlContext, runId: string, to: 'active' | 'deleted', now: number) {
  await writeTransaction(ctx, async (trx) => {
    const { runKey } = await findRun(trx, ctx.kind, runId);
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: to, deleted_time: to === 'deleted' ? now : null })
      .where('run_key', '=', runKey)
      .execute();
  });
}

export async function searchRuns(ctx: SqlContext, search: RunSearch): Promise<Page<RunRecord>> {
  const experimentIds = search.experimentIds.map(experimentKey).filter((id) => id !== undefined);
  if (experimentIds.length === 0) return { items: [], nextOffset: null };
  return read(ctx, async (db) => {
    const conditions = [
      sql`r.experiment_id in (${sql.join(experimentIds)})`,
      sql`r.lifecycle_stage in (${sql.join(stagesOf(search.viewType))})`,
      ...search.filter.map((clause) => runFilterSql(ctx.kind, clause)),
    ];
    const { joins, order } = runOrderSql(ctx.kind, search.orderBy);
    const { rows } = await sql<{ run_key: number }>`select r.run_key from runs r ${sql.join(joins, sql` `)}
      where ${sql.join(conditions, sql` and `)}
      order by ${order} limit ${search.limit + 1} offset ${search.offset}`.execute(db);
    const keys = rows.slice(0, search.limit).map((r) => Number(r.run_key));
    const items = await readRuns(db, ctx.kind, 'run_key', keys);
    return { items, nextOffset: rows.length > search.limit ? search.offset + search.limit : null };
  });
}
