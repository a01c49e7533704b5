import type { Selectable } from 'kysely';
import { nowMillis } from '../../core/time.js';
import type { JsonObject, JsonValue } from '../metadata-store.js';
import type { NewPrediction, PredictionLogRepository, PredictionRecord } from '../monitors.js';
import type { MonitorTables } from './tables-monitors.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type PredictionRow = Selectable<MonitorTables['prediction_log']>;

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits (10 columns each). */
const INSERT_CHUNK = 500;

/** The prediction log over Kysely, keyed by (deployment, request id). */
export class SqlPredictionLogRepository implements PredictionLogRepository {
  constructor(private readonly ctx: SqlContext) {}

  async append(records: readonly NewPrediction[]): Promise<number> {
    if (records.length === 0) return 0;
    return writeTransaction(this.ctx, async (trx) => {
      let inserted = 0;
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        const rows: PredictionRow[] = records.slice(i, i + INSERT_CHUNK).map((r) => ({
          deployment: r.deployment,
          request_id: r.requestId,
          model_name: r.modelName,
          model_version: r.modelVersion,
          at: r.at,
          features_json: JSON.stringify(r.features),
          prediction_json: JSON.stringify(r.prediction),
          scores_json: r.scores === null ? null : JSON.stringify(r.scores),
          label_json: null,
          labeled_at: null,
        }));
        const result = await trx
          .insertInto('prediction_log')
          .values(rows)
          .onConflict((oc) => oc.columns(['deployment', 'request_id']).doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
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
