import { type Kysely, type Selectable, sql } from 'kysely';
import { OspreyError } from '../../core/errors.js';
import type { ExperimentRecord, ExperimentSearch, NewExperiment, Page, Tag } from '../tracking.js';
import type { Database } from './tables.js';
import type { ExperimentsTable } from './tables-tracking.js';
import {
  chunks,
  experimentKey,
  experimentNotFound,
  lastWins,
  nextKey,
  requireActiveExperiment,
  stagesOf,
  toExperimentRecord,
} from './tracking-rows.js';
import { experimentFilterSql, experimentOrderSql } from './tracking-search.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

/** Experiments and their tags. Ids are max + 1 inside the write transaction; the primary key arbitrates races. */

function nameTaken(name: string, stage: string): OspreyError {
  const hint = stage === 'deleted' ? ' It is deleted: restore it, or choose another name.' : '';
  return new OspreyError('ALREADY_EXISTS', `Experiment(name=${name}) already exists.${hint}`, {
    details: { name },
  });
}

export async function createExperiment(ctx: SqlContext, input: NewExperiment): Promise<ExperimentRecord> {
  return writeTransaction(ctx, async (trx) => {
    const taken = await trx
      .selectFrom('experiments')
      .select('lifecycle_stage')
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (taken) throw nameTaken(input.name, taken.lifecycle_stage);
    const id = await nextKey(trx, ctx.kind, 'experiments');
    const row: Selectable<ExperimentsTable> = {
      experiment_id: id,
      name: input.name,
      artifact_location: input.artifactLocation(String(id)),
      lifecycle_stage: 'active',
      creation_time: input.creationTime,
      last_update_time: input.creationTime,
    };
    await trx.insertInto('experiments').values(row).execute();
    const tags = lastWins(input.tags);
    for (const slice of chunks(tags, 500)) {
      await trx
        .insertInto('experiment_tags')
        .values(slice.map((t) => ({ experiment_id: id, key: t.key, value: t.value })))
        .execute();
    }
    return toExperimentRecord(row, tags);
  });
}

export async function getExperiment(ctx: SqlContext, experimentId: string): Promise<ExperimentRecord | undefined> {
  const id = experimentKey(experimentId);
  if (id === undefined) return undefined;
  return read(ctx, async (db) => {
    const row = await db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
    return row && (await withTags(db, [row]))[0];
  });
}

export async function getExperimentByName(ctx: SqlContext, name: string): Promise<ExperimentRecord | undefined> {
  return read(ctx, async (db) => {
    const row = await db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    return row && (await withTags(db, [row]))[0];
  });
}

export async function searchExperiments(ctx: SqlContext, search: ExperimentSearch): Promise<Page<ExperimentRecord>> {
  return read(ctx, async (db) => {
    const conditions = search.filter.map((clause) => experimentFilterSql(ctx.kind, clause));
    const where = sql.join(
      [sql`e.lifecycle_stage in (${sql.join(stagesOf(search.viewType))})`, ...conditions],
      sql` and `,
    );
    const { rows } = await sql<Selectable<ExperimentsTable>>`select e.* from experiments e where ${where}
      order by ${experimentOrderSql(ctx.kind, search.orderBy)} limit ${search.limit + 1} offset ${search.offset}`.execute(
      db,
    );
    const items = await withTags(db, rows.slice(0, search.limit));
    return { items, nextOffset: rows.length > search.limit ? search.offset + search.limit : null };
  });
}

export async function renameExperiment(ctx: SqlContext, experimentId: string, newName: string, now: number) {
  await writeTransaction(ctx, async (trx) => {
    const row = await findExperiment(trx, experimentId);
    if (row.lifecycle_stage !== 'active') {
      throw new OspreyError('CONFLICT', 'Cannot rename a non-active experiment.', { details: { experimentId } });
    }
    if (newName === row.name) return;
    const taken = await trx
      .selectFrom('experiments')
      .select('lifecycle_stage')
      .where('name', '=', newName)
      .executeTakeFirst();
    if (taken) throw nameTaken(newName, taken.lifecycle_stage);
    await trx
      .updateTable('experiments')
      .set({ name: newName, last_update_time: now })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
  });
}

/** Moves an experiment, and every run in it, from one lifecycle stage to the other. */
export async function setExperimentStage(
  ctx: SqlContext,
  experimentId: string,
  to: 'active' | 'deleted',
  now: number,
): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const row = await findExperiment(trx, experimentId);
    if (row.lifecycle_stage === to) throw experimentNotFound(experimentId);
    await trx
      .updateTable('experiments')
      .set({ lifecycle_stage: to, last_update_time: now })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: to, deleted_time: to === 'deleted' ? now : null })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
  });
}

export async function setExperimentTag(ctx: SqlContext, experimentId: string, tag: Tag): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const row = await findExperiment(trx, experimentId);
    requireActiveExperiment(experimentId, row.lifecycle_stage);
    await trx
      .insertInto('experiment_tags')
      .values({ experiment_id: row.experiment_id, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

/** The experiment's row; NOT_FOUND when there is none. */
export async function findExperiment(db: Kysely<Database>, experimentId: string) {
  const id = experimentKey(experimentId);
  const row =
    id === undefined
      ? undefined
      : await db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
  if (!row) throw experimentNotFound(experimentId);
  return row;
}

async function withTags(db: Kysely<Database>, rows: Selectable<ExperimentsTable>[]): Promise<ExperimentRecord[]> {
  const tags = new Map<number, Tag[]>(rows.map((r) => [Number(r.experiment_id), []]));
  for (const slice of chunks([...tags.keys()], 500)) {
    const tagRows = await db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where('experiment_id', 'in', slice)
      .execute();
    for (const t of tagRows) tags.get(Number(t.experiment_id))?.push({ key: t.key, value: t.value });
  }
  return rows.map((row) => toExperimentRecord(row, tags.get(Number(row.experiment_id)) ?? []));
}
