import type { Selectable } from 'kysely';
import type { JsonObject } from '../metadata-store.js';
import type {
  CacheEntry,
  PipelineAttemptRecord,
  PipelineRunner,
  PipelineRunRecord,
  PipelineStatus,
  PipelineTaskKind,
  PipelineTaskRecord,
} from '../pipelines.js';
import type { PipelineTables } from './tables-pipelines.js';

type RunRow = Selectable<PipelineTables['pipeline_runs']>;
type TaskRow = Selectable<PipelineTables['pipeline_tasks']>;
type AttemptRow = Selectable<PipelineTables['pipeline_attempts']>;
type CacheRow = Selectable<PipelineTables['pipeline_cache']>;

const parseObject = (text: string) => JSON.parse(text) as JsonObject;

export function runRecord(row: RunRow): PipelineRunRecord {
  return {
    id: row.id,
    pipelineName: row.pipeline_name,
    specDigest: row.spec_digest,
    spec: parseObject(row.spec_json),
    params: parseObject(row.params_json),
    baseDir: row.base_dir,
    environment: parseObject(row.environment_json),
    status: row.status as PipelineStatus,
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    error: row.error,
    seed: Number(row.seed),
    useCache: Number(row.use_cache) === 1,
    reproducesRunId: row.reproduces_run_id,
    runner: row.runner as PipelineRunner,
  };
}

export function taskRecord(row: TaskRow): PipelineTaskRecord {
  return {
    id: row.id,
    runId: row.run_id,
    path: row.path,
    kind: row.kind as PipelineTaskKind,
    status: row.status as PipelineStatus,
    outputs: row.outputs_json === null ? null : parseObject(row.outputs_json),
    cacheKey: row.cache_key,
    cachedFromRunId: row.cached_from_run_id,
    error: row.error,
    startedAt: row.started_at === null ? null : Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

export function attemptRecord(row: AttemptRow): PipelineAttemptRecord {
  return {
    id: row.id,
    taskId: row.task_id,
    number: row.number,
    status: row.status as PipelineStatus,
    logPath: row.log_path,
    image: row.image,
    exitCode: row.exit_code,
    signal: row.signal,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    error: row.error,
  };
}

export function cacheRecord(row: CacheRow): CacheEntry {
  return {
    cacheKey: row.cache_key,
    outputs: parseObject(row.outputs_json),
    runId: row.run_id,
    taskPath: row.task_path,
    createdAt: Number(row.created_at),
  };
}
