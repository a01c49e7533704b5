import type { Kysely } from 'kysely';
import { invalidArgument, notFound } from '../../core/errors.js';
import { RUN_NAME_TAG, type RunBatch, type Tag } from '../tracking.js';
import type { Database, SqlKind } from './tables.js';
import { insertMetrics, toMetricRow } from './tracking-metrics.js';
import { chunks, findActiveRun, lastWins } from './tracking-rows.js';
import { type SqlContext, writeTransaction } from './transactions.js';

/** log-batch (and the single log-metric, log-param, set-tag built on it) and delete-tag: one transaction each. */

/** Writes one batch inside the caller's transaction (the group commit's unit of work). */
export async function writeBatch(trx: Kysely<Database>, kind: SqlKind, runId: string, batch: RunBatch): Promise<void> {
  const { runKey } = await findActiveRun(trx, kind, runId);
  if (batch.params.length > 0) await logParams(trx, runKey, runId, batch.params);
  if (batch.metrics.length > 0)
    await insertMetrics(
      trx,
      kind,
      batch.metrics.map((m) => toMetricRow(runKey, m)),
    );
  if (batch.tags.length > 0) await setTags(trx, runKey, batch.tags);
}

/**
 * Inserts params that are new and checks the others kept their value. Checking after the insert (reading back
 * every key) also catches a concurrent writer that logged another value first.
 */
async function logParams(db: Kysely<Database>, runKey: number, runId: string, params: Tag[]): Promise<void> {
  for (const slice of chunks(params, 500)) {
    await db
      .insertInto('run_params')
      .values(slice.map((p) => ({ run_key: runKey, key: p.key, value: p.value })))
      .onConflict((oc) => oc.columns(['run_key', 'key']).doNothing())
      .execute();
  }
  const stored = new Map<string, string>();
  for (const slice of chunks(params, 500)) {
    const rows = await db
      .selectFrom('run_params')
      .select(['key', 'value'])
      .where('run_key', '=', runKey)
      .where(
        'key',
        'in',
        slice.map((p) => p.key),
      )
      .execute();
    for (const row of rows) stored.set(row.key, row.value);
  }
  const changed = params.filter((p) => stored.get(p.key) !== p.value);
  if (changed.length === 0) return;
  const [first] = changed;
  if (changed.length === 1 && first) {
    throw invalidArgument(
      `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${stored.get(first.key)}' for run ID='${runId}'. Attempted logging new value '${first.value}'.`,
      { runId, key: first.key },
    );
  }
  const described = changed.map((p) => ({ key: p.key, old_value: stored.get(p.key), new_value: p.value }));
  throw invalidArgument(
    `Changing param values is not allowed. Params were already logged='${JSON.stringify(described)}' for run ID='${runId}'.`,
    { runId },
  );
}

async function setTags(db: Kysely<Database>, runKey: number, tags: Tag[]): Promise<void> {
  // An empty run name is no name: MLflow leaves both the name and its tag as they are.
  const latest = lastWins(tags).filter((t) => t.key !== RUN_NAME_TAG || t.value !== '');
  for (const slice of chunks(latest, 500)) {
    await db
      .insertInto('run_tags')
      .values(slice.map((t) => ({ run_key: runKey, key: t.key, value: t.value })))
      .onConflict((oc) => oc.columns(['run_key', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
  const runName = latest.find((t) => t.key === RUN_NAME_TAG);
  if (runName) await db.updateTable('runs').set({ name: runName.value }).where('run_key', '=', runKey).execute();
}

export async function deleteTag(ctx: SqlContext, runId: string, key: string): Promise<void> {
  await writeTransaction(ctx, async (trx) => {
    const { runKey } = await findActiveRun(trx, ctx.kind, runId);
    const deleted = await trx
      .deleteFrom('run_tags')
      .where('run_key', '=', runKey)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) {
      throw notFound(`No tag with name: ${key} in run with id ${runId}`, { runId, key });
    }
  });
}
