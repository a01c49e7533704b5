import type { Selectable } from 'kysely';
import { notFound, OspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import type {
  DeploymentChange,
  DeploymentDecision,
  DeploymentPhase,
  DeploymentRecord,
  DeploymentRepository,
  DeploymentStrategy,
  NewDeployment,
} from '../deployments.js';
import type { JsonObject } from '../metadata-store.js';
import type { DeploymentTables } from './tables-deployments.js';
import { read, type SqlContext, writeTransaction } from './transactions.js';

type DeploymentRow = Selectable<DeploymentTables['deployments']>;
type DecisionRow = Selectable<DeploymentTables['deployment_decisions']>;

/** Deployments over Kysely; the revision column is the optimistic lock that keeps two control planes apart. */
export class SqlDeploymentRepository implements DeploymentRepository {
  constructor(private readonly ctx: SqlContext) {}

  async create(input: NewDeployment, decision: Omit<DeploymentDecision, 'deploymentId'>): Promise<DeploymentRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const taken = await trx
        .selectFrom('deployments')
        .select('id')
        .where('endpoint', '=', input.endpoint)
        .executeTakeFirst();
      if (taken)
        throw new OspreyError('ALREADY_EXISTS', `an endpoint named ${JSON.stringify(input.endpoint)} already exists`);
      const now = nowMillis();
      const row: DeploymentRow = {
        id: input.id,
        endpoint: input.endpoint,
        model_name: input.modelName,
        alias: input.alias,
        champion_version: input.championVersion,
        challenger_version: input.challengerVersion,
        strategy: input.strategy,
        phase: input.phase,
        config_json: JSON.stringify(input.config),
        state_json: JSON.stringify(input.state),
        revision: 1,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('deployments').values(row).execute();
      await trx.insertInto('deployment_decisions').values(decisionRow(input.id, decision)).execute();
      return toDeployment(row);
    });
  }

  async get(endpointOrId: string): Promise<DeploymentRecord | undefined> {
    const row = await read(this.ctx, (db) =>
      db
        .selectFrom('deployments')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', endpointOrId), eb('endpoint', '=', endpointOrId)]))
        .executeTakeFirst(),
    );
    return row && toDeployment(row);
  }

  async list(): Promise<DeploymentRecord[]> {
    const rows = await read(this.ctx, (db) => db.selectFrom('deployments').selectAll().execute());
    return rows.map(toDeployment).sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  }

  async update(
    id: string,
    expectedRevision: number,
    change: DeploymentChange,
    decision: Omit<DeploymentDecision, 'deploymentId'>,
  ): Promise<DeploymentRecord> {
    return writeTransaction(this.ctx, async (trx) => {
      const row = await trx.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`no deployment with id ${id}`);
      const conflict = (revision: unknown) =>
        new OspreyError(
          'CONFLICT',
          `deployment ${row.endpoint} changed meanwhile (revision ${revision}, expected ${expectedRevision})`,
        );
      if (Number(row.revision) !== expectedRevision) throw conflict(row.revision);
      // Decisions list in the order taken: each is dated at least 1 ms after the deployment's previous change.
      const decidedAt = Math.max(decision.decidedAt, Number(row.updated_at) + 1);
      const next: DeploymentRow = {
        ...row,
        ...(change.championVersion !== undefined ? { champion_version: change.championVersion } : {}),
        ...(change.challengerVersion !== undefined ? { challenger_version: change.challengerVersion } : {}),
        ...(change.strategy !== undefined ? { strategy: change.strategy } : {}),
        ...(change.phase !== undefined ? { phase: change.phase } : {}),
        ...(change.config !== undefined ? { config_json: JSON.stringify(change.config) } : {}),
        ...(change.state !== undefined ? { state_json: JSON.stringify(change.state) } : {}),
        revision: expectedRevision + 1,
        updated_at: Math.max(nowMillis(), decidedAt),
      };
      // The revision condition decides between racing writers (under read committed the loser updates no row).
      const updated = await trx
        .updateTable('deployments')
        .set(next)
        .where('id', '=', id)
        .where('revision', '=', expectedRevision)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw conflict('newer');
      await trx
        .insertInto('deployment_decisions')
        .values(decisionRow(id, { ...decision, decidedAt }))
        .execute();
      return toDeployment(next);
    });
  }

  async decisions(deploymentId: string): Promise<DeploymentDecision[]> {
    const rows = await read(this.ctx, (db) =>
      db
        .selectFrom('deployment_decisions')
        .selectAll()
        .where('deployment_id', '=', deploymentId)
        .orderBy('decided_at', 'asc')
        .orderBy('id', 'asc')
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      deploymentId: r.deployment_id,
      decision: r.decision,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      evidence: JSON.parse(r.evidence_json) as JsonObject,
      decidedAt: Number(r.decided_at),
    }));
  }
}

function decisionRow(deploymentId: string, d: Omit<DeploymentDecision, 'deploymentId'>): DecisionRow {
  return {
    id: d.id,
    deployment_id: deploymentId,
    decision: d.decision,
    from_version: d.fromVersion,
    to_version: d.toVersion,
    evidence_json: JSON.stringify(d.evidence),
    decided_at: d.decidedAt,
  };
}

function toDeployment(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    endpoint: row.endpoint,
    modelName: row.model_name,
    alias: row.alias,
    championVersion: row.champion_version,
    challengerVersion: row.challenger_version,
    strategy: row.strategy as DeploymentStrategy,
    phase: row.phase as DeploymentPhase,
    config: JSON.parse(row.config_json) as JsonObject,
    state: JSON.parse(row.state_json) as JsonObject,
    revision: Number(row.revision),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
