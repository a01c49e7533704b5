import type { Kysely, Selectable } from 'kysely';
import { invalidArgument, OspreyError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { nowMillis } from '../../core/time.js';
import type {
  AddVersionResult,
  DatasetRecord,
  DatasetRepository,
  DatasetVersionRecord,
  JsonObject,
  NewDatasetVersion,
} from '../metadata-store.js';
import type { Database, DatasetsTable, DatasetVersionsTable } from './tables.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type VersionRow = Selectable<DatasetVersionsTable> & { dataset_name: string };

/**
 * Datasets and versions over Kysely. The datasets row keeps version_count, latest_version and updated_at, updated
 * in the transaction that adds a version. A dataset's description is the one given with its first version.
 */
export class SqlDatasetRepository implements DatasetRepository {
  constructor(private readonly ctx: SqlContext) {}

  async addVersion(input: NewDatasetVersion): Promise<AddVersionResult> {
    // Re-adding known content is the common case: answer it without taking the write lock.
    const known = await read(this.ctx, (db) =>
      selectVersions(db)
        .where('datasets.name', '=', input.datasetName)
        .where('digest', '=', input.digest)
        .executeTakeFirst(),
    );
    if (known) return { version: toVersionRecord(known), created: false };

    return writeTransaction(this.ctx, async (trx) => {
      const now = nowMillis();
      await trx
        .insertInto('datasets')
        .values({
          id: newId(),
          name: input.datasetName,
          description: input.description,
          created_at: now,
          updated_at: now,
          version_count: 0,
          latest_version: null,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // The dataset row is the lock that serializes concurrent adds on PostgreSQL (SQLite holds its write lock).
      const dataset = await trx
        .selectFrom('datasets')
        .select(['id', 'version_count', 'latest_version'])
        .where('name', '=', input.datasetName)
        .$if(this.ctx.kind === 'postgres', (qb) => qb.forUpdate())
        .executeTakeFirstOrThrow();

      const existing = await selectVersions(trx)
        .where('dataset_id', '=', dataset.id)
        .where('digest', '=', input.digest)
        .executeTakeFirst();
      if (existing) return { version: toVersionRecord(existing), created: false };

      const row: Selectable<DatasetVersionsTable> = {
        id: newId(),
        dataset_id: dataset.id,
        version: (dataset.latest_version ?? 0) + 1,
        digest: input.digest,
        kind: input.kind,
        format: input.format,
        source: input.source,
        size_bytes: input.sizeBytes,
        file_count: input.fileCount,
        row_count: input.rowCount,
        rejected_row_count: input.rejectedRowCount,
        quarantine_digest: input.quarantineDigest,
        schema_json: JSON.stringify(input.schema),
        profile_json: JSON.stringify(input.profile),
        description: input.description,
        created_at: now,
      };
      await trx.insertInto('dataset_versions').values(row).execute();
      await trx
        .updateTable('datasets')
        .set({ version_count: dataset.version_count + 1, latest_version: row.version, updated_at: now })
        .where('id', '=', dataset.id)
        .execute();
      return { version: toVersionRecord({ ...row, dataset_name: input.datasetName }), created: true };
    });
  }

  async get(name: string): Promise<DatasetRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db.selectFrom('datasets').selectAll().where('name', '=', name).executeTakeFirst(),
    );
    return row && toDatasetRecord(row);
  }

  async list(): Promise<DatasetRecord[]> {
    const rows = await read(this.ctx, (db) => db.selectFrom('datasets').selectAll().execute());
    // Sorted here, by code point, so both engines agree whatever the PostgreSQL collation.
    return rows.map(toDatasetRecord).sort((a, b) => compareNames(a.name, b.name));
  }

  async getVersion(name: string, version: number): Promise<DatasetVersionRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      selectVersions(db).where('datasets.name', '=', name).where('version', '=', version).executeTakeFirst(),
    );
    return row && toVersionRecord(row);
  }

  async listVersions(name: string): Promise<DatasetVersionRecord[]> {
    const rows = await read(this.ctx, (db) =>
      selectVersions(db).where('datasets.name', '=', name).orderBy('version').execute(),
    );
    return rows.map(toVersionRecord);
  }

  async findVersionsByDigest(digestPrefix: string, datasetName?: string): Promise<DatasetVersionRecord[]> {
    if (!/^[0-9a-f]*$/.test(digestPrefix)) {
      throw invalidArgument(`digest prefix ${JSON.stringify(digestPrefix)} is not lower-case hex`, { digestPrefix });
    }
    const rows = await read(this.ctx, (db) =>
      selectVersions(db)
        .where('digest', 'like', `${digestPrefix}%`)
        .$if(datasetName !== undefined, (qb) => qb.where('datasets.name', '=', datasetName ?? ''))
        .execute(),
    );
    // Oldest first; versions of one millisecond by dataset name (code point, as on every engine), then number.
    return rows
      .map(toVersionRecord)
      .sort((a, b) => a.createdAt - b.createdAt || compareNames(a.datasetName, b.datasetName) || a.version - b.version);
  }
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Versions joined with their dataset's name. */
function selectVersions(db: Kysely<Database>) {
  return db
    .selectFrom('dataset_versions')
    .innerJoin('datasets', 'datasets.id', 'dataset_versions.dataset_id')
    .selectAll('dataset_versions')
    .select('datasets.name as dataset_name');
}

function toDatasetRecord(row: Selectable<DatasetsTable>): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    versionCount: Number(row.version_count),
    latestVersion: row.latest_version === null ? null : Number(row.latest_version),
  };
}

function toVersionRecord(row: VersionRow): DatasetVersionRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    version: Number(row.version),
    digest: row.digest,
    kind: row.kind,
    format: row.format,
    source: row.source,
    sizeBytes: Number(row.size_bytes),
    fileCount: Number(row.file_count),
    rowCount: Number(row.row_count),
    rejectedRowCount: Number(row.rejected_row_count),
    quarantineDigest: row.quarantine_digest,
    schema: parseJsonObject(row.schema_json, row.id, 'schema'),
    profile: parseJsonObject(row.profile_json, row.id, 'profile'),
    description: row.description,
    createdAt: Number(row.created_at),
  };
}

function parseJsonObject(text: string, versionId: string, field: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // reported below
  }
  throw new OspreyError('INTERNAL', `dataset version ${versionId} has a corrupt ${field} (not a JSON object)`, {
    details: { versionId, field },
  });
}
