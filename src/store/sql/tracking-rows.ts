import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import { invalidArgument, notFound } from '../../core/errors.js';
import type { ExperimentRecord, LifecycleStage, RunInfoRecord, RunStatus, Tag, ViewType } from '../tracking.js';
import type { Database, SqlKind } from './tables.js';
import type { ExperimentsTable, RunsTable } from './tables-tracking.js';

/** Rows → records, the errors every part of the tracking store raises, and the checks they share. */

export const experimentNotFound = (experimentId: string) =>
  notFound(`No Experiment with id=${experimentId} exists`, { experimentId });

export const runNotFound = (runId: string) => notFound(`Run with id=${runId} not found`, { runId });

/** Experiment ids are integers in the database; anything else names no experiment. */
export function experimentKey(experimentId: string): number | undefined {
  if (!/^\d{1,10}$/.test(experimentId)) return undefined;
  const n = Number(experimentId);
  return n <= 2_147_483_647 ? n : undefined;
}

export function stagesOf(viewType: ViewType): LifecycleStage[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}

export function toExperimentRecord(row: Selectable<ExperimentsTable>, tags: Tag[]): ExperimentRecord {
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
    tags: sortByKey(tags),
  };
}

export function toRunInfo(row: Selectable<RunsTable>): RunInfoRecord {
  return {
    runId: row.run_id,
    experimentId: String(row.experiment_id),
    runName: row.name,
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? null : Number(row.end_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage,
  };
}

/** Code-point order, the same on every engine whatever its collation. */
export const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortByKey<T extends { key: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareStrings(a.key, b.key));
}

/** For a repeated key the last value wins; first-appearance order is kept. */
export function lastWins(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/**
 * The next integer key of a table: from a sequence on PostgreSQL (concurrent creators never collide), max + 1 on
 * SQLite (whose write lock the caller holds).
 */
export async function nextKey(db: Kysely<Database>, kind: SqlKind, table: 'experiments' | 'runs'): Promise<number> {
  if (kind === 'postgres') {
    const sequence = table === 'experiments' ? 'experiments_id_seq' : 'runs_key_seq';
    const { rows } = await sql<{ key: number }>`select nextval(${sequence}) as key`.execute(db);
    return Number(rows[0]?.key);
  }
  const column = table === 'experiments' ? 'experiment_id' : 'run_key';
  const { rows } = await sql<{
    key: number | null;
  }>`select max(${sql.ref(column)}) as key from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.key ?? 0) + 1;
}

/** Splits a list into slices of at most `size` (bounds the bound parameters of one statement). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const FIND_RUN_SQL: Record<SqlKind, string> = {
  sqlite: 'select run_key, experiment_id, lifecycle_stage from runs where run_id = ?',
  postgres: 'select run_key, experiment_id, lifecycle_stage from runs where run_id = $1',
};

export interface FoundRun {
  /** The integer the per-run tables use. */
  runKey: number;
  experimentId: number;
  lifecycleStage: LifecycleStage;
}

/** The run's key, experiment and stage; NOT_FOUND when there is no such run. (Pre-built SQL: it is on every write.) */
export async function findRun(db: Kysely<Database>, kind: SqlKind, runId: string): Promise<FoundRun> {
  const { rows } = await db.executeQuery<{ run_key: number; experiment_id: number; lifecycle_stage: LifecycleStage }>(
    CompiledQuery.raw(FIND_RUN_SQL[kind], [runId]),
  );
  const row = rows[0];
  if (!row) throw runNotFound(runId);
  return { runKey: Number(row.run_key), experimentId: Number(row.experiment_id), lifecycleStage: row.lifecycle_stage };
}

/** As `findRun`, and INVALID_ARGUMENT unless the run is active (MLflow refuses writes to deleted runs). */
export async function findActiveRun(db: Kysely<Database>, kind: SqlKind, runId: string): Promise<FoundRun> {
  const run = await findRun(db, kind, runId);
  if (run.lifecycleStage !== 'active') {
    throw invalidArgument(`The run ${runId} must be in the 'active' state. Current state is ${run.lifecycleStage}.`, {
      runId,
    });
  }
  return run;
}

export function requireActiveExperiment(experimentId: string, stage: LifecycleStage): void {
  if (stage !== 'active') {
    throw invalidArgument(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`, {
      experimentId,
    });
  }
}
