import type { Kysely } from 'kysely';
import { notFound, OspreyError } from '../../core/errors.js';
import type { ModelRow, VersionRow } from './registry-rows.js';
import { selectVersions } from './registry-rows.js';
import type { Database, SqlKind } from './tables.js';

/** The errors the registry contract names, in MLflow's words. */
export const modelNotFound = (name: string) => notFound(`Registered Model with name=${name} not found`, { name });
export const versionNotFound = (name: string, version: number) =>
  notFound(`Model Version (name=${name}, version=${version}) not found`, { name, version });
export const modelExists = (name: string) =>
  new OspreyError('ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`, { details: { name } });

/**
 * The model row, locked for the rest of the transaction on PostgreSQL (SQLite's writer already holds the database
 * lock): every write to a model's versions, tags or aliases takes this lock first, so writers to one model
 * serialize and version numbers come out consecutive.
 */
export async function lockModel(trx: Kysely<Database>, kind: SqlKind, name: string): Promise<ModelRow> {
  const row = await trx
    .selectFrom('registered_models')
    .selectAll()
    .where('name', '=', name)
    .$if(kind === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
  if (!row) throw modelNotFound(name);
  return row;
}

/** The model (locked as `lockModel`) and one of its versions. */
export async function lockVersion(
  trx: Kysely<Database>,
  kind: SqlKind,
  name: string,
  version: number,
): Promise<{ model: ModelRow; version: VersionRow }> {
  const model = await lockModel(trx, kind, name).catch((error: unknown) => {
    throw error instanceof OspreyError && error.code === 'NOT_FOUND' ? versionNotFound(name, version) : error;
  });
  const row = await selectVersions(trx)
    .where('model_versions.model_id', '=', model.id)
    .where('model_versions.version', '=', version)
    .executeTakeFirst();
  if (!row) throw versionNotFound(name, version);
  return { model, version: row };
}
