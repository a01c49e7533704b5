import type { Kysely } from 'kysely';
import { nowMillis } from '../../core/time.js';
import type {
  ModelVersionRecord,
  NewModelVersion,
  Page,
  SearchQuery,
  Stage,
  TagRecord,
  VersionFilter,
  VersionOrderField,
} from '../registry.js';
import { STAGES } from '../registry.js';
import { lockModel, lockVersion, modelNotFound, versionNotFound } from './registry-locks.js';
import { hydrateVersions, lastWins, latestPerStage, selectVersions } from './registry-rows.js';
import { versionFilterSql, versionOrderSql } from './registry-search.js';
import type { Database } from './tables.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

/** Model-version operations of SqlRegistryRepository (split out to keep files small). */

export function createVersion(ctx: SqlContext, input: NewModelVersion): Promise<ModelVersionRecord> {
  return writeTransaction(ctx, async (trx) => {
    const model = await lockModel(trx, ctx.kind, input.name);
    const version = Number(model.last_version) + 1;
    const now = nowMillis();
    await trx
      .insertInto('model_versions')
      .values({
        model_id: model.id,
        version,
        created_at: now,
        updated_at: now,
        user_id: input.userId,
        stage: 'None',
        description: input.description,
        source: input.source,
        storage_location: input.storageLocation,
        run_id: input.runId,
        run_link: input.runLink,
        status: 'READY',
      })
      .execute();
    const tags = lastWins(input.tags);
    if (tags.length > 0)
      await trx
        .insertInto('model_version_tags')
        .values(tags.map((t) => ({ model_id: model.id, version, key: t.key, value: t.value })))
        .execute();
    await trx
      .updateTable('registered_models')
      .set({ last_version: version, updated_at: now })
      .where('id', '=', model.id)
      .execute();
    return currentVersion(trx, model.id, input.name, version);
  });
}

export function updateVersion(
  ctx: SqlContext,
  name: string,
  version: number,
  description: string | null,
): Promise<ModelVersionRecord> {
  return writeTransaction(ctx, async (trx) => {
    const { model } = await lockVersion(trx, ctx.kind, name, version);
    await trx
      .updateTable('model_versions')
      .set({ description, updated_at: nowMillis() })
      .where('model_id', '=', model.id)
      .where('version', '=', version)
      .execute();
    return currentVersion(trx, model.id, name, version);
  });
}

export function transitionStage(
  ctx: SqlContext,
  name: string,
  version: number,
  stage: Stage,
  archiveExisting: boolean,
): Promise<ModelVersionRecord> {
  return writeTransaction(ctx, async (trx) => {
    const { model } = await lockVersion(trx, ctx.kind, name, version);
    const now = nowMillis();
    if (archiveExisting)
      await trx
        .updateTable('model_versions')
        .set({ stage: 'Archived', updated_at: now })
        .where('model_id', '=', model.id)
        .where('stage', '=', stage)
        .where('version', '<>', version)
        .execute();
    await trx
      .updateTable('model_versions')
      .set({ stage, updated_at: now })
      .where('model_id', '=', model.id)
      .where('version', '=', version)
      .execute();
    await trx.updateTable('registered_models').set({ updated_at: now }).where('id', '=', model.id).execute();
    return currentVersion(trx, model.id, name, version);
  });
}

export async function deleteVersion(ctx: SqlContext, name: string, version: number): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const { model } = await lockVersion(trx, ctx.kind, name, version);
    // Children first: aliases and tags reference the version row.
    for (const table of ['registered_model_aliases', 'model_version_tags', 'model_versions'] as const)
      await trx.deleteFrom(table).where('model_id', '=', model.id).where('version', '=', version).execute();
    await trx.updateTable('registered_models').set({ updated_at: nowMillis() }).where('id', '=', model.id).execute();
  });
}

export function searchVersions(
  ctx: SqlContext,
  query: SearchQuery<VersionFilter, VersionOrderField>,
): Promise<Page<ModelVersionRecord>> {
  return read(ctx, async (db) => {
    let qb = selectVersions(db);
    for (const filter of query.filters) qb = qb.where(versionFilterSql(ctx.kind, filter));
    for (const { expr, direction } of versionOrderSql(ctx.kind, query.orderBy)) qb = qb.orderBy(expr, direction);
    const rows = await qb
      .limit(query.limit + 1)
      .offset(query.offset)
      .execute();
    const items = await hydrateVersions(db, rows.slice(0, query.limit));
    return { items, nextOffset: rows.length > query.limit ? query.offset + query.limit : null };
  });
}

export function latestVersions(ctx: SqlContext, name: string, stages: readonly Stage[]): Promise<ModelVersionRecord[]> {
  const wanted = new Set<string>(stages.length > 0 ? stages : STAGES);
  return read(ctx, async (db) => {
    const model = await db.selectFrom('registered_models').select('id').where('name', '=', name).executeTakeFirst();
    if (!model) throw modelNotFound(name);
    const rows = await latestPerStage(db, [model.id]);
    return hydrateVersions(
      db,
      rows.filter((r) => wanted.has(r.stage)),
    );
  });
}

export async function setVersionTag(ctx: SqlContext, name: string, version: number, tag: TagRecord): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const { model } = await lockVersion(trx, ctx.kind, name, version);
    await trx
      .insertInto('model_version_tags')
      .values({ model_id: model.id, version, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['model_id', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

export async function deleteVersionTag(ctx: SqlContext, name: string, version: number, key: string): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const { model } = await lockVersion(trx, ctx.kind, name, version);
    await trx
      .deleteFrom('model_version_tags')
      .where('model_id', '=', model.id)
      .where('version', '=', version)
      .where('key', '=', key)
      .execute();
  });
}

/** One version as it is now, inside the caller's transaction. */
async function currentVersion(
  trx: Kysely<Database>,
  modelId: string,
  name: string,
  version: number,
): Promise<ModelVersionRecord> {
  const row = await selectVersions(trx)
    .where('model_versions.model_id', '=', modelId)
    .where('model_versions.version', '=', version)
    .executeTakeFirst();
  const [record] = row ? await hydrateVersions(trx, [row]) : [];
  if (!record) throw versionNotFound(name, version);
  return record;
}
