import type { Kysely } from 'kysely';
import { newId } from '../../core/ids.js';
import type { DatasetInputRecord, LinkedDatasetVersion, NewDatasetInput, Tag } from '../tracking.js';
import type { Database } from './tables.js';
import { chunks, findActiveRun, lastWins, sortByKey } from './tracking-rows.js';
import { type SqlContext, writeTransaction } from './transactions.js';

/**
 * Dataset inputs. A dataset is one row per (experiment, name, digest), shared by the runs that use it; a run's input
 * links it with its own tags. The first link to an Osprey dataset version (by digest) is kept on the dataset row.
 */

export async function logInputs(ctx: SqlContext, runId: string, inputs: NewDatasetInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await writeTransaction(ctx, async (trx) => {
    const { runKey, experimentId } = await findActiveRun(trx, ctx.kind, runId);
    const last = await trx
      .selectFrom('run_inputs')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('run_key', '=', runKey)
      .executeTakeFirst();
    let position = Number(last?.position ?? -1);
    const seen = new Set<string>();
    for (const input of inputs) {
      const identity = JSON.stringify([input.dataset.name, input.dataset.digest]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      const datasetId = await findOrAddDataset(trx, experimentId, input);
      const linked = await trx
        .insertInto('run_inputs')
        .values({ run_key: runKey, dataset_id: datasetId, position: position + 1 })
        .onConflict((oc) => oc.columns(['run_key', 'dataset_id']).doNothing())
        .executeTakeFirst();
      if (Number(linked.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      position += 1;
      const tags = lastWins(input.tags);
      for (const slice of chunks(tags, 500)) {
        await trx
          .insertInto('run_input_tags')
          .values(slice.map((t) => ({ run_key: runKey, dataset_id: datasetId, key: t.key, value: t.value })))
          .execute();
      }
    }
  });
}

async function findOrAddDataset(db: Kysely<Database>, experimentId: number, input: NewDatasetInput): Promise<string> {
  const { dataset } = input;
  const existing = await db
    .selectFrom('tracking_datasets')
    .select(['dataset_id', 'dataset_version_id'])
    .where('experiment_id', '=', experimentId)
    .where('name', '=', dataset.name)
    .where('digest', '=', dataset.digest)
    .executeTakeFirst();
  if (existing) {
    if (existing.dataset_version_id === null && input.datasetVersionId !== null) {
      await db
        .updateTable('tracking_datasets')
        .set({ dataset_version_id: input.datasetVersionId })
        .where('dataset_id', '=', existing.dataset_id)
        .execute();
    }
    return existing.dataset_id;
  }
  const datasetId = newId();
  await db
    .insertInto('tracking_datasets')
    .values({
      dataset_id: datasetId,
      experiment_id: experimentId,
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      schema: dataset.schema,
      profile: dataset.profile,
      dataset_version_id: input.datasetVersionId,
    })
    .execute();
  return datasetId;
}

/** The inputs of each run (by run key), in logging order, with their tags and linked dataset versions. */
export async function readInputs(db: Kysely<Database>, runKeys: number[]): Promise<Map<number, DatasetInputRecord[]>> {
  const byRun = new Map<number, DatasetInputRecord[]>();
  for (const slice of chunks(runKeys, 500)) {
    const rows = await db
      .selectFrom('run_inputs as i')
      .innerJoin('tracking_datasets as d', 'd.dataset_id', 'i.dataset_id')
      .leftJoin('dataset_versions as v', 'v.id', 'd.dataset_version_id')
      .leftJoin('datasets as ds', 'ds.id', 'v.dataset_id')
      .select([
        'i.run_key',
        'i.dataset_id',
        'd.name',
        'd.digest',
        'd.source_type',
        'd.source',
        'd.schema',
        'd.profile',
        'v.id as version_id',
        'v.version',
        'v.digest as version_digest',
        'ds.name as dataset_name',
      ])
      .where('i.run_key', 'in', slice)
      .orderBy('i.run_key')
      .orderBy('i.position')
      .execute();
    if (rows.length === 0) continue;
    const tagRows = await db
      .selectFrom('run_input_tags')
      .select(['run_key', 'dataset_id', 'key', 'value'])
      .where('run_key', 'in', slice)
      .execute();
    const tags = new Map<string, Tag[]>();
    for (const t of tagRows) {
      const id = `${t.run_key}/${t.dataset_id}`;
      tags.set(id, [...(tags.get(id) ?? []), { key: t.key, value: t.value }]);
    }
    for (const row of rows) {
      const runKey = Number(row.run_key);
      const list = byRun.get(runKey) ?? [];
      list.push({
        dataset: {
          name: row.name,
          digest: row.digest,
          sourceType: row.source_type,
          source: row.source,
          schema: row.schema,
          profile: row.profile,
        },
        tags: sortByKey(tags.get(`${runKey}/${row.dataset_id}`) ?? []),
        datasetVersion: linkedVersion(row),
      });
      byRun.set(runKey, list);
    }
  }
  return byRun;
}

function linkedVersion(row: {
  version_id: string | null;
  dataset_name: string | null;
  version: number | null;
  version_digest: string | null;
}): LinkedDatasetVersion | null {
  const { version_id: id, dataset_name: datasetName, version, version_digest: digest } = row;
  if (id === null || datasetName === null || version === null || digest === null) return null;
  return { id, datasetName, version: Number(version), digest };
}
