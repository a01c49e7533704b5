import type { Selectable } from 'kysely';
import { notFound, OspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import type { JsonObject } from '../metadata-store.js';
import type { AlertRecord, MonitorRecord, MonitorRepository, NewMonitor } from '../monitors.js';
import type { MonitorTables } from './tables-monitors.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type MonitorRow = Selectable<MonitorTables['monitors']>;
type AlertRow = Selectable<MonitorTables['monitor_alerts']>;

/** Monitors over Kysely; the unique (monitor_id, dedupe_key) constraint deduplicates alerts of racing servers. */
export class SqlMonitorRepository implements MonitorRepository {
  constructor(private readonly ctx: SqlContext) {}

  async create(input: NewMonitor): Promise<MonitorRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const taken = await trx.selectFrom('monitors').select('id').where('name', '=', input.name).executeTakeFirst();
      if (taken)
        throw new OspreyError('ALREADY_EXISTS', `a monitor named ${JSON.stringify(input.name)} already exists`);
      const row: MonitorRow = {
        id: input.id,
        name: input.name,
        config_json: JSON.stringify(input.config),
        enabled: 1,
        state_json: JSON.stringify(input.state),
        created_at: nowMillis(),
      };
      await trx.insertInto('monitors').values(row).execute();
      return toMonitor(row);
    });
  }

  async get(nameOrId: string): Promise<MonitorRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db
        .selectFrom('monitors')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]))
        .executeTakeFirst(),
    );
    return row && toMonitor(row);
  }

  async list(): Promise<MonitorRecord[]> {
    const rows = await read(this.ctx, (db) => db.selectFrom('monitors').selectAll().execute());
    return rows.map(toMonitor).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async remove(nameOrId: string): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const row = await trx
        .selectFrom('monitors')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]))
        .executeTakeFirst();
      if (!row) throw notFound(`no monitor named ${JSON.stringify(nameOrId)}`);
      await trx.deleteFrom('monitor_alerts').where('monitor_id', '=', row.id).execute();
      await trx.deleteFrom('monitors').where('id', '=', row.id).execute();
    });
  }

  async saveState(monitorId: string, state: JsonObject): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const result = await trx
        .updateTable('monitors')
        .set({ state_json: JSON.stringify(state) })
        .where('id', '=', monitorId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`no monitor with id ${monitorId}`);
    });
  }

  async recordAlert(alert: Omit<AlertRecord, 'actions'>): Promise<{ alert: AlertRecord; created: boolean }> {
    // A racing server's insert fails on the unique key; writeTransaction then reruns this and finds its alert.
    return writeTransaction(this.ctx, async (trx) => {
      const existing = await trx
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('monitor_id', '=', alert.monitorId)
        .where('dedupe_key', '=', alert.dedupeKey)
        .executeTakeFirst();
      if (existing) return { alert: toAlert(existing), created: false };
      const row: AlertRow = {
        id: alert.id,
        monitor_id: alert.monitorId,
        dedupe_key: alert.dedupeKey,
        kind: alert.kind,
        message: alert.message,
        report_json: JSON.stringify(alert.report),
        actions_json: '{}',
        raised_at: alert.raisedAt,
      };
      await trx.insertInto('monitor_alerts').values(row).execute();
      return { alert: toAlert(row), created: true };
    });
  }

  async completeAlert(alertId: string, actions: JsonObject): Promise<void> {
    await writeTransaction(this.ctx, async (trx) => {
      const result = await trx
        .updateTable('monitor_alerts')
        .set({ actions_json: JSON.stringify(actions) })
        .where('id', '=', alertId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`no alert with id ${alertId}`);
    });
  }

  async alerts(options: { monitorId?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    const rows = await read(this.ctx, (db) => {
      let query = db.selectFrom('monitor_alerts').selectAll();
      if (options.monitorId !== undefined) query = query.where('monitor_id', '=', options.monitorId);
      return query
        .orderBy('raised_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100)
        .execute();
    });
    return rows.map(toAlert);
  }
}

function toMonitor(row: MonitorRow): MonitorRecord {
  return {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.config_json) as JsonObject,
    enabled: Number(row.enabled) === 1,
    state: JSON.parse(row.state_json) as JsonObject,
    createdAt: Number(row.created_at),
  };
}

function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    monitorId: row.monitor_id,
    dedupeKey: row.dedupe_key,
    kind: row.kind,
    message: row.message,
    report: JSON.parse(row.report_json) as JsonObject,
    actions: JSON.parse(row.actions_json) as JsonObject,
    raisedAt: Number(row.raised_at),
  };
}
