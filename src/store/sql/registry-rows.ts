import type { Kysely, Selectable } from 'kysely';
import type { AliasRecord, ModelVersionRecord, RegisteredModelRecord, Stage, TagRecord } from '../registry.js';
import type { Database } from './tables.js';
import type { ModelVersionsTable, RegisteredModelsTable } from './tables-registry.js';

/** A version row with its model's name, as every version query selects it. */
export type VersionRow = Selectable<ModelVersionsTable> & { name: string };
export type ModelRow = Selectable<RegisteredModelsTable>;

/** Versions joined with their model's name. */
export function selectVersions(db: Kysely<Database>) {
  return db
    .selectFrom('model_versions')
    .innerJoin('registered_models', 'registered_models.id', 'model_versions.model_id')
    .selectAll('model_versions')
    .select('registered_models.name as name');
}

/** Parameters per `in (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const versionKey = (modelId: string, version: number) => `${modelId}\u0000${version}`;

/** Turns version rows into records, loading their tags and aliases (in batches), keeping the rows' order. */
export async function hydrateVersions(
  db: Kysely<Database>,
  rows: readonly VersionRow[],
): Promise<ModelVersionRecord[]> {
  if (rows.length === 0) return [];
  const modelIds = [...new Set(rows.map((r) => r.model_id))];
  const tags = new Map<string, TagRecord[]>();
  const aliases = new Map<string, string[]>();
  for (const ids of chunks(modelIds)) {
    const tagRows = await db.selectFrom('model_version_tags').selectAll().where('model_id', 'in', ids).execute();
    for (const t of tagRows) push(tags, versionKey(t.model_id, Number(t.version)), { key: t.key, value: t.value });
    const aliasRows = await db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('model_id', 'in', ids)
      .execute();
    for (const a of aliasRows) push(aliases, versionKey(a.model_id, Number(a.version)), a.alias);
  }
  return rows.map((row) => {
    const key = versionKey(row.model_id, Number(row.version));
    return toVersionRecord(
      row,
      (tags.get(key) ?? []).sort((a, b) => byCodePoint(a.key, b.key)),
      (aliases.get(key) ?? []).sort(byCodePoint),
    );
  });
}

/** Turns model rows into records with their tags, aliases and latest version per stage, keeping the rows' order. */
export async function hydrateModels(db: Kysely<Database>, rows: readonly ModelRow[]): Promise<RegisteredModelRecord[]> {
  if (rows.length === 0) return [];
  const tags = new Map<string, TagRecord[]>();
  const aliases = new Map<string, AliasRecord[]>();
  const latest = new Map<string, ModelVersionRecord[]>();
  for (const ids of chunks(rows.map((r) => r.id))) {
    const tagRows = await db.selectFrom('registered_model_tags').selectAll().where('model_id', 'in', ids).execute();
    for (const t of tagRows) push(tags, t.model_id, { key: t.key, value: t.value });
    const aliasRows = await db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('model_id', 'in', ids)
      .execute();
    for (const a of aliasRows) push(aliases, a.model_id, { alias: a.alias, version: Number(a.version) });
    const latestRows = await latestPerStage(db, ids);
    const versions = await hydrateVersions(db, latestRows);
    versions.forEach((v, i) => {
      push(latest, latestRows[i]?.model_id ?? '', v);
    });
  }
  return rows.map((row) => ({
    name: row.name,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    description: row.description,
    latestVersions: (latest.get(row.id) ?? []).sort((a, b) => a.version - b.version),
    tags: (tags.get(row.id) ?? []).sort((a, b) => byCodePoint(a.key, b.key)),
    aliases: (aliases.get(row.id) ?? []).sort((a, b) => byCodePoint(a.alias, b.alias)),
  }));
}

/** For each of the models, the highest-numbered version in each stage that has one. */
export function latestPerStage(db: Kysely<Database>, modelIds: readonly string[]): Promise<VersionRow[]> {
  return selectVersions(db)
    .where('model_versions.model_id', 'in', modelIds)
    .where((eb) =>
      eb(
        'model_versions.version',
        '=',
        eb
          .selectFrom('model_versions as newer')
          .select((inner) => inner.fn.max('newer.version').as('max_version'))
          .whereRef('newer.model_id', '=', 'model_versions.model_id')
          .whereRef('newer.stage', '=', 'model_versions.stage'),
      ),
    )
    .orderBy('model_versions.version')
    .execute();
}

function toVersionRecord(row: VersionRow, tags: TagRecord[], aliases: string[]): ModelVersionRecord {
  return {
    name: row.name,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    userId: row.user_id,
    stage: row.stage as Stage,
    description: row.description,
    source: row.source,
    storageLocation: row.storage_location,
    runId: row.run_id,
    runLink: row.run_link,
    status: 'READY',
    tags,
    aliases,
  };
}

/** Tags with duplicate keys collapsed, the last value winning (as MLflow does). */
export function lastWins(tags: readonly TagRecord[]): TagRecord[] {
  return [...new Map(tags.map((t) => [t.key, t] as const)).values()];
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
