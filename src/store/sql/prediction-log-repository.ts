import { CompiledQuery, type Selectable } from 'kysely';
import { nowMillis } from '../../core/time.js';
import type { JsonObject, JsonValue } from '../metadata-store.js';
import type { NewPrediction, PredictionLogRepository, PredictionRecord } from '../monitors.js';
import { cachedSql, valuesList } from './sql-text.js';
import type { SqlKind } from './tables.js';
import type { MonitorTables } from './tables-monitors.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type PredictionRow = Selectable<MonitorTables['prediction_log']>;

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits (10 columns each). */
const INSERT_CHUNK = 500;

/** The columns an append writes, in the order of `parameters`. */
const INSERT_COLUMNS = [
  'deployment',
  'request_id',
  'model_name',
  'model_version',
  'at',
  'features_json',
  'prediction_json',
  'scores_json',
] as const;

/** Appends are the serving hot path: pre-built SQL text (sql-text.ts), a repeated (deployment, request) ignored. */
function insertSql(kind: SqlKind, rows: number): string {
  return cachedSql(
    `prediction_log:${kind}:${rows}`,
    () =>
      `insert into prediction_log (${INSERT_COLUMNS.join(', ')}) values ${valuesList(kind, rows, INSERT_COLUMNS.length)} ` +
      'on conflict (deployment, request_id) do nothing',
  );
}

function parameters(records: readonly NewPrediction[]): unknown[] {
  const values: unknown[] = new Array(records.length * INSERT_COLUMNS.length);
  let i = 0;
  for (const r of records) {
    values[i++] = r.deployment;
    values[i++] = r.requestId;
    values[i++] = r.modelName;
    values[i++] = r.modelVersion;
    values[i++] = r.at;
    values[i++] = JSON.stringify(r.features);
    values[i++] = JSON.stringify(r.prediction);
    values[i++] = r.scores === null ? null : JSON.stringify(r.scores);
  }
  return values;
}

/** The prediction log over Kysely, keyed by (deployment, request id). */
export class SqlPredictionLogRepository implements PredictionLogRepository {
  constructor(private readonly ctx: SqlContext) {}

  async append(records: readonly NewPrediction[]): Promise<number> {
    if (records.length === 0) return 0;
    const kind = this.ctx.kind;
    return writeTransaction(this.ctx, async (trx) => {
      let inserted = 0;
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        const slice = records.slice(i, i + INSERT_CHUNK);
        const result = await trx.executeQuery(CompiledQuery.raw(insertSql(kind, slice.length), parameters(slice)));
        inserted += Number(result.numAffectedRows ?? 0);
      }
      return inserted;
    });
  }

  async attachLabels(
    deployment: string,
    labels: readonly { requestId: string; label: JsonValue }[],
  ): Promise<{ matched: number; unmatched: string[] }> {
    return writeTransaction(this.ctx, async (trx) => {
      const now = nowMillis();
      let matched = 0;
      const unmatched: string[] = [];
      for (const { requestId, label } of labels) {
        const result = await trx
          .updateTable('prediction_log')
          .set({ label_json: JSON.stringify(label), labeled_at: now })
          .where('deployment', '=', deployment)
          .where('request_id', '=', requestId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) > 0) matched++;
        else unmatched.push(requestId);
      }
      return { matched, unmatched };
    });
  }

  async labelledCounts(
    deployment: string,
    sinceMs: number,
  ): Promise<{ modelVersion: string; labelled: number; correct: number }[]> {
    const rows = await read(this.ctx, (db) =>
      db
        .selectFrom('prediction_log')
        .select((eb) => [
          'model_version',
          eb.fn.countAll().as('labelled'),
          eb.fn
            .sum<number | string>(eb.case().when('prediction_json', '=', eb.ref('label_json')).then(1).else(0).end())
            .as('correct'),
        ])
        .where('deployment', '=', deployment)
        .where('at', '>=', sinceMs)
        .where('label_json', 'is not', null)
        .groupBy('model_version')
        .orderBy('model_version')
        .execute(),
    );
    return rows.map((r) => ({
      modelVersion: r.model_version,
      labelled: Number(r.labelled),
      correct: Number(r.correct),
    }));
  }

  async window(
    deployment: string,
    options: { sinceMs?: number; untilMs?: number; limit?: number } = {},
  ): Promise<PredictionRecord[]> {
    const rows = await read(this.ctx, (db) => {
      let query = db.selectFrom('prediction_log').selectAll().where('deployment', '=', deployment);
      if (options.sinceMs !== undefined) query = query.where('at', '>=', options.sinceMs);
      if (options.untilMs !== undefined) query = query.where('at', '<', options.untilMs);
      query = query.orderBy('at', 'desc').orderBy('request_id', 'desc');
      if (options.limit !== undefined) query = query.limit(options.limit);
      return query.execute();
    });
    return rows.reverse().map(toPrediction);
  }
}

function toPrediction(row: PredictionRow): PredictionRecord {
  return {
    deployment: row.deployment,
    requestId: row.request_id,
    modelName: row.model_name,
    modelVersion: row.model_version,
    at: Number(row.at),
    features: JSON.parse(row.features_json) as JsonObject,
    prediction: JSON.parse(row.prediction_json) as JsonValue,
    scores: row.scores_json === null ? null : (JSON.parse(row.scores_json) as JsonValue),
    label: row.label_json === null ? null : (JSON.parse(row.label_json) as JsonValue),
    labeledAt: row.labeled_at === null ? null : Number(row.labeled_at),
  };
}
