import type { Selectable } from 'kysely';
import { notFound, OspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import type { JsonObject } from '../metadata-store.js';
import type { NewTrigger, TriggerEventRecord, TriggerRecord, TriggerRepository } from '../triggers.js';
import type { TriggerTables } from './tables-triggers.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type TriggerRow = Selectable<TriggerTables['triggers']>;
type EventRow = Selectable<TriggerTables['trigger_events']>;

/** Triggers over Kysely; the unique (trigger_id, dedupe_key) constraint is what deduplicates racing evaluators. */
export class SqlTriggerRepository implements TriggerRepository {
  constructor(private readonly ctx: SqlContext) {}

  async create(input: NewTrigger): Promise<TriggerRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const taken = await trx.selectFrom('triggers').select('id').where('name', '=', input.name).executeTakeFirst();
      if (taken)
        throw new OspreyError('ALREADY_EXISTS', `a trigger named ${JSON.stringify(input.name)} already exists`);
      const row: TriggerRow = {
        id: input.id,
        name: input.name,
        kind: input.kind,
        pipeline: input.pipeline,
        config_json: JSON.stringify(input.config),
        params_json: JSON.stringify(input.params),
        enabled: 1,
        state_json: JSON.stringify(input.state),
        created_at: nowMillis(),
      };
      await trx.insertInto('triggers').values(row).execute();
      return toTrigger(row);
    });
  }

  async get(nameOrId: string): Promise<TriggerRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db
        .selectFrom('triggers')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]))
        .executeTakeFirst(),
    );
    return row && toTrigger(row);
  }

  async list(): Promise<TriggerRecord[]> {
    const rows = await read(this.ctx, (db) => db.selectFrom('triggers').selectAll().execute());
    return rows.map(toTrigger).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async remove(nameOrId: string): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const row = await trx
        .selectFrom('triggers')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]))
        .executeTakeFirst();
      if (!row) throw notFound(`no trigger named ${JSON.stringify(nameOrId)}`);
      await trx.deleteFrom('trigger_events').where('trigger_id', '=', row.id).execute();
      await trx.deleteFrom('triggers').where('id', '=', row.id).execute();
    });
  }

  async saveState(triggerId: string, state: JsonObject): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const result = await trx
        .updateTable('triggers')
        .set({ state_json: JSON.stringify(state) })
        .where('id', '=', triggerId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`no trigger with id ${triggerId}`);
    });
  }

  async recordEvent(
    event: Omit<TriggerEventRecord, 'runId' | 'error'>,
  ): Promise<{ event: TriggerEventRecord; created: boolean }> {
    // A racing evaluator's insert fails on the unique key; writeTransaction then reruns this and finds its event.
    return writeTransaction(this.ctx, async (trx) => {
      const existing = await trx
        .selectFrom('trigger_events')
        .selectAll()
        .where('trigger_id', '=', event.triggerId)
        .where('dedupe_key', '=', event.dedupeKey)
        .executeTakeFirst();
      if (existing) return { event: toEvent(existing), created: false };
      const row: EventRow = {
        id: event.id,
        trigger_id: event.triggerId,
        dedupe_key: event.dedupeKey,
        reason: event.reason,
        params_json: JSON.stringify(event.params),
        fired_at: event.firedAt,
        run_id: null,
        error: null,
      };
      await trx.insertInto('trigger_events').values(row).execute();
      return { event: toEvent(row), created: true };
    });
  }

  async completeEvent(eventId: string, outcome: { runId: string } | { error: string }): Promise<void> {
    await writeTransaction(this.ctx, (trx) =>
      trx
        .updateTable('trigger_events')
        .set('runId' in outcome ? { run_id: outcome.runId, error: null } : { error: outcome.error })
        .where('id', '=', eventId)
        .execute(),
    );
  }

  async events(triggerId: string, limit = 100): Promise<TriggerEventRecord[]> {
    const rows = await read(this.ctx, (db) =>
      db
        .selectFrom('trigger_events')
        .selectAll()
        .where('trigger_id', '=', triggerId)
        .orderBy('fired_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(toEvent);
  }
}

function toTrigger(row: TriggerRow): TriggerRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    pipeline: row.pipeline,
    config: JSON.parse(row.config_json) as JsonObject,
    params: JSON.parse(row.params_json) as JsonObject,
    enabled: row.enabled === 1,
    state: JSON.parse(row.state_json) as JsonObject,
    createdAt: row.created_at,
  };
}

function toEvent(row: EventRow): TriggerEventRecord {
  return {
    id: row.id,
    triggerId: row.trigger_id,
    dedupeKey: row.dedupe_key,
    reason: row.reason,
    params: JSON.parse(row.params_json) as JsonObject,
    firedAt: row.fired_at,
    runId: row.run_id,
    error: row.error,
  };
}
