import type { Kysely } from 'kysely';
import { newId } from '../../core/ids.js';
import { nowMillis } from '../../core/time.js';
import type {
  ModelFilter,
  ModelOrderField,
  ModelVersionRecord,
  NewModelVersion,
  NewRegisteredModel,
  Page,
  RegisteredModelRecord,
  RegistryRepository,
  SearchQuery,
  Stage,
  TagRecord,
  VersionFilter,
  VersionOrderField,
} from '../registry.js';
import { lockModel, lockVersion, modelExists, modelNotFound } from './registry-locks.js';
import { hydrateModels, hydrateVersions, lastWins, selectVersions } from './registry-rows.js';
import { modelFilterSql, modelOrderSql } from './registry-search.js';
import * as versions from './registry-versions.js';
import type { Database } from './tables.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

/**
 * The model registry over Kysely. Models carry a surrogate id (a rename rewrites one row) and `last_version`, the
 * counter new version numbers come from. Writes lock the model row first (see registry-locks.ts).
 */
export class SqlRegistryRepository implements RegistryRepository {
  constructor(private readonly ctx: SqlContext) {}

  async createModel(input: NewRegisteredModel): Promise<RegisteredModelRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const taken = await trx
        .selectFrom('registered_models')
        .select('id')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (taken) throw modelExists(input.name);
      const now = nowMillis();
      const id = newId();
      await trx
        .insertInto('registered_models')
        .values({
          id,
          name: input.name,
          description: input.description,
          created_at: now,
          updated_at: now,
          last_version: 0,
        })
        .execute();
      const tags = lastWins(input.tags);
      if (tags.length > 0)
        await trx
          .insertInto('registered_model_tags')
          .values(tags.map((t) => ({ model_id: id, key: t.key, value: t.value })))
          .execute();
      return this.hydrateOne(trx, input.name);
    });
  }

  async getModel(name: string): Promise<RegisteredModelRecord | undefined> {
    return read(this.ctx, async (db) => {
      const row = await db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
      return row && (await hydrateModels(db, [row]))[0];
    });
  }

  async renameModel(name: string, newName: string): Promise<RegisteredModelRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const model = await lockModel(trx, this.ctx.kind, name);
      if (newName !== name) {
        const taken = await trx
          .selectFrom('registered_models')
          .select('id')
          .where('name', '=', newName)
          .executeTakeFirst();
        if (taken) throw modelExists(newName);
      }
      const now = nowMillis();
      await trx
        .updateTable('registered_models')
        .set({ name: newName, updated_at: now })
        .where('id', '=', model.id)
        .execute();
      await trx.updateTable('model_versions').set({ updated_at: now }).where('model_id', '=', model.id).execute();
      return this.hydrateOne(trx, newName);
    });
  }

  async updateModel(name: string, description: string | null): Promise<RegisteredModelRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const model = await lockModel(trx, this.ctx.kind, name);
      await trx
        .updateTable('registered_models')
        .set({ description, updated_at: nowMillis() })
        .where('id', '=', model.id)
        .execute();
      return this.hydrateOne(trx, name);
    });
  }

  async deleteModel(name: string): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const { id } = await lockModel(trx, this.ctx.kind, name);
      await trx.deleteFrom('registered_model_aliases').where('model_id', '=', id).execute();
      await trx.deleteFrom('model_version_tags').where('model_id', '=', id).execute();
      await trx.deleteFrom('model_versions').where('model_id', '=', id).execute();
      await trx.deleteFrom('registered_model_tags').where('model_id', '=', id).execute();
      await trx.deleteFrom('registered_models').where('id', '=', id).execute();
    });
  }

  async searchModels(query: SearchQuery<ModelFilter, ModelOrderField>): Promise<Page<RegisteredModelRecord>> {
    const { kind } = this.ctx;
    return read(this.ctx, async (db) => {
      let qb = db.selectFrom('registered_models').selectAll();
      for (const filter of query.filters) qb = qb.where(modelFilterSql(kind, filter));
      for (const { expr, direction } of modelOrderSql(kind, query.orderBy)) qb = qb.orderBy(expr, direction);
      const rows = await qb
        .limit(query.limit + 1)
        .offset(query.offset)
        .execute();
      const items = await hydrateModels(db, rows.slice(0, query.limit));
      return { items, nextOffset: rows.length > query.limit ? query.offset + query.limit : null };
    });
  }

  async setModelTag(name: string, tag: TagRecord): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const { id } = await lockModel(trx, this.ctx.kind, name);
      await trx
        .insertInto('registered_model_tags')
        .values({ model_id: id, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: tag.value }))
        .execute();
    });
  }

  async deleteModelTag(name: string, key: string): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const { id } = await lockModel(trx, this.ctx.kind, name);
      await trx.deleteFrom('registered_model_tags').where('model_id', '=', id).where('key', '=', key).execute();
    });
  }

  createVersion(input: NewModelVersion): Promise<ModelVersionRecord> {
    return versions.createVersion(this.ctx, input);
  }

  async getVersion(name: string, version: number): Promise<ModelVersionRecord | undefined> {
    return read(this.ctx, async (db) => {
      const row = await selectVersions(db)
        .where('registered_models.name', '=', name)
        .where('model_versions.version', '=', version)
        .executeTakeFirst();
      return row && (await hydrateVersions(db, [row]))[0];
    });
  }

  updateVersion(name: string, version: number, description: string | null): Promise<ModelVersionRecord> {
    return versions.updateVersion(this.ctx, name, version, description);
  }

  transitionStage(name: string, version: number, stage: Stage, archiveExisting: boolean): Promise<ModelVersionRecord> {
    return versions.transitionStage(this.ctx, name, version, stage, archiveExisting);
  }

  deleteVersion(name: string, version: number): Promise<void> {
    return versions.deleteVersion(this.ctx, name, version);
  }

  searchVersions(query: SearchQuery<VersionFilter, VersionOrderField>): Promise<Page<ModelVersionRecord>> {
    return versions.searchVersions(this.ctx, query);
  }

  latestVersions(name: string, stages: readonly Stage[]): Promise<ModelVersionRecord[]> {
    return versions.latestVersions(this.ctx, name, stages);
  }

  setVersionTag(name: string, version: number, tag: TagRecord): Promise<void> {
    return versions.setVersionTag(this.ctx, name, version, tag);
  }

  deleteVersionTag(name: string, version: number, key: string): Promise<void> {
    return versions.deleteVersionTag(this.ctx, name, version, key);
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const { model } = await lockVersion(trx, this.ctx.kind, name, version);
      await trx
        .insertInto('registered_model_aliases')
        .values({ model_id: model.id, alias, version })
        .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version }))
        .execute();
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const { id } = await lockModel(trx, this.ctx.kind, name);
      await trx.deleteFrom('registered_model_aliases').where('model_id', '=', id).where('alias', '=', alias).execute();
    });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined> {
    return read(this.ctx, async (db) => {
      const row = await selectVersions(db)
        .innerJoin('registered_model_aliases as a', (join) =>
          join.onRef('a.model_id', '=', 'model_versions.model_id').onRef('a.version', '=', 'model_versions.version'),
        )
        .where('registered_models.name', '=', name)
        .where('a.alias', '=', alias)
        .executeTakeFirst();
      return row && (await hydrateVersions(db, [row]))[0];
    });
  }

  /** The model as it is now, inside the caller's transaction. */
  private async hydrateOne(trx: Kysely<Database>, name: string): Promise<RegisteredModelRecord> {
    const row = await trx.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
    const [record] = row ? await hydrateModels(trx, [row]) : [];
    if (!record) throw modelNotFound(name);
    return record;
  }
}
